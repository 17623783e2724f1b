/**
 * 门诊缴费 data for the e2e tests, over the devstack's HTTP contract and the sandboxes, as
 * test/integration/payment.test.ts makes it: charges staged in the HIS sandbox
 * (`POST {hisUrl}/sandbox/fees`), an order of them paid through the pay sandbox
 * (`POST {payUrl}/sandbox/orders/<orderId>/pay`) until the HIS settled it, and the kiosk API
 * (`POST /http/kiosk`, signed with a kiosk's own key of `stack.kioskKeys`).
 */
import { signRequest } from '../../server/adapters/his/signature';
import type { KioskAnswer } from '../../typings/kiosk';
import type { HisFeeItem } from '../../server/ports/his-payment';
import type { FeeItemKind, PaymentCreateOrderResponse, PaymentOrderView } from '../../typings/payment';
import type { E2E } from './harness';

/** What `payment.<action>` answered as `openid`; throws on a refusal. */
export async function paymentData<T>(e2e: E2E, openid: string, event: Record<string, unknown>): Promise<T> {
  const env = await e2e.callFunction<T>('payment', openid, event);
  if (!env.ok) throw new Error(`payment.${String(event.action)}: ${env.error.code} ${env.error.message}`);
  return env.data;
}

/** The HIS patient id behind a bound card (the sandbox's patient search by card number). */
export async function hisPatientId(e2e: E2E, cardNo: string): Promise<string> {
  const r = await fetch(`${e2e.stack.hisUrl}/sandbox/patients?q=${encodeURIComponent(cardNo)}`);
  const json = (await r.json()) as { code: string; data?: { items: { cardNo: string; patientId: string }[] } };
  const found = json.data?.items.find((p) => p.cardNo === cardNo);
  if (!found) throw new Error(`no HIS patient with card ${cardNo}`);
  return found.patientId;
}

/** New unpaid charges of `kind` for the patient (the HIS sandbox makes their lines and amounts). */
export async function charge(e2e: E2E, patientId: string, kind: FeeItemKind, count = 1): Promise<HisFeeItem[]> {
  const { items } = await e2e.sandbox<{ items: HisFeeItem[] }>('fees', { patientId, kind, count });
  return items;
}

/** Polls `read` until `accept` holds (`ms`), then returns the last value read. */
export async function eventually<T>(read: () => Promise<T>, accept: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (accept(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The order as `get` answers it once the HIS settled it (or refused: then refunding/refunded). */
export function settledOrder(e2e: E2E, openid: string, orderId: string): Promise<PaymentOrderView> {
  return eventually(
    () => paymentData<PaymentOrderView>(e2e, openid, { action: 'get', orderId }),
    (o) => o.status === 'settled' || o.status === 'refunding' || o.status === 'refunded',
  );
}

/** An order of the items, paid in the pay sandbox (as the payer would), once the HIS settled it. */
export async function payThroughSandbox(
  e2e: E2E,
  openid: string,
  cardId: string,
  itemIds: string[],
): Promise<PaymentOrderView> {
  const created = await paymentData<PaymentCreateOrderResponse>(e2e, openid, {
    action: 'createOrder',
    cardId,
    itemIds,
  });
  if (!created.payParams) throw new Error(`order ${created.order.orderId} has no pay parameters`);
  const r = await fetch(`${e2e.stack.payUrl}/sandbox/orders/${created.order.orderId}/pay`, { method: 'POST' });
  if (!r.ok) throw new Error(`pay sandbox: HTTP ${r.status} ${await r.text()}`);
  return settledOrder(e2e, openid, created.order.orderId);
}

/** A kiosk redeeming a pickup code (`POST /http/kiosk`, signed by the devstack's first kiosk). */
export async function kioskRedeem(e2e: E2E, code: string): Promise<{ status: number; body: KioskAnswer }> {
  const [kioskId, secret] = Object.entries(e2e.stack.kioskKeys)[0]!;
  const body = JSON.stringify({ action: 'redeem', code });
  const r = await fetch(`${e2e.stack.url}/http/kiosk`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signRequest({ appId: kioskId, appSecret: secret, rawBody: body }),
    },
    body,
  });
  return { status: r.status, body: (await r.json()) as KioskAnswer };
}
