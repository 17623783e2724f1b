/**
 * What 报告查询 (issue #16) needs from the HIS: a patient's lab (检验, from the LIS) and exam (检查,
 * from the PACS/RIS) reports, shaped on HL7 FHIR's DiagnosticReport and Observation (code, value,
 * unit, reference range, interpretation) so a hospital can map its LIS/PACS to the gateway.
 * Adapter: server/adapters/his/report-client.ts; protocol: docs/his-gateway.md ("Reports").
 * Failures are `HisError` from ./his-error (kind 'unavailable' | 'rejected', code).
 */

/** DiagnosticReport.category: 检验 (laboratory) or 检查 (imaging, endoscopy, ultrasound, ECG…). */
export type HisReportCategory = 'lab' | 'exam';

/** Where it was ordered: 门诊 or 住院 (the stay's reports reuse the feature). */
export type HisReportSetting = 'outpatient' | 'inpatient';

/** DiagnosticReport.status, as far as a patient may see it. */
export type HisReportStatus = 'final' | 'amended';

/**
 * Observation.interpretation (FHIR v3 ObservationInterpretation codes): N normal, H high, L low,
 * HH / LL critical (危急值) high / low, A abnormal (a qualitative result such as 阳性).
 */
export type HisInterpretation = 'N' | 'H' | 'L' | 'HH' | 'LL' | 'A';

/** Exam modality (DICOM codes): CT, MR, US 超声, DX/CR 平片, ES 内镜, ECG 心电, MG 钼靶. */
export type HisModality = 'CT' | 'MR' | 'US' | 'DX' | 'CR' | 'ES' | 'ECG' | 'MG';

/** One result line of a lab report (FHIR Observation). */
export interface HisObservation {
  /** The LIS item code (a LOINC code when the hospital maps one): `WBC`, `6690-2`. */
  code: string;
  /** `白细胞计数` */
  name: string;
  /** As reported: `6.5`, `阴性`, `1+`. */
  value: string;
  /** The value as a number when it is one; null for qualitative results. */
  valueNumber: number | null;
  /** UCUM-like unit as the LIS prints it: `10^9/L`, `mmol/L`; empty when none. */
  unit: string;
  /** Reference range: numeric bounds when known (either may be null), and its text `3.5-9.5`. */
  referenceRange: { low: number | null; high: number | null; text: string };
  interpretation: HisInterpretation;
}

/** A report as listed (no result lines). */
export interface HisReportSummary {
  reportId: string;
  patientId: string;
  category: HisReportCategory;
  setting: HisReportSetting;
  status: HisReportStatus;
  /** The ordered test or exam: `CBC` / `血常规`, `CT-CHEST` / `胸部CT平扫`. */
  code: string;
  name: string;
  deptName: string;
  /** The ordering doctor (a public name). */
  doctorName: string;
  /** ISO instants: specimen collected / exam performed, and the report issued. */
  effectiveAt: string;
  issuedAt: string;
  /** True when a result is a 危急值 (HH/LL, or a critical imaging finding). */
  critical: boolean;
  /** True when any result is outside its range (H/L/HH/LL/A). */
  abnormal: boolean;
}

/** A whole report (FHIR DiagnosticReport with its Observations). */
export interface HisDiagnosticReport extends HisReportSummary {
  /** 检验科, 放射科, 超声科, 内镜中心 */
  performer: string;
  /** Lab: `静脉血`, `晨尿`; empty for exams. */
  specimen: string;
  /** Exams only; null for lab reports. */
  modality: HisModality | null;
  /** `胸部`, `上腹部`; empty for lab reports. */
  bodySite: string;
  /** Lab result lines; empty for exams. */
  observations: HisObservation[];
  /** Exams: 检查所见 and 诊断意见 (DiagnosticReport.conclusion); null for lab reports. */
  findings: string | null;
  impression: string | null;
  /** The imaging study (PACS) behind an exam report, for the cloud films; null when none. */
  studyId: string | null;
}

export interface HisReportListQuery {
  patientId: string;
  /** Only reports issued at or after this ISO instant (the cloud asks for the last 6 months). */
  issuedSince?: string;
  category?: HisReportCategory;
  /** Opaque cursor of the previous page. */
  cursor?: string;
  /** 1–100, default 50. */
  limit?: number;
}

export interface HisReportPort {
  /** Newest first. Rejections: `NOT_FOUND` (patient), `INVALID_REQUEST`. */
  listReports(q: HisReportListQuery): Promise<{ reports: HisReportSummary[]; nextCursor: string | null }>;
  /** null when the patient has no report with this id (another patient's id answers null too). */
  getReport(patientId: string, reportId: string): Promise<HisDiagnosticReport | null>;
}
