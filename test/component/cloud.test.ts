/** services/cloud.ts: target selection, transport and envelope unwrapping. */
import type { ActionName, ActionRequest, ActionResponse, FunctionName, FunctionReason } from '../../typings/functions';
import type { ErrorCode } from '../../typings/envelope';
import { mpRequire } from './helpers';
import { fail, installWx, networkDown, ok, routes } from './wx-mock';

/** The surface of miniprogram/services/cloud.ts and config.ts under test (see helpers.mpRequire). */
interface CloudError extends Error {
  code: ErrorCode;
  field: string | undefined;
  reason: string | undefined;
  fn: FunctionName | undefined;
  answered: boolean;
}
interface CloudModule {
  callCloud<F extends FunctionName, A extends ActionName<F>>(
    fn: F,
    action: A,
    payload: ActionRequest<F, A>,
  ): Promise<ActionResponse<F, A>>;
  CloudError: new (code: ErrorCode, message: string, details?: { field?: string; reason?: string }) => CloudError;
  isCloudError(err: unknown): err is CloudError;
  isCloudErrorOf<F extends FunctionName>(err: unknown, fn: F): boolean;
  reasonOf<F extends FunctionName>(err: unknown, fn: F): FunctionReason<F> | undefined;
}
interface ConfigModule {
  resolveTarget(envVersion: 'develop' | 'trial' | 'release' | null): 'cloud' | 'devstack';
}

const { callCloud, CloudError, isCloudError, isCloudErrorOf, reasonOf } = mpRequire<CloudModule>('services/cloud');
const { resolveTarget } = mpRequire<ConfigModule>('config');

async function caught(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (err) {
    if (isCloudError(err)) return err;
    throw err;
  }
  throw new Error('expected a CloudError');
}

describe('callCloud', () => {
  test('devstack: POSTs { action, ...payload } with the openid header and returns data', async () => {
    const wx = installWx({ envVersion: 'develop', backend: routes({ 'patient.get': ok({ id: 'c1' }) }) });
    await expect(callCloud('patient', 'get', { cardId: 'c1' })).resolves.toEqual({ id: 'c1' });
    const [req] = wx.argsOf<{ url: string; method: string; header: Record<string, string>; data: unknown }>('request');
    expect(req).toMatchObject({
      url: 'http://127.0.0.1:7300/functions/patient',
      method: 'POST',
      header: { 'content-type': 'application/json', 'X-WX-OPENID': 'dev-openid-0001' },
      data: { action: 'get', cardId: 'c1' },
    });
  });

  test('devstack identity comes from storage key devstack.openid when set', async () => {
    const wx = installWx({
      storage: { 'devstack.openid': 'o-family-2' },
      backend: routes({ 'patient.list': ok({ cards: [], limit: 5 }) }),
    });
    await callCloud('patient', 'list', {});
    expect(wx.backendCalls[0]!.openid).toBe('o-family-2');
  });

  test('release build uses wx.cloud.callFunction and reads result', async () => {
    const wx = installWx({ envVersion: 'release', backend: routes({ 'patient.list': ok({ cards: [], limit: 5 }) }) });
    await expect(callCloud('patient', 'list', {})).resolves.toEqual({ cards: [], limit: 5 });
    expect(wx.argsOf('cloud.callFunction')).toEqual([{ name: 'patient', data: { action: 'list' } }]);
    expect(wx.argsOf('request')).toHaveLength(0);
  });

  test('target follows envVersion: develop → devstack, trial/release → cloud', () => {
    expect(resolveTarget('develop')).toBe('devstack');
    expect(resolveTarget('trial')).toBe('cloud');
    expect(resolveTarget('release')).toBe('cloud');
    expect(resolveTarget(null)).toBe('cloud');
  });

  test('error envelope → CloudError with code, message and field', async () => {
    installWx({
      backend: routes({ 'patient.bind': fail('INVALID_ARGUMENT', '身份证号校验位不正确，请核对', 'idNumber') }),
    });
    const err = await caught(
      callCloud('patient', 'bind', { name: '王小明', idNumber: 'x', phone: '13800138000', relation: '本人' }),
    );
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: '身份证号校验位不正确，请核对', field: 'idNumber' });
  });

  test.each(['develop', 'release'] as const)(
    '%s: the refusal reason is passed on, with the function that answered',
    async (envVersion) => {
      installWx({
        envVersion,
        backend: routes({ 'booking.book': fail('FAILED_PRECONDITION', '该时段已约满', { reason: 'full' }) }),
      });
      const err = await caught(
        callCloud('booking', 'book', { cardId: 'c1', sessionId: 's1', time: '09:00', idempotencyKey: 'k1' }),
      );
      expect(err).toMatchObject({ code: 'FAILED_PRECONDITION', reason: 'full', fn: 'booking', answered: true });
      expect(reasonOf(err, 'booking')).toBe('full');
      expect(isCloudErrorOf(err, 'booking')).toBe(true);
      // Another function's reasons are not this one's.
      expect(isCloudErrorOf(err, 'patient')).toBe(false);
      expect(reasonOf(err, 'patient')).toBeUndefined();
    },
  );

  test('a refusal without a reason has none; a non-string reason is dropped', async () => {
    installWx({ backend: routes({ 'booking.get': fail('NOT_FOUND', '预约不存在') }) });
    expect((await caught(callCloud('booking', 'get', { bookingId: 'b1' }))).reason).toBeUndefined();
    installWx({
      backend: () => ({ kind: 'envelope', body: { ok: false, error: { code: 'ABORTED', message: 'x', reason: 7 } } }),
    });
    expect(await caught(callCloud('booking', 'get', { bookingId: 'b1' }))).toMatchObject({
      code: 'ABORTED',
      reason: undefined,
    });
  });

  test.each(['develop', 'release'] as const)(
    '%s: transport failure → UNAVAILABLE 网络异常，请稍后重试, not answered, no reason',
    async (envVersion) => {
      installWx({ envVersion, backend: () => networkDown() });
      const err = await caught(callCloud('patient', 'list', {}));
      expect(err).toMatchObject({
        code: 'UNAVAILABLE',
        message: '网络异常，请稍后重试',
        answered: false,
        fn: 'patient',
      });
      expect(err.reason).toBeUndefined();
    },
  );

  test('a function that threw (HTTP 500) or a malformed reply → INTERNAL, not answered', async () => {
    installWx({ backend: () => ({ kind: 'http', statusCode: 500, body: 'boom' }) });
    expect(await caught(callCloud('patient', 'list', {}))).toMatchObject({ code: 'INTERNAL', answered: false });
    installWx({ backend: () => ({ kind: 'envelope', body: { hello: 1 } }) });
    expect(await caught(callCloud('patient', 'list', {}))).toMatchObject({ code: 'INTERNAL', answered: false });
  });

  test('an unknown error code is reported as INTERNAL with the server message kept', async () => {
    installWx({ backend: routes({ 'patient.list': fail('WHATEVER', '请稍后再试') }) });
    expect(await caught(callCloud('patient', 'list', {}))).toMatchObject({ code: 'INTERNAL', message: '请稍后再试' });
  });
});
