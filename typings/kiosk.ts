/**
 * The kiosk API (无卡取单): self-service kiosks redeem a payment's 8-digit pickup code into the
 * treatment slip (指引单). HTTP access function `kiosk`, `POST /kiosk` with a JSON body, signed per
 * kiosk like the HIS gateway protocol (docs/kiosk-api.md). Answers `{ code: 'OK', data }` or
 * `{ code, message }` with the codes below.
 */

export type KioskErrorCode =
  'UNAUTHORIZED' | 'INVALID_REQUEST' | 'NOT_FOUND' | 'ALREADY_REDEEMED' | 'LOCKED' | 'UNAVAILABLE';

export interface KioskRedeemRequest {
  action: 'redeem';
  /** 8 digits, as typed (spaces allowed). */
  code: string;
}

export interface KioskSlipItem {
  title: string;
  kind: string;
  amountFen: number;
  /** Where to go: `门诊楼1楼西药房`. */
  guide: string;
  lines: { name: string; spec: string; quantity: number }[];
}

/** 指引单: what the kiosk prints. Names and card numbers masked. */
export interface KioskSlip {
  orderId: string;
  patientName: string;
  cardNoMasked: string;
  paidAt: string;
  totalFen: number;
  items: KioskSlipItem[];
  receiptNumber: string | null;
  printedAt: string;
}

export type KioskAnswer = { code: 'OK'; data: KioskSlip } | { code: KioskErrorCode; message: string };
