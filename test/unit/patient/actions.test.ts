/**
 * The `patient` function end to end through createMain: validation, identity, HIS, storage.
 * Runs against the in-memory fake DB, and again against the devstack cloud emulator.
 */
import { createCloudEmulator } from '../../../devstack/cloud';
import { createMain } from '../../../server/core/handler';
import { silentLogger } from '../../../server/core/log';
import type { Database, DocData } from '../../../server/ports/cloud-sdk';
import { HisError } from '../../../server/ports/his-error';
import { patientActions } from '../../../server/actions/patient';
import type { Envelope } from '../../../typings/envelope';
import {
  PATIENT_REFUSAL_REASONS,
  type PatientCardView,
  type PatientListResponse,
  type PatientUnbindResponse,
} from '../../../typings/patient';
import { FakeDatabase, FakeHisPatient, makeIdNumber, makeIdNumberEndingX } from './fakes';

interface Backend {
  name: string;
  make(): { db: Database; dump(): Promise<Record<string, DocData[]>> };
}

const fakeBackend: Backend = {
  name: 'fake db',
  make() {
    const db = new FakeDatabase();
    return { db, dump: async () => db.dump() };
  },
};

const emulatorBackend: Backend = {
  name: 'devstack emulator',
  make() {
    const { db } = createCloudEmulator({ dbFile: ':memory:', templates: [] });
    const dump = async () => {
      const out: Record<string, DocData[]> = {};
      for (const c of ['patient_cards', 'patient_users']) {
        const r = await db.collection(c).limit(1000).get();
        if (r.data.length) out[c] = r.data;
      }
      return out;
    };
    return { db, dump };
  },
};

const backends = [fakeBackend, emulatorBackend];

// 2026-06-15 10:00 in Shanghai.
const NOW = new Date('2026-06-15T02:00:00Z');

const ADULT_ID = makeIdNumber('1990-01-01', 131); // M
const SPOUSE_ID = makeIdNumber('1991-02-02', 142); // F
const CHILD_ID = makeIdNumber('2022-03-03', 151); // 4 years old
const PARENT_ID = makeIdNumber('1960-04-04', 161);
const PARENT2_ID = makeIdNumber('1962-05-05', 171);
const OTHER_ID = makeIdNumber('1995-06-06', 181);
const SIXTH_ID = makeIdNumber('1996-07-07', 191);

describe.each(backends)('patient function ($name)', (backend) => {
  let db: Database;
  let dump: () => Promise<Record<string, DocData[]>>;
  let his: FakeHisPatient;
  let clock: { now: Date };
  const mains = new Map<string, (e: unknown) => Promise<Envelope<unknown>>>();

  beforeEach(() => {
    ({ db, dump } = backend.make());
    his = new FakeHisPatient();
    clock = { now: NOW };
    mains.clear();
  });

  function call<T = unknown>(openid: string, event: Record<string, unknown>): Promise<Envelope<T>> {
    let main = mains.get(openid);
    if (!main) {
      const cloud = {
        getWXContext: () => ({ OPENID: openid, APPID: 'wx0000000000000000', SOURCE: 'wx_client', ENV: 'test' }),
      };
      main = createMain(cloud, patientActions({ db, his, clock: () => clock.now, piiHashKey: 'test-key' }), {
        fn: 'patient',
        log: silentLogger,
      });
      mains.set(openid, main);
    }
    return main(event).then((env) => {
      // Every reason answered is one of the contract's (typings/patient.ts).
      if (!env.ok && env.error.reason !== undefined) expect(PATIENT_REFUSAL_REASONS).toContain(env.error.reason);
      return env as Envelope<T>;
    });
  }

  const ok = <T>(env: Envelope<T>): T => {
    if (!env.ok) throw new Error(`expected ok, got ${JSON.stringify(env.error)}`);
    return env.data;
  };
  const bindEvent = (over: Record<string, unknown> = {}) => ({
    action: 'bind',
    name: '王小明',
    idNumber: ADULT_ID,
    phone: '13800138000',
    relation: '本人',
    ...over,
  });
  const bind = (openid: string, over: Record<string, unknown> = {}) => call<PatientCardView>(openid, bindEvent(over));

  describe('bind', () => {
    it('links an existing HIS patient (no 建档), masked, default', async () => {
      const p = his.seed({ name: '王小明', idNumber: ADULT_ID, phone: '13912345678', socialSecurityNo: 'SS12345678' });
      const v = ok(await bind('u1'));
      expect(v).toEqual({
        id: expect.stringMatching(/^pc_[0-9a-f]{40}$/),
        cardNo: p.cardNo,
        name: '王小明',
        idNumberMasked: `${ADULT_ID.slice(0, 6)}********${ADULT_ID.slice(-4)}`,
        phoneMasked: '139****5678',
        gender: 'M',
        age: 36,
        relation: '本人',
        isDefault: true,
        socialSecurityMasked: 'SS****5678',
        boundAt: NOW.toISOString(),
        createdInHis: false,
      });
      expect(his.calls).toEqual(['findPatientByIdNumber']);
      const stored = JSON.stringify(await dump());
      expect(stored).not.toContain(ADULT_ID);
      expect(stored).not.toContain('13912345678');
      expect(stored).not.toContain('13800138000');
      expect(stored).not.toContain('SS12345678');
    });

    it('creates the patient in the HIS (建档) when unknown, idempotency key from the ID number', async () => {
      const v = ok(
        await bind('u1', { relation: '配偶', name: '李丽', idNumber: SPOUSE_ID, socialSecurityNo: 'ab123456' }),
      );
      expect(v).toMatchObject({
        createdInHis: true,
        name: '李*',
        gender: 'F',
        age: 35,
        isDefault: true,
        phoneMasked: '138****8000',
      });
      expect(v.socialSecurityMasked).toBe('AB**3456');
      expect(his.calls).toEqual(['findPatientByIdNumber', 'createPatient']);
      const created = [...his.patients.values()][0]!;
      expect(created).toMatchObject({
        name: '李丽',
        idNumber: SPOUSE_ID,
        phone: '13800138000',
        birthDate: '1991-02-02',
      });
    });

    it('a lower-case x ID number binds as upper case', async () => {
      const x = makeIdNumberEndingX('1988-08-08');
      his.seed({ name: '王小明', idNumber: x });
      const v = ok(await bind('u1', { idNumber: x.toLowerCase() }));
      expect(v.idNumberMasked.endsWith('X')).toBe(true);
    });

    it('links to the existing record when 建档 races (PATIENT_EXISTS), with the real-name check', async () => {
      const spy = jest.spyOn(his, 'findPatientByIdNumber').mockResolvedValueOnce(null);
      his.seed({ name: '李丽', idNumber: SPOUSE_ID });
      const v = ok(await bind('u1', { relation: '配偶', name: '李丽', idNumber: SPOUSE_ID }));
      expect(v.createdInHis).toBe(false);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(his.patients.size).toBe(1);
    });

    it('6th card → RESOURCE_EXHAUSTED, and the HIS is not asked', async () => {
      const ids = [ADULT_ID, SPOUSE_ID, PARENT_ID, PARENT2_ID, OTHER_ID];
      const rels = ['本人', '配偶', '父母', '父母', '其他'];
      for (let i = 0; i < 5; i++)
        ok(await bind('u1', { idNumber: ids[i], relation: rels[i], name: `张三${'丰'.repeat(i)}` }));
      const calls = his.calls.length;
      const before = await dump();
      const r = await bind('u1', { idNumber: SIXTH_ID, relation: '其他', name: '赵六' });
      expect(r).toEqual({
        ok: false,
        error: { code: 'RESOURCE_EXHAUSTED', reason: 'limit', message: '最多可绑定5位就诊人' },
      });
      expect(his.calls.length).toBe(calls);
      expect(await dump()).toEqual(before);
      const list = ok(await call<PatientListResponse>('u1', { action: 'list' }));
      expect(list.cards).toHaveLength(5);
      expect(list.limit).toBe(5);
    });

    it('the same patient twice → ALREADY_EXISTS', async () => {
      ok(await bind('u1'));
      expect(await bind('u1')).toEqual({
        ok: false,
        error: { code: 'ALREADY_EXISTS', reason: 'duplicate', message: '该就诊人已绑定' },
      });
      expect(await bind('u1', { relation: '其他', idNumber: ADULT_ID.toLowerCase() })).toMatchObject({
        ok: false,
        error: { code: 'ALREADY_EXISTS', reason: 'duplicate' },
      });
    });

    it('the same patient may be bound by two different users', async () => {
      ok(await bind('u1'));
      const v = ok(await bind('u2', { relation: '子女' }));
      expect(v.name).toBe('王*明');
    });

    it('a second 本人 is refused', async () => {
      ok(await bind('u1'));
      expect(await bind('u1', { idNumber: OTHER_ID, name: '赵五' })).toEqual({
        ok: false,
        error: { code: 'FAILED_PRECONDITION', reason: 'selfExists', message: '您已绑定“本人”就诊人，请选择其他关系' },
      });
    });

    it('a child under 6 as 本人 or 其他 is refused; as 子女 accepted', async () => {
      for (const relation of ['本人', '其他']) {
        expect(await bind('u1', { idNumber: CHILD_ID, name: '王小宝', relation })).toEqual({
          ok: false,
          error: { code: 'FAILED_PRECONDITION', reason: 'guardianRequired', message: '6岁以下儿童请以“子女”关系绑定' },
        });
      }
      expect(his.calls).toEqual([]);
      const v = ok(await bind('u1', { idNumber: CHILD_ID, name: '王小宝', relation: '子女' }));
      expect(v).toMatchObject({ age: 4, relation: '子女', name: '王*宝', createdInHis: true });
    });

    it('the guardian rule flips at midnight Shanghai on the 6th birthday', async () => {
      const kid = makeIdNumber('2020-11-27', 201);
      clock.now = new Date('2026-11-26T15:30:00Z'); // 23:30 on the 26th in Shanghai
      expect(await bind('u1', { idNumber: kid, name: '王小宝' })).toMatchObject({
        ok: false,
        error: { code: 'FAILED_PRECONDITION', reason: 'guardianRequired' },
      });
      clock.now = new Date('2026-11-26T16:30:00Z'); // 00:30 on the 27th
      expect(ok(await bind('u1', { idNumber: kid, name: '王小宝' })).age).toBe(6);
    });

    it('a wrong name for an ID number the HIS knows is refused without revealing the real name', async () => {
      his.seed({ name: '王小明', idNumber: ADULT_ID });
      const r = await bind('u1', { name: '王晓明' });
      expect(r).toEqual({
        ok: false,
        error: { code: 'FAILED_PRECONDITION', reason: 'realNameMismatch', message: '姓名与身份证号不一致' },
      });
      expect(await dump()).toEqual({});
    });

    it('HIS down → UNAVAILABLE, nothing stored', async () => {
      his.failWith = new HisError('unavailable', 'TIMEOUT', 'timeout');
      expect(await bind('u1')).toEqual({
        ok: false,
        error: { code: 'UNAVAILABLE', reason: 'hisUnavailable', message: '医院系统繁忙，请稍后再试' },
      });
      expect(await dump()).toEqual({});
      his.failWith = null;
      ok(await bind('u1'));
    });

    it('HIS down only at 建档 → UNAVAILABLE, nothing stored', async () => {
      jest.spyOn(his, 'createPatient').mockRejectedValueOnce(new HisError('unavailable', 'HTTP_503', '503'));
      expect(await bind('u1')).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', reason: 'hisUnavailable' } });
      expect(await dump()).toEqual({});
      expect(his.patients.size).toBe(0);
    });

    it('HIS rejections map to INVALID_ARGUMENT / FAILED_PRECONDITION / INTERNAL', async () => {
      his.failWith = new HisError('rejected', 'INVALID_REQUEST', 'bad');
      expect(await bind('u1')).toEqual({
        ok: false,
        error: {
          code: 'INVALID_ARGUMENT',
          reason: 'hisInvalidInput',
          message: '医院系统未能受理所填信息，请核对后重试',
        },
      });
      his.failWith = new HisError('rejected', 'PATIENT_BLOCKED', 'blocked');
      expect(await bind('u1')).toEqual({
        ok: false,
        error: { code: 'FAILED_PRECONDITION', reason: 'hisRefused', message: '医院系统暂时无法办理，请到医院窗口办理' },
      });
      his.failWith = new HisError('rejected', 'SIGNATURE_INVALID', 'sig');
      expect(await bind('u1')).toEqual({ ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } });
      expect(await dump()).toEqual({});
    });

    it('concurrent double bind of the same card by the same user → exactly one success', async () => {
      const results = await Promise.all([bind('u1'), bind('u1'), bind('u1')]);
      const okCount = results.filter((r) => r.ok).length;
      expect(okCount).toBe(1);
      for (const r of results.filter((x) => !x.ok))
        expect(r).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS', reason: 'duplicate' } });
      expect(his.patients.size).toBe(1);
      const list = ok(await call<PatientListResponse>('u1', { action: 'list' }));
      expect(list.cards).toHaveLength(1);
      expect(list.cards[0]!.isDefault).toBe(true);
    });

    it('concurrent binds of different patients cannot exceed the limit or make two defaults', async () => {
      ok(await bind('u1'));
      ok(await bind('u1', { idNumber: SPOUSE_ID, relation: '配偶', name: '李丽' }));
      ok(await bind('u1', { idNumber: PARENT_ID, relation: '父母', name: '王大' }));
      ok(await bind('u1', { idNumber: PARENT2_ID, relation: '父母', name: '刘二' }));
      const results = await Promise.all([
        bind('u1', { idNumber: OTHER_ID, relation: '其他', name: '赵五' }),
        bind('u1', { idNumber: SIXTH_ID, relation: '其他', name: '赵六' }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toMatchObject({
        ok: false,
        error: { code: 'RESOURCE_EXHAUSTED', reason: 'limit' },
      });
      const list = ok(await call<PatientListResponse>('u1', { action: 'list' }));
      expect(list.cards).toHaveLength(5);
      expect(list.cards.filter((c) => c.isDefault)).toHaveLength(1);
    });
  });

  describe('validation: INVALID_ARGUMENT naming the field, nothing stored, HIS not asked', () => {
    const cases: [string, Record<string, unknown>, string, string | RegExp][] = [
      ['name missing', { name: undefined }, 'name', '请输入姓名'],
      ['name wrong type', { name: 123 }, 'name', '请输入正确的姓名'],
      ['name blank', { name: '   ' }, 'name', '请输入姓名'],
      ['name too long', { name: '王'.repeat(21) }, 'name', /请输入正确的姓名/],
      ['name too short', { name: '王' }, 'name', /请输入正确的姓名/],
      ['name with digits', { name: '王2明' }, 'name', /请输入正确的姓名/],
      ['idNumber missing', { idNumber: undefined }, 'idNumber', '请输入身份证号'],
      ['idNumber wrong type', { idNumber: 3306021990 }, 'idNumber', '身份证号格式不正确'],
      ['idNumber too long', { idNumber: `${ADULT_ID}1` }, 'idNumber', '身份证号应为18位，末位可为数字或X'],
      ['idNumber format', { idNumber: '12345' }, 'idNumber', '身份证号应为18位，末位可为数字或X'],
      [
        'idNumber bad checksum',
        { idNumber: ADULT_ID.slice(0, 17) + (ADULT_ID[17] === '0' ? '1' : '0') },
        'idNumber',
        '身份证号校验位不正确，请核对',
      ],
      [
        'idNumber future birth date',
        { idNumber: makeIdNumber('2026-06-16', 1) },
        'idNumber',
        '身份证号中的出生日期晚于今天',
      ],
      [
        'idNumber impossible birth date',
        { idNumber: makeIdNumber('1990-13-01', 1) },
        'idNumber',
        '身份证号中的出生日期不正确',
      ],
      ['idNumber region', { idNumber: makeIdNumber('1990-01-01', 1, '930602') }, 'idNumber', '身份证号地区码不正确'],
      ['phone missing', { phone: undefined }, 'phone', '请输入手机号'],
      ['phone bad', { phone: '12800138000' }, 'phone', '请输入正确的手机号'],
      ['phone too long', { phone: '138001380001' }, 'phone', '请输入正确的手机号'],
      ['relation missing', { relation: undefined }, 'relation', '请选择与您的关系'],
      ['relation unknown', { relation: '朋友' }, 'relation', '与您的关系不正确'],
      ['socialSecurityNo bad', { socialSecurityNo: '12-34' }, 'socialSecurityNo', '社保卡号应为6-20位字母或数字'],
      ['socialSecurityNo wrong type', { socialSecurityNo: 12345678 }, 'socialSecurityNo', '社保卡号格式不正确'],
      ['unknown extra field', { openid: 'u-other' }, 'openid', '不支持的字段：openid'],
    ];
    it.each(cases)('%s', async (_label, over, field, message) => {
      const event = bindEvent(over);
      for (const [k, v] of Object.entries(over)) if (v === undefined) delete (event as Record<string, unknown>)[k];
      const r = await call('u1', event);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('INVALID_ARGUMENT');
      expect(r.error.field).toBe(field);
      if (typeof message === 'string') expect(r.error.message).toBe(message);
      else expect(r.error.message).toMatch(message);
      expect(await dump()).toEqual({});
      expect(his.calls).toEqual([]);
    });

    it('an empty socialSecurityNo counts as absent', async () => {
      const v = ok(await bind('u1', { socialSecurityNo: '' }));
      expect(v.socialSecurityMasked).toBeNull();
    });

    it.each([
      ['get', { cardId: '' }, 'cardId'],
      ['get', {}, 'cardId'],
      ['unbind', { cardId: 'a/b' }, 'cardId'],
      ['setDefault', { cardId: 'x'.repeat(65) }, 'cardId'],
      ['setDefault', { cardId: 42 }, 'cardId'],
      ['list', { extra: 1 }, 'extra'],
      ['get', { cardId: 'abc', extra: 1 }, 'extra'],
    ])('%s %j → INVALID_ARGUMENT on %s', async (actionName, payload, field) => {
      const r = await call('u1', { action: actionName, ...payload });
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field } });
    });
  });

  describe('list / get / setDefault / unbind', () => {
    async function threeCards() {
      const a = ok(await bind('u1'));
      clock.now = new Date(NOW.getTime() + 60_000);
      const b = ok(await bind('u1', { idNumber: SPOUSE_ID, relation: '配偶', name: '李丽' }));
      clock.now = new Date(NOW.getTime() + 120_000);
      const c = ok(await bind('u1', { idNumber: PARENT_ID, relation: '父母', name: '欧阳大明' }));
      return { a, b, c };
    }

    it('list and get return masked views; empty list for a new user', async () => {
      expect(ok(await call<PatientListResponse>('u9', { action: 'list' }))).toEqual({ cards: [], limit: 5 });
      const { a, b, c } = await threeCards();
      const list = ok(await call<PatientListResponse>('u1', { action: 'list' }));
      expect(list.cards.map((x) => [x.id, x.name, x.isDefault])).toEqual([
        [a.id, '王小明', true],
        [b.id, '李*', false],
        [c.id, '欧**明', false],
      ]);
      for (const x of list.cards) {
        expect(x.idNumberMasked).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
        expect(x.phoneMasked).toMatch(/^1\d{2}\*{4}\d{4}$/);
      }
      const got = ok(await call<PatientCardView>('u1', { action: 'get', cardId: c.id }));
      expect(got).toEqual({ ...list.cards[2] });
    });

    it('setDefault keeps exactly one default', async () => {
      const { a, b } = await threeCards();
      const v = ok(await call<PatientCardView>('u1', { action: 'setDefault', cardId: b.id }));
      expect(v).toMatchObject({ id: b.id, isDefault: true });
      const again = ok(await call<PatientCardView>('u1', { action: 'setDefault', cardId: b.id }));
      expect(again.isDefault).toBe(true);
      const list = ok(await call<PatientListResponse>('u1', { action: 'list' }));
      expect(list.cards.filter((x) => x.isDefault).map((x) => x.id)).toEqual([b.id]);
      expect(list.cards.find((x) => x.id === a.id)!.isDefault).toBe(false);
    });

    it('unbinding the default promotes the most recently bound remaining card', async () => {
      const { a, b, c } = await threeCards();
      const r = ok(await call<PatientUnbindResponse>('u1', { action: 'unbind', cardId: a.id }));
      expect(r).toEqual({ cardId: a.id, newDefaultCardId: c.id });
      let list = ok(await call<PatientListResponse>('u1', { action: 'list' }));
      expect(list.cards.map((x) => [x.id, x.isDefault])).toEqual([
        [b.id, false],
        [c.id, true],
      ]);
      expect(ok(await call<PatientUnbindResponse>('u1', { action: 'unbind', cardId: b.id }))).toEqual({
        cardId: b.id,
        newDefaultCardId: null,
      });
      expect(ok(await call<PatientUnbindResponse>('u1', { action: 'unbind', cardId: c.id }))).toEqual({
        cardId: c.id,
        newDefaultCardId: null,
      });
      list = ok(await call<PatientListResponse>('u1', { action: 'list' }));
      expect(list.cards).toEqual([]);
      // 本人 was freed by unbinding a: a new 本人 may be bound and becomes default again.
      const again = ok(await bind('u1', { idNumber: OTHER_ID, name: '赵五' }));
      expect(again).toMatchObject({ isDefault: true, relation: '本人' });
      // unbinding a card twice: the second is NOT_FOUND
      expect(await call('u1', { action: 'unbind', cardId: a.id })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    });

    it('after unbinding, the 5-card limit counts the remaining cards', async () => {
      const { a } = await threeCards();
      ok(await bind('u1', { idNumber: PARENT2_ID, relation: '父母', name: '刘二' }));
      ok(await bind('u1', { idNumber: OTHER_ID, relation: '其他', name: '赵五' }));
      expect(await bind('u1', { idNumber: SIXTH_ID, relation: '其他', name: '赵六' })).toMatchObject({
        ok: false,
        error: { code: 'RESOURCE_EXHAUSTED', reason: 'limit' },
      });
      ok(await call('u1', { action: 'unbind', cardId: a.id }));
      ok(await bind('u1', { idNumber: SIXTH_ID, relation: '其他', name: '赵六' }));
    });

    it('concurrent setDefault / unbind calls still leave exactly one default', async () => {
      const { a, b, c } = await threeCards();
      const results = await Promise.all([
        call('u1', { action: 'setDefault', cardId: b.id }),
        call('u1', { action: 'setDefault', cardId: c.id }),
        call('u1', { action: 'unbind', cardId: a.id }),
        call('u1', { action: 'setDefault', cardId: a.id }),
      ]);
      for (const r of results) {
        if (!r.ok) expect(['NOT_FOUND', 'ABORTED']).toContain(r.error.code);
      }
      const list = ok(await call<PatientListResponse>('u1', { action: 'list' }));
      expect(list.cards.map((x) => x.id)).toEqual([b.id, c.id]);
      expect(list.cards.filter((x) => x.isDefault)).toHaveLength(1);
    });

    it("another user's card is NOT_FOUND, exactly like a random id, and stays untouched", async () => {
      const { a, b } = await threeCards();
      const before = await dump();
      const notFound = { ok: false, error: { code: 'NOT_FOUND', message: '就诊人不存在' } };
      for (const act of ['get', 'unbind', 'setDefault']) {
        expect(await call('u2', { action: act, cardId: b.id })).toEqual(notFound);
        expect(await call('u2', { action: act, cardId: 'pc_0000000000000000000000000000000000000000' })).toEqual(
          notFound,
        );
      }
      expect(ok(await call<PatientListResponse>('u2', { action: 'list' })).cards).toEqual([]);
      const after = await dump();
      expect(after.patient_cards).toEqual(before.patient_cards);
      expect(ok(await call<PatientCardView>('u1', { action: 'get', cardId: a.id })).isDefault).toBe(true);
    });
  });

  it('rejects calls without a WeChat identity', async () => {
    const main = createMain(
      { getWXContext: () => ({ OPENID: '', APPID: 'wx', SOURCE: 'wx_http', ENV: 'test' }) },
      patientActions({ db, his, piiHashKey: 'k' }),
      { fn: 'patient', log: silentLogger },
    );
    expect(await main({ action: 'list' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('logs no payload or PII', async () => {
    const lines: string[] = [];
    const log = {
      info: (m: string, f?: object) => lines.push(JSON.stringify([m, f])),
      warn: (m: string, f?: object) => lines.push(JSON.stringify([m, f])),
      error: (m: string, f?: object) => lines.push(JSON.stringify([m, f])),
    };
    const main = createMain(
      { getWXContext: () => ({ OPENID: 'u1', APPID: 'wx', SOURCE: 'wx_client', ENV: 'test' }) },
      patientActions({ db, his, clock: () => NOW, piiHashKey: 'k' }),
      { fn: 'patient', log },
    );
    his.seed({ name: '王小明', idNumber: ADULT_ID, phone: '13912345678' });
    await main(bindEvent());
    await main(bindEvent({ name: '王晓明' }));
    his.failWith = new HisError('unavailable', 'TIMEOUT', `timeout for ${ADULT_ID}`);
    await main(bindEvent({ idNumber: SPOUSE_ID, relation: '配偶', name: '李丽' }));
    const all = lines.join('\n');
    expect(lines.length).toBe(3);
    for (const secret of [ADULT_ID, SPOUSE_ID, '13800138000', '13912345678', '王小明', '王晓明', '李丽']) {
      expect(all).not.toContain(secret);
    }
  });
});
