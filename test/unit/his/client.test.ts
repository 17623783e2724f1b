import { generateIdNumber, withWrongChecksum } from '../../../devstack/seed/identities';
import type { HisSandbox } from '../../../devstack/his';
import { createHisPatientClient } from '../../../server/adapters/his/patient-client';
import { hisConfigFromEnv } from '../../../server/config/his';
import { silentLogger } from '../../../server/core/log';
import type { HisCreatePatientInput } from '../../../server/ports/his-patient';
import { APP_ID, APP_SECRET, getJson, patientClientFor, rejection, startTestSandbox } from './helpers';
import { memoryLogger } from '../core/memory-logger';

function person(overrides: Partial<HisCreatePatientInput> = {}): HisCreatePatientInput {
  const idNumber = overrides.idNumber ?? generateIdNumber({ fromYear: 1960, toYear: 2010 });
  return {
    requestId: `req-${idNumber}`,
    name: '测试甲',
    idNumber,
    phone: '13800138000',
    gender: Number(idNumber[16]) % 2 === 1 ? 'M' : 'F',
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    socialSecurityNo: null,
    ...overrides,
  };
}

describe('HIS client against the sandbox', () => {
  let his: HisSandbox;
  beforeAll(async () => {
    his = await startTestSandbox();
  });
  afterAll(() => his.close());
  afterEach(() => his.setFaults({}));

  it('finds a seeded patient by ID number and gets it by id', async () => {
    const sample = (await getJson(his, '/sandbox/patients/sample?count=1')).json.data.items[0];
    const client = patientClientFor(his);
    const found = await client.findPatientByIdNumber(sample.idNumber);
    expect(found).toMatchObject({ patientId: sample.patientId, cardNo: sample.cardNo, idNumber: sample.idNumber });
    expect(await client.getPatient(sample.patientId)).toEqual(found);
  });

  it('unknown ID number → null; unknown patientId → null', async () => {
    const client = patientClientFor(his);
    expect(await client.findPatientByIdNumber(generateIdNumber({ fromYear: 2001, toYear: 2001 }))).toBeNull();
    expect(await client.getPatient('P9999999999')).toBeNull();
  });

  it('a misrouted base URL is an error, never "no such patient"', async () => {
    const err = await rejection(
      patientClientFor(his, { baseUrl: `${his.url}/wrong-prefix` }).getPatient('P1000000001'),
    );
    expect(err).toMatchObject({ kind: 'rejected', code: 'METHOD_NOT_FOUND' });
  });

  it('creates a patient and reads it back (find/get/create round trip)', async () => {
    const client = patientClientFor(his);
    const input = person({ socialSecurityNo: 'A12345678' });
    const created = await client.createPatient(input);
    expect(created).toEqual({
      patientId: expect.stringMatching(/^P\d{10}$/),
      cardNo: expect.stringMatching(/^\d{10}$/),
      name: input.name,
      idNumber: input.idNumber,
      phone: input.phone,
      gender: input.gender,
      birthDate: input.birthDate,
      socialSecurityNo: 'A12345678',
      createdAt: expect.any(String),
    });
    expect(await client.findPatientByIdNumber(input.idNumber)).toEqual(created);
    expect(await client.getPatient(created.patientId)).toEqual(created);
  });

  it('create is idempotent by requestId; another requestId for the same ID number → PATIENT_EXISTS', async () => {
    const client = patientClientFor(his);
    const before = (await getJson(his, '/sandbox/summary')).json.data.counts.patients;
    const input = person();
    const first = await client.createPatient(input);
    const second = await client.createPatient(input);
    expect(second).toEqual(first);
    expect((await getJson(his, '/sandbox/summary')).json.data.counts.patients).toBe(before + 1);

    const other = await rejection(client.createPatient({ ...input, requestId: `${input.requestId}-other` }));
    expect(other).toMatchObject({ kind: 'rejected', code: 'PATIENT_EXISTS' });

    // Same requestId, different body → INVALID_REQUEST.
    const changed = await rejection(client.createPatient({ ...input, phone: '13900139000' }));
    expect(changed).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
  });

  it('a seeded ID number cannot be registered again', async () => {
    const sample = (await getJson(his, '/sandbox/patients/sample?count=1')).json.data.items[0];
    const err = await rejection(patientClientFor(his).createPatient(person({ idNumber: sample.idNumber })));
    expect(err).toMatchObject({ kind: 'rejected', code: 'PATIENT_EXISTS' });
  });

  it.each<[string, (p: HisCreatePatientInput) => Partial<HisCreatePatientInput>]>([
    ['wrong checksum', (p) => ({ idNumber: withWrongChecksum(p.idNumber) })],
    ['short ID number', (p) => ({ idNumber: p.idNumber.slice(0, 17) })],
    ['gender not matching the ID', (p) => ({ gender: p.gender === 'M' ? 'F' : 'M' })],
    ['birth date not matching the ID', () => ({ birthDate: '1900-01-01' })],
    ['landline phone', () => ({ phone: '057588888888' })],
    ['one-character name', () => ({ name: '张' })],
    ['name with digits', () => ({ name: '张三3' })],
    ['name too long', () => ({ name: '张'.repeat(21) })],
    ['bad social security number', () => ({ socialSecurityNo: '12-34' })],
    ['short requestId', () => ({ requestId: 'abc' })],
  ])('invalid create payload (%s) → rejected INVALID_REQUEST', async (_label, change) => {
    const input = person();
    const err = await rejection(patientClientFor(his).createPatient({ ...input, ...change(input) }));
    expect(err).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
  });

  it('accepts names with · and Latin letters', async () => {
    const client = patientClientFor(his);
    await expect(client.createPatient(person({ name: '阿依古丽·买买提' }))).resolves.toMatchObject({
      name: '阿依古丽·买买提',
    });
    await expect(client.createPatient(person({ name: 'Anna' }))).resolves.toMatchObject({ name: 'Anna' });
  });

  it('a malformed ID number in find is rejected, not retried', async () => {
    const log = memoryLogger();
    const err = await rejection(patientClientFor(his, {}, { log }).findPatientByIdNumber('12345'));
    expect(err).toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
    expect(log.lines).toEqual([
      { level: 'info', msg: 'his.call', fields: expect.objectContaining({ attempts: 1, ok: false }) },
    ]);
  });

  it('retries reads on injected 503 and then succeeds', async () => {
    const log = memoryLogger();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    his.setFaults({ failNext: 2, methods: ['patient.get'] });
    const p = await patientClientFor(his, { retries: 2 }, { log, fetch: counting }).getPatient('P1000000001');
    expect(p?.patientId).toBe('P1000000001');
    expect(calls).toBe(3);
    expect(log.lines).toEqual([
      {
        level: 'info',
        msg: 'his.call',
        fields: { method: 'patient.get', ok: true, attempts: 3, ms: expect.any(Number) },
      },
    ]);
  });

  it('gives up after bounded attempts when the HIS keeps failing → unavailable', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    his.setFaults({ failRate: 1 });
    const err = await rejection(
      patientClientFor(his, { retries: 2 }, { fetch: counting }).findPatientByIdNumber('110105194912310021'),
    );
    expect(err).toMatchObject({ kind: 'unavailable', code: 'UNAVAILABLE' });
    expect(calls).toBe(3);
  });

  it('the same failure rate on another method does not touch reads', async () => {
    his.setFaults({ failRate: 1, methods: ['patient.create'] });
    await expect(patientClientFor(his).getPatient('P1000000002')).resolves.toMatchObject({ patientId: 'P1000000002' });
  });

  it('retries create (it carries a requestId) and still yields one record', async () => {
    const input = person();
    his.setFaults({ failNext: 1, methods: ['patient.create'] });
    const created = await patientClientFor(his).createPatient(input);
    expect(created.idNumber).toBe(input.idNumber);
    expect(await patientClientFor(his).createPatient(input)).toEqual(created);
  });

  it('times out slow calls → unavailable TIMEOUT after bounded attempts', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const log = memoryLogger();
    his.setFaults({ delayMs: 400 });
    const started = Date.now();
    const err = await rejection(
      patientClientFor(his, { timeoutMs: 60, retries: 1 }, { fetch: counting, log }).getPatient('P1000000001'),
    );
    expect(err).toMatchObject({ kind: 'unavailable', code: 'TIMEOUT' });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(400);
    expect(log.lines[0]).toEqual({
      level: 'warn',
      msg: 'his.call',
      fields: {
        method: 'patient.get',
        ok: false,
        kind: 'unavailable',
        code: 'TIMEOUT',
        attempts: 2,
        ms: expect.any(Number),
      },
    });
  });

  it('POST /sandbox/faults sets the same faults over HTTP', async () => {
    const res = await fetch(`${his.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ failRate: 1, methods: ['patient.findByIdNumber'] }),
    });
    expect((await res.json()).data.faults).toEqual({
      failRate: 1,
      delayMs: 0,
      methods: ['patient.findByIdNumber'],
      failNext: 0,
      applyThenFail: false,
      responseDelayMs: 0,
    });
    const err = await rejection(patientClientFor(his, { retries: 0 }).findPatientByIdNumber('110105194912310021'));
    expect(err.kind).toBe('unavailable');
  });

  it('never logs names, ID numbers or phones', async () => {
    const log = memoryLogger();
    const input = person({ name: '日志检查' });
    const client = patientClientFor(his, {}, { log });
    await client.createPatient(input);
    await client.findPatientByIdNumber(input.idNumber);
    const text = JSON.stringify(log.lines);
    expect(log.lines).toHaveLength(2);
    expect(text).not.toContain(input.idNumber);
    expect(text).not.toContain(input.name);
    expect(text).not.toContain(input.phone);
  });
});

describe('HIS client response handling (fake fetch)', () => {
  const config = { baseUrl: 'http://his.invalid/', appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 1000, retries: 2 };
  const reply = (...answers: (() => Response)[]): typeof fetch & { calls: { url: string; init: RequestInit }[] } => {
    const calls: { url: string; init: RequestInit }[] = [];
    const f = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const next = answers[Math.min(calls.length - 1, answers.length - 1)]!;
      return next();
    }) as unknown as typeof fetch & { calls: typeof calls };
    f.calls = calls;
    return f;
  };
  const json = (status: number, body: unknown) => () =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

  it('signs each attempt with a fresh nonce and posts to {base}/api/v1/{method}', async () => {
    const f = reply(
      json(503, { code: 'UNAVAILABLE', message: 'x' }),
      json(200, { code: 'OK', data: { patient: null } }),
    );
    const client = createHisPatientClient(config, { fetch: f, sleep: async () => {}, log: silentLogger });
    expect(await client.findPatientByIdNumber('110105194912310021')).toBeNull();
    expect(f.calls).toHaveLength(2);
    expect(f.calls[0]!.url).toBe('http://his.invalid/api/v1/patient.findByIdNumber');
    const h0 = f.calls[0]!.init.headers as Record<string, string>;
    const h1 = f.calls[1]!.init.headers as Record<string, string>;
    expect(h0['X-HIS-AppId']).toBe(APP_ID);
    expect(h0['X-HIS-Nonce']).not.toBe(h1['X-HIS-Nonce']);
    expect(f.calls[0]!.init.body).toBe('{"idNumber":"110105194912310021"}');
  });

  it('garbage data on 200 → unavailable BAD_RESPONSE, not retried', async () => {
    const f = reply(json(200, { code: 'OK', data: { patient: { patientId: 1 } } }));
    const client = createHisPatientClient(config, { fetch: f, sleep: async () => {}, log: silentLogger });
    const err = await rejection(client.getPatient('P1000000001'));
    expect(err).toMatchObject({ kind: 'unavailable', code: 'BAD_RESPONSE' });
    expect(f.calls).toHaveLength(1);
  });

  it('non-JSON 502 from a proxy is transient and retried', async () => {
    const f = reply(() => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const client = createHisPatientClient(config, { fetch: f, sleep: async () => {}, log: silentLogger });
    const err = await rejection(client.getPatient('P1000000001'));
    expect(err).toMatchObject({ kind: 'unavailable', code: 'UNAVAILABLE' });
    expect(f.calls).toHaveLength(3);
  });

  it('network errors → unavailable NETWORK after retries; business errors are never retried', async () => {
    const down = reply(() => {
      throw new TypeError('fetch failed');
    });
    const c1 = createHisPatientClient(config, { fetch: down, sleep: async () => {}, log: silentLogger });
    expect(await rejection(c1.getPatient('P1000000001'))).toMatchObject({ kind: 'unavailable', code: 'NETWORK' });
    expect(down.calls).toHaveLength(3);

    const sig = reply(json(401, { code: 'SIGNATURE_INVALID', message: 'bad' }));
    const c2 = createHisPatientClient(config, { fetch: sig, sleep: async () => {}, log: silentLogger });
    expect(await rejection(c2.getPatient('P1000000001'))).toMatchObject({
      kind: 'rejected',
      code: 'SIGNATURE_INVALID',
    });
    expect(sig.calls).toHaveLength(1);
  });

  it('backs off between attempts with small delays', async () => {
    const waits: number[] = [];
    const f = reply(json(503, { code: 'UNAVAILABLE', message: 'x' }));
    const client = createHisPatientClient(config, {
      fetch: f,
      sleep: async (ms) => void waits.push(ms),
      log: silentLogger,
    });
    await rejection(client.getPatient('P1000000001'));
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(150);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(300);
  });
});

describe('hisConfigFromEnv', () => {
  const base = { HIS_BASE_URL: 'https://his.example.cn/gw', HIS_APP_ID: 'app', HIS_APP_SECRET: 's3cret' };

  it('reads the variables with defaults', () => {
    expect(hisConfigFromEnv(base)).toEqual({
      baseUrl: 'https://his.example.cn/gw',
      appId: 'app',
      appSecret: 's3cret',
      timeoutMs: 3000,
      retries: 2,
    });
    expect(hisConfigFromEnv({ ...base, HIS_TIMEOUT_MS: '1500', HIS_RETRIES: '0' })).toMatchObject({
      timeoutMs: 1500,
      retries: 0,
    });
  });

  it.each(['HIS_BASE_URL', 'HIS_APP_ID', 'HIS_APP_SECRET'])('names a missing %s', (name) => {
    const env: NodeJS.ProcessEnv = { ...base };
    delete env[name];
    expect(() => hisConfigFromEnv(env)).toThrow(name);
  });

  it('refuses malformed numbers', () => {
    expect(() => hisConfigFromEnv({ ...base, HIS_TIMEOUT_MS: 'soon' })).toThrow('HIS_TIMEOUT_MS');
    expect(() => hisConfigFromEnv({ ...base, HIS_RETRIES: '-1' })).toThrow('HIS_RETRIES');
  });
});
