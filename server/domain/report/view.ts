/**
 * What a patient sees of an HIS report (pure): flags as text (↑ ↓ 危急, never by colour alone),
 * abnormal lines first, the 危急值 advice, and the 6-month window in the Asia/Shanghai calendar.
 */
import type { ReportFlag, ReportItemView, ReportSummaryView, ReportView } from '../../../typings/report';
import { inBusinessTz } from '../../core/time';
import type { HisDiagnosticReport, HisInterpretation, HisObservation, HisReportSummary } from '../../ports/his-report';

export const REPORT_WINDOW_MONTHS = 6;

export const CRITICAL_ADVICE = '本报告含危急值，请立即联系医院（或前往急诊），并携带本报告就诊。';

const FLAGS: Record<HisInterpretation, { flag: ReportFlag; text: string }> = {
  N: { flag: 'normal', text: '' },
  H: { flag: 'high', text: '↑' },
  L: { flag: 'low', text: '↓' },
  HH: { flag: 'criticalHigh', text: '↑↑危急' },
  LL: { flag: 'criticalLow', text: '↓↓危急' },
  A: { flag: 'abnormal', text: '异常' },
};

/** The window's first instant and day: `months` calendar months back, at 00:00 Shanghai. */
export function windowStart(nowMs: number, months = REPORT_WINDOW_MONTHS): { ms: number; date: string } {
  const start = inBusinessTz(nowMs).subtract(months, 'month').startOf('day');
  return { ms: start.valueOf(), date: start.format('YYYY-MM-DD') };
}

export function itemView(o: HisObservation): ReportItemView {
  const f = FLAGS[o.interpretation];
  return { name: o.name, value: o.value, unit: o.unit, range: o.referenceRange.text, flag: f.flag, flagText: f.text };
}

/** Critical lines first, then the other abnormal ones, then the rest — each group in the HIS's order. */
export function orderedItems(observations: readonly HisObservation[]): ReportItemView[] {
  const rank = (i: HisInterpretation): number => (i === 'HH' || i === 'LL' ? 0 : i === 'N' ? 2 : 1);
  return observations
    .map((o, index) => ({ o, index }))
    .sort((a, b) => rank(a.o.interpretation) - rank(b.o.interpretation) || a.index - b.index)
    .map(({ o }) => itemView(o));
}

export function summaryView(r: HisReportSummary, cardId: string): ReportSummaryView {
  return {
    reportId: r.reportId,
    cardId,
    category: r.category,
    setting: r.setting,
    name: r.name,
    deptName: r.deptName,
    doctorName: r.doctorName,
    effectiveAt: r.effectiveAt,
    issuedAt: r.issuedAt,
    critical: r.critical,
    abnormal: r.abnormal,
    statusText: r.status === 'amended' ? '修正报告' : '',
  };
}

export function reportView(r: HisDiagnosticReport, cardId: string): ReportView {
  return {
    ...summaryView(r, cardId),
    performer: r.performer,
    specimen: r.specimen,
    modality: r.modality ?? '',
    bodySite: r.bodySite,
    items: orderedItems(r.observations),
    findings: r.findings,
    impression: r.impression,
    hasFilm: r.studyId !== null,
    criticalAdvice: r.critical ? CRITICAL_ADVICE : null,
  };
}

/** Inside the window (by its issue instant). */
export function servable(r: Pick<HisReportSummary, 'issuedAt'>, nowMs: number): boolean {
  const t = Date.parse(r.issuedAt);
  return Number.isFinite(t) && t >= windowStart(nowMs).ms;
}
