/**
 * Withholding flows against the real pay sandbox's v2 papay API (in process) and the devstack
 * cloud emulator, with the payment tests' fake HIS and v3 WeChat Pay. The sandbox's notifications
 * go nowhere (a closed port): every one is "lost", so a test delivers them by hand — in order,
 * twice, reordered, tampered — from the bodies the sandbox stored, or lets the timer query.
 */
import { createCloudEmulator, type CloudEmulator } from '../../../devstack/cloud';
import type { PaySandbox } from '../../../devstack/pay';
import { DEVSTACK_PAYMENT_TEMPLATES, DEVSTACK_TEMPLATES } from '../../../devstack/seed/subscribe-templates';
import { paymentFunction } from '../../../server/actions/payment';
import { silentLogger } from '../../../server/core/log';
import { createPapayClient } from '../../../server/core/wechatpay/papay-client';
import { createTimerAwareMain } from '../../../server/core/timer-main';
import type { HisEvent } from '../../../server/ports/his-events';
import type { PaymentService } from '../../../server/services/payment/payment-service';
import { cardIdFor, keyedHash } from '../../../server/services/keyed-ids';
import { WithholdingDeductions } from '../../../server/services/withholding/deductions';
import type { Envelope } from '../../../typings/envelope';
import { sandbox, sandboxesForFile } from '../pay-sandbox/helpers';
import { FakeHisFee, FakeWechatPay, HARNESS_PII_KEY } from '../payment/fakes';

export const NOWHERE = 'http://127.0.0.1:9/http/payNotify';
export const APPID = 'wx-test-app';

export interface Harness {
  pay: PaySandbox;
  emulator: CloudEmulator;
  his: FakeHisFee;
  service: PaymentService;
  deductions: WithholdingDeductions;
  call<T>(openid: string, event: Record<string, unknown>): Promise<Envelope<T>>;
  addCard(openid: string, hisPatientId: string, extra?: Record<string, unknown>): Promise<string>;
  /** Signs the card's contract in the sandbox's mini program as `openid`; the contract_id. */
  sign(openid: string, cardId: string): Promise<string>;
  /** The XML bodies the sandbox stored for a contract_id or out_trade_no, oldest first. */
  notices(ref: string): Promise<string[]>;
  /** POSTs a body to the /payNotify handler. */
  notify(body: string): Promise<{ statusCode: number; body: string }>;
  chargesReady(patientId: string, itemIds: string[], eventId: string): Promise<string>;
  docs(collection: string): Record<string, unknown>[];
}

export function harnessFactory(): () => Promise<Harness> {
  const start = sandboxesForFile();
  return async () => {
    const pay = await start({ appid: APPID, notifyUrl: NOWHERE });
    const emulator = createCloudEmulator({ dbFile: ':memory:', templates: DEVSTACK_TEMPLATES });
    const his = new FakeHisFee();
    const m = pay.merchant;
    const papay = createPapayClient(
      {
        baseUrl: pay.url,
        mchid: m.mchid,
        appid: m.appid,
        apiV2Key: m.apiV2Key,
        planId: m.papayPlanId,
        notifyUrl: NOWHERE,
        timeoutMs: 3000,
        retries: 0,
      },
      { log: silentLogger },
    );
    const fn = paymentFunction({
      db: emulator.db,
      his,
      pay: new FakeWechatPay(),
      openapi: emulator.sdk.openapi,
      piiHashKey: HARNESS_PII_KEY,
      templates: DEVSTACK_PAYMENT_TEMPLATES,
      withholding: { papay, chargesReadyTemplate: 'tmpl-charges-ready' },
      log: silentLogger,
    });
    const main = createTimerAwareMain(emulator.sdk, fn.actions, fn.timers, { fn: 'payment', log: silentLogger });
    const s = fn.service;
    const deductions = new WithholdingDeductions(s.ctx, s.confirmation, s.settlement);
    let seq = 0;
    const h: Harness = {
      pay,
      emulator,
      his,
      service: s,
      deductions,
      call: async <T>(openid: string, event: Record<string, unknown>) =>
        (await emulator.runWithContext({ OPENID: openid, SOURCE: 'wx_client' }, () => main(event))) as Envelope<T>,
      async addCard(openid, hisPatientId, extra = {}) {
        const id = cardIdFor(keyedHash(HARNESS_PII_KEY), openid, hisPatientId);
        seq += 1;
        await emulator.db.collection('patient_cards').add({
          data: {
            _id: id,
            _openid: openid,
            hisPatientId,
            name: '王小明',
            relation: '本人',
            cardNo: `C10000${seq}234`,
            boundAtMs: seq,
            ...extra,
          },
        });
        return id;
      },
      async sign(openid, cardId) {
        const r = await h.call<{ miniProgram: { extraData: Record<string, string> } }>(openid, {
          action: 'signContract',
          cardId,
        });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        const signed = await sandbox<{ contract_id: string }>(pay, 'POST', 'papay/sign', {
          extraData: r.data.miniProgram.extraData,
          openid,
          accept: true,
        });
        return signed.json.contract_id;
      },
      async notices(ref) {
        const kind = ref.startsWith('P') ? 'deductions' : 'contracts';
        const r = await sandbox<{ notifications: { body: string }[] }>(pay, 'GET', `papay/${kind}/${ref}`);
        return r.json.notifications.map((n) => n.body);
      },
      async notify(body) {
        return s.notifications.handle({
          httpMethod: 'POST',
          headers: { 'content-type': 'text/xml' },
          body,
          isBase64Encoded: false,
        });
      },
      async chargesReady(patientId, itemIds, eventId) {
        const e: HisEvent = {
          eventId,
          type: 'charges.ready',
          occurredAt: new Date().toISOString(),
          data: {
            patientId,
            visitId: 'V1',
            deptCode: 'NK',
            deptName: '心血管内科',
            doctorName: '张建国',
            itemIds,
            totalFen: 0,
          },
        };
        return deductions.chargesReady(e, Date.now());
      },
      docs: (c) => emulator.admin.listDocuments(c, { limit: 1000 }),
    };
    return h;
  };
}
