import { memoryEmulator, type Harness } from './helpers';

describe('cloud emulator: getWXContext and strictness', () => {
  let h: Harness;
  beforeEach(() => {
    h = memoryEmulator();
  });
  afterEach(() => h.emu.close());

  it('outside a call behaves like a timer trigger', () => {
    expect(h.emu.sdk.getWXContext()).toEqual({
      OPENID: '',
      APPID: 'wx0000000000000000',
      SOURCE: 'wx_trigger',
      ENV: 'devstack',
    });
  });

  it('returns the identity of the call, with defaults', async () => {
    const ctx = await h.emu.runWithContext({ OPENID: 'o-1', UNIONID: 'u-1' }, async () => h.emu.sdk.getWXContext());
    expect(ctx).toEqual({
      OPENID: 'o-1',
      APPID: 'wx0000000000000000',
      UNIONID: 'u-1',
      SOURCE: 'wx_devtools',
      ENV: 'devstack',
    });
    const http = await h.emu.runWithContext({ OPENID: '', SOURCE: 'wx_http', APPID: 'wxabc' }, async () =>
      h.emu.sdk.getWXContext(),
    );
    expect(http).toEqual({ OPENID: '', APPID: 'wxabc', SOURCE: 'wx_http', ENV: 'devstack' });
  });

  it('keeps identities isolated across interleaved concurrent calls', async () => {
    const sdk = h.emu.sdk;
    const db = h.emu.db;
    const calls = Array.from({ length: 200 }, (_, i) =>
      h.emu.runWithContext({ OPENID: `o-${i}` }, async () => {
        const before = sdk.getWXContext().OPENID;
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        await db.collection('seen').add({ data: { i } });
        const after = sdk.getWXContext().OPENID;
        return { i, before, after };
      }),
    );
    for (const { i, before, after } of await Promise.all(calls)) {
      expect(before).toBe(`o-${i}`);
      expect(after).toBe(`o-${i}`);
    }
    expect(sdk.getWXContext().OPENID).toBe('');
  });

  it('init and database accept the usual options; DYNAMIC_CURRENT_ENV exists', () => {
    const sdk = h.emu.sdk;
    expect(() => sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV, traceUser: true })).not.toThrow();
    expect(sdk.database({ env: sdk.DYNAMIC_CURRENT_ENV })).toBe(h.emu.db);
  });

  it('throws loudly on APIs that are not emulated', () => {
    const sdk = h.emu.sdk as unknown as Record<string, unknown> & { openapi: Record<string, unknown> };
    expect(() => sdk.uploadFile).toThrow('wx-server-sdk emulation: cloud.uploadFile is not emulated');
    expect(() => sdk.callFunction).toThrow('wx-server-sdk emulation: cloud.callFunction is not emulated');
    expect(() => sdk.openapi.templateMessage).toThrow('cloud.openapi.templateMessage is not emulated');
    const db = h.emu.db as unknown as Record<string, unknown>;
    expect(() => db.geo).toThrow('wx-server-sdk emulation: db.geo is not emulated');
    expect(() => db.RegExp).toThrow('is not emulated');
    const _ = h.emu.db.command as unknown as Record<string, unknown>;
    expect(() => _.geoNear).toThrow('db.command.geoNear is not emulated');
    expect(() => _.mul).toThrow('is not emulated');
    const col = h.emu.db.collection('c') as unknown as Record<string, unknown>;
    expect(() => col.aggregate).toThrow('is not emulated');
    expect(() => col.watch).toThrow('is not emulated');
    const q = h.emu.db.collection('c').where({ a: 1 }) as unknown as Record<string, unknown>;
    expect(() => q.watch).toThrow('is not emulated');
    const doc = h.emu.db.collection('c').doc('x') as unknown as Record<string, unknown>;
    expect(() => doc.watch).toThrow('is not emulated');
    // `in` checks and generic probes do not throw
    expect('uploadFile' in sdk).toBe(false);
    expect((sdk as { then?: unknown }).then).toBeUndefined();
  });

  it('emulated objects can be awaited / returned from async functions', async () => {
    const col = await Promise.resolve(h.emu.db.collection('c'));
    expect(typeof col.get).toBe('function');
    const sdk = await (async () => h.emu.sdk)();
    expect(typeof sdk.getWXContext).toBe('function');
  });
});

describe('cloud emulator under jest fake timers', () => {
  afterEach(() => jest.useRealTimers());

  it('database calls and transactions still complete', async () => {
    jest.useFakeTimers();
    const { emu } = memoryEmulator();
    await emu.db
      .collection('c')
      .doc('a')
      .set({ data: { v: 1 } });
    await emu.db.runTransaction(async (tx) => {
      await tx
        .collection('c')
        .doc('a')
        .update({ data: { v: 2 } });
    });
    expect((await emu.db.collection('c').doc('a').get()).data.v).toBe(2);
    emu.close();
  });
});
