/**
 * 医保 in a file database: a database made before 医保 existed (no med_class column, no insurance
 * tables, the older 社保卡号s) is brought up to date on open — the column added, the seeded patients'
 * 社保卡号s and accounts filled in once — and 医保 state survives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getJson, postJson, startTestSandbox } from './helpers';

describe('HIS sandbox 医保 in a file database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'his-insurance-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const insuredIds = async (his: Awaited<ReturnType<typeof startTestSandbox>>): Promise<string[]> => {
    const ids: string[] = [];
    for (const offset of [0, 200, 400]) {
      const items = (await getJson(his, `/sandbox/patients?limit=200&offset=${offset}`)).json.data.items as {
        patientId: string;
        hasSocialSecurityNo: boolean;
      }[];
      ids.push(...items.filter((p) => p.hasSocialSecurityNo).map((p) => p.patientId));
    }
    return ids;
  };

  it('upgrades an older database once and keeps 医保 state across restarts', async () => {
    const dbFile = join(dir, 'his.sqlite');
    const first = await startTestSandbox({ dbFile });
    const expected = await insuredIds(first);
    await first.close();

    // Make it look like a database from before 医保: no column, no tables, 60 % 社保卡号s.
    const raw = new Database(dbFile);
    raw.exec('ALTER TABLE fee_lines DROP COLUMN med_class');
    for (const tbl of ['insurance_order_items', 'insurance_orders', 'insurance_years', 'insurance_accounts']) {
      raw.exec(`DROP TABLE ${tbl}`);
    }
    raw.exec("DELETE FROM meta WHERE key = 'insuranceSeed'");
    raw.exec('UPDATE patients SET social_security_no = NULL WHERE seq % 3 = 0');
    raw.close();

    const second = await startTestSandbox({ dbFile });
    try {
      expect(await insuredIds(second)).toEqual(expected);
      const pid = expected[0]!;
      const view = (await getJson(second, `/sandbox/insurance?patientId=${pid}`)).json.data;
      expect(view.account).toMatchObject({ origin: 'seed', stored: true });
      const line = { name: '自费耗材', quantity: 1, unitPriceFen: 900, medClass: 'self' };
      const created = await postJson(second, '/sandbox/fees', { patientId: pid, items: [{ lines: [line] }] });
      expect(created.status).toBe(200);
      const set = await postJson(second, '/sandbox/insurance/accounts', { patientId: pid, balanceFen: 4_321 });
      expect(set.json.data.account).toMatchObject({ balanceFen: 4_321, origin: 'sandbox' });
      const listed = (await getJson(second, `/sandbox/fees?patientId=${pid}&status=unpaid`)).json.data.items;
      expect(listed[0].medClasses).toEqual(['self']);
    } finally {
      await second.close();
    }

    const third = await startTestSandbox({ dbFile });
    try {
      const view = (await getJson(third, `/sandbox/insurance?patientId=${expected[0]}`)).json.data;
      expect(view.account).toMatchObject({ balanceFen: 4_321, origin: 'sandbox' });
      expect((await getJson(third, '/sandbox/summary')).json.data.insurance.accounts).toBeGreaterThan(300);
    } finally {
      await third.close();
    }
  });
});
