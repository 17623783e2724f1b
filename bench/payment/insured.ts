/**
 * The 医保 side of the chaos phase: an insured patient's authorisation (the 医保 mini program's
 * `authCode`, from the pay sandbox's `POST /sandbox/med-ins/auth-codes`), `createOrder` with
 * `insuranceAuthCode`, paying the mixed order (`POST /sandbox/med-ins/<mixTradeNo>/pay`: the cash
 * part at once, the 医保 part a moment later) and extra deliveries of its MEDICAL_INSURANCE.SUCCESS.
 */
import type { PaymentCreateOrderResponse } from '../../typings/payment';
import type { PayBench } from './api';
import type { PlannedOrder } from './setup';

/** What the 医保 mini program hands back once the patient (the card's own person) authorised. */
export async function authCode(b: PayBench, o: PlannedOrder): Promise<string> {
  const { openid, name, idNumber } = o.patient;
  const url = b.pay('/sandbox/med-ins/auth-codes');
  return (await b.payData<{ authCode: string }>(b.http.post(url, { openid, name, idNumber }))).authCode;
}

/**
 * The createOrder event of a 医保 order, per attempt: a double tap's two taps share the first one
 * (one phone, one authorisation: the second is refused as used); a retry after `processing` gets a
 * fresh authorisation (the code is single use).
 */
export function insuredEvents(b: PayBench, o: PlannedOrder): (attempt: number) => Promise<Record<string, unknown>> {
  let first: Promise<Record<string, unknown>> | null = null;
  const make = async () => ({
    action: 'createOrder',
    cardId: o.patient.cardId,
    itemIds: o.itemIds,
    insuranceAuthCode: await authCode(b, o),
  });
  return (attempt) => (attempt > 0 ? make() : (first ??= make()));
}

/** createOrder refused the 医保 order because nothing of it is covered (or the card is not insured). */
export const notInsured = (message: string): boolean => /"reason":"notInsured"/.test(message);

/** Pays an order as the patient would: the mixed order's sheet, or JSAPI. */
export async function payCreated(b: PayBench, created: PaymentCreateOrderResponse): Promise<void> {
  const mix = created.medInsPayParams?.mixTradeNo;
  const path = mix
    ? `/sandbox/med-ins/${encodeURIComponent(mix)}/pay`
    : `/sandbox/orders/${encodeURIComponent(created.order.orderId)}/pay`;
  await b.payData(b.http.post(b.pay(path), {}));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `times` more deliveries of the mixed order's MEDICAL_INSURANCE.SUCCESS; the answers per delivery.
 * The notification exists once the 医保 part settled (a moment after the payment): until then the
 * sandbox answers 404 and the request is sent again shortly (bounded).
 */
export async function medInsNotify(b: PayBench, mixTradeNo: string, times: number): Promise<(number | null)[]> {
  const url = b.pay(`/sandbox/med-ins/${encodeURIComponent(mixTradeNo)}/notify?times=${times}`);
  for (let attempt = 0; ; attempt++) {
    const r = await b.http.post(url, {});
    if (r.status === 200) return (r.body as { answers: { status: number | null }[] }).answers.map((a) => a.status);
    if (r.status !== 404 || attempt >= 100) {
      throw new Error(`pay sandbox: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    }
    await sleep(20);
  }
}
