/**
 * Contract of the `report` cloud function (报告查询, issue #16). Payloads are validated by
 * server/actions/report/schemas.ts; the compiler ties the two together (server/core/contract.ts).
 *
 * - A report is a card's lab report (检验: result lines with value, unit, reference range and a
 *   flag) or exam report (检查: findings and impression), outpatient or inpatient, from the HIS.
 * - Only the last 6 months are served (Asia/Shanghai calendar): older reports answer NOT_FOUND.
 * - Instants are ISO strings. A flag is always given as text too (never by colour alone).
 */

export type ReportCategory = 'lab' | 'exam';
export type ReportSetting = 'outpatient' | 'inpatient';

/** How a result line compares with its reference range (FHIR interpretation N/H/L/HH/LL/A). */
export type ReportFlag = 'normal' | 'high' | 'low' | 'criticalHigh' | 'criticalLow' | 'abnormal';

export const REPORT_REFUSAL_REASONS = ['hisUnavailable', 'hisRefused'] as const;
export type ReportRefusalReason = (typeof REPORT_REFUSAL_REASONS)[number];

export interface ReportSummaryView {
  reportId: string;
  cardId: string;
  category: ReportCategory;
  setting: ReportSetting;
  /** `血常规`, `胸部CT平扫` */
  name: string;
  deptName: string;
  doctorName: string;
  effectiveAt: string;
  issuedAt: string;
  /** A 危急值 in it: the patient is told to contact the hospital. */
  critical: boolean;
  /** Any result outside its range. */
  abnormal: boolean;
  /** `修正报告` when the HIS amended it; empty otherwise. */
  statusText: string;
}

export interface ReportItemView {
  name: string;
  /** `6.5`, `阴性` */
  value: string;
  unit: string;
  /** `3.5-9.5`; empty when the LIS gives none. */
  range: string;
  flag: ReportFlag;
  /** `↑`, `↓`, `↑↑危急`, `↓↓危急`, `异常`; empty when normal. */
  flagText: string;
}

export interface ReportView extends ReportSummaryView {
  /** 检验科, 放射科 */
  performer: string;
  /** `静脉血`; empty for exams. */
  specimen: string;
  /** `CT`, `MR`, `US` …; empty for lab reports. */
  modality: string;
  bodySite: string;
  /** Lab result lines, abnormal ones first kept in the HIS's order otherwise; empty for exams. */
  items: ReportItemView[];
  /** 检查所见 and 诊断意见; null for lab reports. */
  findings: string | null;
  impression: string | null;
  /** An imaging study (放射云胶片) can be opened for it. */
  hasFilm: boolean;
  /** Said on a report with a 危急值; null otherwise. */
  criticalAdvice: string | null;
}

export interface ReportListRequest {
  action: 'list';
  cardId: string;
  /** Default both. */
  category?: ReportCategory;
  /** 1–6 months back (default 6). */
  months?: number;
}
export interface ReportListResponse {
  cardId: string;
  /** Newest first. */
  reports: ReportSummaryView[];
  /** More than the page holds (at most 100 listed). */
  truncated: boolean;
  /** The window's first day (YYYY-MM-DD, Asia/Shanghai). */
  since: string;
}

export interface ReportGetRequest {
  action: 'get';
  cardId: string;
  reportId: string;
}
export type ReportGetResponse = ReportView;

export interface ReportActions {
  list: [ReportListRequest, ReportListResponse];
  get: [ReportGetRequest, ReportGetResponse];
}
