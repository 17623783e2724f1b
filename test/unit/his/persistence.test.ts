import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdNumber } from '../../../devstack/seed/identities';
import { patientClientFor, getJson, startTestSandbox } from './helpers';

describe('HIS sandbox file database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'his-sandbox-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps created patients and idempotency records across a restart; reset reseeds', async () => {
    const dbFile = join(dir, 'nested', 'his.sqlite');
    const idNumber = generateIdNumber({ fromYear: 1980, toYear: 1990 });
    const input = {
      requestId: `persist-${idNumber}`,
      name: '持久测试',
      idNumber,
      phone: '13912345678',
      gender: (Number(idNumber[16]) % 2 === 1 ? 'M' : 'F') as 'M' | 'F',
      birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      socialSecurityNo: null,
    };

    const first = await startTestSandbox({ dbFile });
    const created = await patientClientFor(first).createPatient(input);
    const firstSample = (await getJson(first, '/sandbox/patients/sample?count=3')).json.data.items;
    await first.close();

    const second = await startTestSandbox({ dbFile });
    try {
      const client = patientClientFor(second);
      expect(await client.getPatient(created.patientId)).toEqual(created);
      expect(await client.findPatientByIdNumber(idNumber)).toEqual(created);
      // The idempotency record survived too: a retry returns the original patient.
      expect(await client.createPatient(input)).toEqual(created);
      const summary = (await getJson(second, '/sandbox/summary')).json.data.counts;
      expect(summary).toMatchObject({ patients: 501, idempotency: 1 });
      expect((await getJson(second, '/sandbox/patients/sample?count=3')).json.data.items).toEqual(firstSample);
    } finally {
      await second.close();
    }

    const third = await startTestSandbox({ dbFile, reset: true });
    try {
      expect(await patientClientFor(third).getPatient(created.patientId)).toBeNull();
      expect((await getJson(third, '/sandbox/summary')).json.data.counts).toMatchObject({
        patients: 500,
        idempotency: 0,
      });
    } finally {
      await third.close();
    }
  });
});
