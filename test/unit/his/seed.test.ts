import { checkIdNumber } from '../../../common/idcard';
import { DEFAULT_SEED, generateSeed } from '../../../devstack/his/seed';
import type { HisSandbox } from '../../../devstack/his';
import { getJson, startTestSandbox } from './helpers';

describe('seed data (pure)', () => {
  const data = generateSeed(DEFAULT_SEED);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateSeed(DEFAULT_SEED)).toEqual(data);
    expect(generateSeed(7).patients[0]).not.toEqual(data.patients[0]);
  });

  it('has at least 12 departments, 40 doctors and 500 patients', () => {
    expect(data.departments.length).toBeGreaterThanOrEqual(12);
    expect(data.doctors.length).toBeGreaterThanOrEqual(40);
    expect(data.patients.length).toBeGreaterThanOrEqual(500);
    for (const name of ['内科', '外科', '儿科', '妇产科', '眼科', '耳鼻喉科', '口腔科', '皮肤科', '骨科', '神经内科']) {
      expect(data.departments.map((d) => d.name)).toContain(name);
    }
  });

  it('every doctor belongs to a department and has a known title/level pair', () => {
    const codes = new Set(data.departments.map((d) => d.code));
    for (const d of data.doctors) {
      expect(codes.has(d.deptCode)).toBe(true);
      expect(['主任医师/expert', '副主任医师/expert', '主治医师/specialist']).toContain(`${d.title}/${d.level}`);
      expect(Array.from(d.name).length).toBeGreaterThanOrEqual(2);
      expect(Array.from(d.name).length).toBeLessThanOrEqual(3);
    }
    expect(new Set(data.doctors.map((d) => d.doctorId)).size).toBe(data.doctors.length);
  });

  it('every patient has a valid, consistent ID number and plausible fields', () => {
    for (const p of data.patients) {
      const r = checkIdNumber(p.idNumber, '2026-11-27');
      expect(r).toEqual({ ok: true, info: { idNumber: p.idNumber, birthDate: p.birthDate, gender: p.gender } });
      expect(p.birthDate >= '1935-01-01' && p.birthDate <= '2024-12-31').toBe(true);
      expect(p.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(p.patientId).toMatch(/^P\d{10}$/);
      expect(p.cardNo).toMatch(/^\d{10}$/);
      expect(Array.from(p.name).length).toBeGreaterThanOrEqual(2);
      expect(Array.from(p.name).length).toBeLessThanOrEqual(3);
      expect(p.createdAt.slice(0, 10) >= p.birthDate).toBe(true);
    }
    const years = data.patients.map((p) => Number(p.birthDate.slice(0, 4)));
    expect(Math.min(...years)).toBeLessThan(1945);
    expect(Math.max(...years)).toBeGreaterThan(2015);
    const withSs = data.patients.filter((p) => p.socialSecurityNo !== null).length;
    expect(withSs).toBeGreaterThan(100);
    expect(withSs).toBeLessThan(500);
  });

  it('has no duplicate ID numbers, card numbers or patient ids', () => {
    const uniq = (xs: string[]) => new Set(xs).size;
    expect(uniq(data.patients.map((p) => p.idNumber))).toBe(data.patients.length);
    expect(uniq(data.patients.map((p) => p.cardNo))).toBe(data.patients.length);
    expect(uniq(data.patients.map((p) => p.patientId))).toBe(data.patients.length);
  });
});

describe('seeded sandboxes', () => {
  let a: HisSandbox;
  let b: HisSandbox;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestSandbox({ seed: 42 }), startTestSandbox({ seed: 42 })]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('two sandboxes with the same seed hold identical data', async () => {
    expect(a.port).not.toBe(b.port);
    const pa = await getJson(a, '/sandbox/patients?limit=50');
    const pb = await getJson(b, '/sandbox/patients?limit=50');
    expect(pa.json).toEqual(pb.json);
    expect((await getJson(a, '/sandbox/doctors')).json).toEqual((await getJson(b, '/sandbox/doctors')).json);
    const sa = await getJson(a, '/sandbox/patients/sample?count=5');
    const sb = await getJson(b, '/sandbox/patients/sample?count=5');
    expect(sa.json).toEqual(sb.json);
  });

  it('summary counts every table', async () => {
    const { status, json } = await getJson(a, '/sandbox/summary');
    expect(status).toBe(200);
    expect(json.code).toBe('OK');
    expect(json.data.hospital.name).toEqual(expect.any(String));
    expect(json.data.seed).toBe(42);
    expect(json.data.counts).toEqual({ departments: 16, doctors: 48, patients: 500, idempotency: 0 });
  });

  it('lists departments and doctors', async () => {
    const deps = (await getJson(a, '/sandbox/departments')).json.data.items;
    expect(deps.length).toBeGreaterThanOrEqual(12);
    expect(deps[0]).toEqual({
      code: expect.any(String),
      name: expect.any(String),
      location: expect.stringMatching(/楼\d楼[A-Z]区$/),
      intro: expect.any(String),
      doctorCount: 3,
    });
    const docs = (await getJson(a, `/sandbox/doctors?deptCode=${deps[0].code}`)).json.data.items;
    expect(docs).toHaveLength(3);
    expect(docs[0].deptName).toBe(deps[0].name);
  });

  it('patient list masks ID numbers, phones and names and supports paging and q', async () => {
    const { json } = await getJson(a, '/sandbox/patients?limit=5&offset=10');
    expect(json.data.total).toBe(500);
    expect(json.data.items).toHaveLength(5);
    for (const p of json.data.items) {
      expect(p.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expect(p.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
      expect(p.name).toContain('*');
      expect(p).not.toHaveProperty('socialSecurityNo');
    }
    const one = json.data.items[0];
    const byCard = await getJson(a, `/sandbox/patients?q=${one.cardNo}`);
    expect(byCard.json.data.items.map((p: { patientId: string }) => p.patientId)).toEqual([one.patientId]);
  });

  it('sample gives a few full, labelled fake identities', async () => {
    const { json } = await getJson(a, '/sandbox/patients/sample?count=3');
    expect(json.data.fake).toBe(true);
    expect(json.data.notice).toContain('虚构');
    expect(json.data.items).toHaveLength(3);
    for (const p of json.data.items) {
      expect(checkIdNumber(p.idNumber, '2026-11-27').ok).toBe(true);
      expect(p.name).not.toContain('*');
    }
  });

  it('health answers, unknown sandbox paths are 404', async () => {
    expect((await getJson(a, '/sandbox/health')).json.data.status).toBe('ok');
    const missing = await getJson(a, '/sandbox/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('NOT_FOUND');
  });
});
