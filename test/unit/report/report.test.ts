/**
 * The `report` function against an in-memory HIS report port and the cloud emulator: ownership
 * (another user's card, another patient's report: NOT_FOUND alike), the 6-month window in the
 * Asia/Shanghai calendar, flags as text with critical lines first, the 危急值 advice.
 */
import { createCloudEmulator } from '../../../devstack/cloud';
import { DEVSTACK_TEMPLATES } from '../../../devstack/seed/subscribe-templates';
import { reportActions } from '../../../server/actions/report';
import { createMain } from '../../../server/core/handler';
import { silentLogger } from '../../../server/core/log';
import { windowStart } from '../../../server/domain/report/view';
import type {
  HisDiagnosticReport,
  HisReportListQuery,
  HisReportPort,
  HisReportSummary,
} from '../../../server/ports/his-report';
import type { Envelope } from '../../../typings/envelope';
import type { ReportListResponse, ReportView } from '../../../typings/report';

class FakeReports implements HisReportPort {
  reports: HisDiagnosticReport[] = [];
  async listReports(q: HisReportListQuery) {
    const since = q.issuedSince ? Date.parse(q.issuedSince) : 0;
    const mine = this.reports
      .filter((r) => r.patientId === q.patientId && Date.parse(r.issuedAt) >= since)
      .filter((r) => !q.category || r.category === q.category)
      .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
    return { reports: mine.map((r): HisReportSummary => ({ ...r })), nextCursor: null };
  }
  async getReport(patientId: string, reportId: string) {
    return this.reports.find((r) => r.patientId === patientId && r.reportId === reportId) ?? null;
  }
}

const NOW = new Date('2026-12-04T02:00:00.000Z'); // 10:00 in Shanghai

function lab(reportId: string, patientId: string, issuedAt: string, over: Partial<HisDiagnosticReport> = {}) {
  const r: HisDiagnosticReport = {
    reportId,
    patientId,
    category: 'lab',
    setting: 'outpatient',
    status: 'final',
    code: 'CBC',
    name: '血常规',
    deptName: '心血管内科',
    doctorName: '张建国',
    effectiveAt: issuedAt,
    issuedAt,
    critical: false,
    abnormal: true,
    performer: '检验科',
    specimen: '静脉血',
    modality: null,
    bodySite: '',
    observations: [
      obs('WBC', '白细胞计数', '6.5', 'N'),
      obs('HGB', '血红蛋白', '98', 'L'),
      obs('K', '钾', '6.9', 'HH'),
    ],
    findings: null,
    impression: null,
    studyId: null,
    ...over,
  };
  return r;
}

function obs(code: string, name: string, value: string, interpretation: 'N' | 'L' | 'HH') {
  return {
    code,
    name,
    value,
    valueNumber: Number(value),
    unit: 'x',
    referenceRange: { low: 1, high: 2, text: '1-2' },
    interpretation,
  };
}

function harness() {
  const emulator = createCloudEmulator({ dbFile: ':memory:', templates: DEVSTACK_TEMPLATES, clock: () => NOW });
  const his = new FakeReports();
  const main = createMain(emulator.sdk, () => reportActions({ db: emulator.db, his }), {
    fn: 'report',
    log: silentLogger,
  });
  const call = async <T>(openid: string, event: Record<string, unknown>) =>
    (await emulator.runWithContext({ OPENID: openid, SOURCE: 'wx_client' }, () => main(event))) as Envelope<T>;
  const addCard = async (id: string, openid: string, hisPatientId: string) => {
    await emulator.db.collection('patient_cards').add({
      data: { _id: id, _openid: openid, hisPatientId, name: '王小明', relation: '本人', cardNo: '3000000001' },
    });
  };
  return { emulator, his, call, addCard };
}

describe('report function', () => {
  test('lists the last 6 months newest first; older reports are neither listed nor served', async () => {
    const h = harness();
    await h.addCard('card-a', 'u-a', 'P1');
    const start = windowStart(NOW.getTime());
    expect(start.date).toBe('2026-06-04');
    h.his.reports.push(
      lab('R-old', 'P1', new Date(start.ms - 1).toISOString()),
      lab('R-edge', 'P1', new Date(start.ms).toISOString()),
      lab('R-new', 'P1', '2026-12-03T01:00:00.000Z'),
    );
    const list = await h.call<ReportListResponse>('u-a', { action: 'list', cardId: 'card-a' });
    if (!list.ok) throw new Error(JSON.stringify(list.error));
    expect(list.data.reports.map((r) => r.reportId)).toEqual(['R-new', 'R-edge']);
    expect(list.data.since).toBe('2026-06-04');
    const old = await h.call('u-a', { action: 'get', cardId: 'card-a', reportId: 'R-old' });
    expect(old.ok || old.error.code).toBe('NOT_FOUND');
  });

  test('detail: flags as text, critical lines first, the 危急值 advice', async () => {
    const h = harness();
    await h.addCard('card-a', 'u-a', 'P1');
    h.his.reports.push(lab('R1', 'P1', '2026-12-03T01:00:00.000Z', { critical: true }));
    const r = await h.call<ReportView>('u-a', { action: 'get', cardId: 'card-a', reportId: 'R1' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.data.items.map((i) => [i.name, i.flag, i.flagText])).toEqual([
      ['钾', 'criticalHigh', '↑↑危急'],
      ['血红蛋白', 'low', '↓'],
      ['白细胞计数', 'normal', ''],
    ]);
    expect(r.data.criticalAdvice).toContain('联系医院');
    expect(r.data.hasFilm).toBe(false);
  });

  test("another user's card and another patient's report answer NOT_FOUND exactly like missing ones", async () => {
    const h = harness();
    await h.addCard('card-a', 'u-a', 'P1');
    await h.addCard('card-b', 'u-b', 'P2');
    h.his.reports.push(lab('R1', 'P1', '2026-12-03T01:00:00.000Z'), lab('R2', 'P2', '2026-12-03T01:00:00.000Z'));
    const theirCard = await h.call('u-b', { action: 'get', cardId: 'card-a', reportId: 'R1' });
    const missingCard = await h.call('u-b', { action: 'get', cardId: 'card-zz', reportId: 'R1' });
    const otherPatient = await h.call('u-b', { action: 'get', cardId: 'card-b', reportId: 'R1' });
    const missingReport = await h.call('u-b', { action: 'get', cardId: 'card-b', reportId: 'R9' });
    expect(theirCard).toEqual(missingCard);
    expect(otherPatient).toEqual(missingReport);
    expect(theirCard.ok || theirCard.error.code).toBe('NOT_FOUND');
    const list = await h.call('u-b', { action: 'list', cardId: 'card-a' });
    expect(list.ok || list.error.code).toBe('NOT_FOUND');
  });

  test('bad input names the field and reads nothing', async () => {
    const h = harness();
    const bad = await h.call('u-a', { action: 'list', cardId: 'card-a', months: 7 });
    expect(bad.ok || bad.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: '查询范围应为1-6个月' });
    const extra = await h.call('u-a', { action: 'get', cardId: 'card-a', reportId: 'R1', x: 1 });
    expect(extra.ok || extra.error.code).toBe('INVALID_ARGUMENT');
  });
});
