/**
 * What 自助检验申请 (self-ordered lab tests) needs from the HIS: the catalog of tests a patient may
 * order without a doctor (names and the HIS's prices), and creating their unpaid charges. The charges
 * are ordinary HIS fee items: listed by `fee.listUnpaid`, paid by `fee.settle` (./his-payment.ts).
 * Adapter: server/adapters/his/lab-client.ts; protocol: docs/his-gateway.md ("Self-ordered lab
 * tests"). Failures are `HisError` from ./his-error (kind 'unavailable' | 'rejected', code).
 */
import type { HisFeeItem } from './his-payment';

/** One test of the HIS's self-order catalog. */
export interface HisLabTest {
  /** HIS test code, 1–32 of [A-Za-z0-9_-]: `CBC`. */
  code: string;
  /** `血常规` */
  name: string;
  /** `血液检查`, `尿液检查` */
  category: string;
  /** The HIS's price, integer fen: what the created charge will cost. */
  priceFen: number;
  /** `静脉血`, `晨尿` */
  specimen: string;
}

export interface HisLabOrderInput {
  /** Idempotency key: the same requestId always yields the same charges. */
  requestId: string;
  patientId: string;
  /** 1–10 distinct catalog codes; one charge per code, in this order. */
  codes: string[];
}

export interface HisLabPort {
  /** The tests patients may order themselves, with the HIS's current prices. Read-only. */
  catalog(): Promise<HisLabTest[]>;
  /**
   * Creates one unpaid charge (kind `lab`) per code and answers them. Idempotent by requestId; the
   * same requestId with another body is `INVALID_REQUEST`. Rejections: `NOT_FOUND` (patient),
   * `INVALID_REQUEST` (unknown code, malformed body).
   */
  createOrder(input: HisLabOrderInput): Promise<HisFeeItem[]>;
}
