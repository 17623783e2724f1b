/**
 * The WeChat Pay client's 医保 calls (server/core/wechatpay/med-ins.ts) against the pay sandbox:
 * a mixed order whose payer is encrypted with the key of its Wechatpay-Serial is accepted, queried,
 * paid, and its 医保 refund notified; a split breaking WeChat's identities never leaves the client.
 */
import { createVerify } from 'node:crypto';
import type { PaySandbox } from '../../../devstack/pay';
import { wechatPayConfigFromEnv } from '../../../server/config/wechatpay';
import { createWechatPayClient } from '../../../server/core/wechatpay/client';
import { idDigest, splitProblem } from '../../../server/core/wechatpay/med-ins';
import { silentLogger } from '../../../server/core/log';
import type { MedInsOrderInput } from '../../../server/ports/wechat-pay';
import { eventually, receiver, sandboxesForFile } from '../pay-sandbox/helpers';
import { authorise, OPENID, PATIENT } from '../pay-sandbox/med-ins-helpers';

const start = sandboxesForFile();

function client(pay: PaySandbox, notifyUrl: string) {
  const m = pay.merchant;
  const cfg = wechatPayConfigFromEnv({
    WXPAY_BASE_URL: pay.url,
    WXPAY_MCHID: m.mchid,
    WXPAY_APPID: m.appid,
    WXPAY_MERCHANT_SERIAL: m.merchantSerialNo,
    WXPAY_MERCHANT_PRIVATE_KEY: m.merchantPrivateKey,
    WXPAY_PUBLIC_KEY_ID: m.wechatpayPublicKeyId,
    WXPAY_PUBLIC_KEY: m.wechatpayPublicKey,
    WXPAY_APIV3_KEY: m.apiV3Key,
    WXPAY_NOTIFY_URL: notifyUrl,
  });
  return createWechatPayClient(cfg, { log: silentLogger, sleep: async () => {} });
}

let seq = 0;
const input = (over: Partial<MedInsOrderInput> = {}): MedInsOrderInput => ({
  outTradeNo: `MI${Date.now()}${++seq}`,
  mixPayType: 'CASH_AND_INSURANCE',
  orderType: 'DIAG_PAY',
  openid: OPENID,
  payer: { name: PATIENT.name, idDigest: idDigest(PATIENT.idNumber) },
  serialNo: `MZYB${seq}`,
  payOrderId: 'ORD330600202612040000001',
  payAuthNo: 'pan_x',
  geoLocation: '120.582112,30.051554',
  cityId: '330600',
  medInstName: '绍兴市人民医院（沙箱）',
  medInstNo: 'H33060200001',
  medInsOrderCreateTime: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
  totalFen: 20_000,
  govFen: 9_000,
  selfFen: 3_000,
  otherFen: 0,
  medInsCashFen: 8_000,
  wechatPayCashFen: 8_000,
  callbackUrl: 'http://127.0.0.1:9/cb',
  ...over,
});

describe('WeChat Pay 医保 mixed orders', () => {
  it('the id digest is MD5 of the upper-cased ID number; a broken split is refused before sending', () => {
    expect(idDigest('33060219850612005x')).toBe(idDigest('33060219850612005X'));
    const ok = input({ prepayId: 'wx1' });
    expect(splitProblem(ok)).toBeNull();
    expect(splitProblem({ ...ok, wechatPayCashFen: 7_999 })).toMatch(/wechat_pay_cash_fee/);
    expect(splitProblem({ ...ok, mixPayType: 'INSURANCE_ONLY' })).toMatch(/INSURANCE_ONLY/);
    expect(splitProblem({ ...ok, prepayId: undefined })).toMatch(/no cash part/);
  });

  it('places, queries and pays a CASH_AND_INSURANCE order; both notifications arrive', async () => {
    const rx = await receiver([204]);
    try {
      const pay = await start({ notifyUrl: rx.url });
      const c = client(pay, rx.url);
      const { payAuthNo } = await authorise(pay);
      const i = input({ payAuthNo, callbackUrl: rx.url });
      const prepayId = await c.jsapiPrepay({
        description: '门诊缴费-医保',
        outTradeNo: i.outTradeNo,
        timeExpire: new Date(Date.now() + 30 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        totalFen: i.wechatPayCashFen,
        openid: OPENID,
      });
      const order = await c.medInsOrder({ ...i, prepayId });
      expect(order).toMatchObject({ mix_pay_status: 'MIX_PAY_CREATED', out_trade_no: i.outTradeNo });
      expect((await c.queryMedInsOrder(i.outTradeNo))?.mix_trade_no).toBe(order.mix_trade_no);
      expect(await c.queryMedInsOrder('NOPE000001')).toBeNull();

      const p = c.medInsPayParams(order.mix_trade_no, prepayId);
      if (!('paySign' in p)) throw new Error('a mixed order with cash is paid with the five fields');
      expect(c.medInsPayParams(order.mix_trade_no, null)).toEqual({ mixTradeNo: order.mix_trade_no });
      const msg = `${pay.merchant.appid}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
      expect(createVerify('RSA-SHA256').update(msg).verify(pay.merchant.merchantPublicKey, p.paySign, 'base64')).toBe(
        true,
      );
      const paid = await fetch(`${pay.url}/sandbox/med-ins/${order.mix_trade_no}/pay-sheet`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(p),
      });
      expect(paid.status).toBe(200);
      const done = await eventually(
        () => c.queryMedInsOrder(i.outTradeNo),
        (o) => o?.mix_pay_status === 'MIX_PAY_SUCCESS',
        10_000,
      );
      expect(done?.mix_pay_status).toBe('MIX_PAY_SUCCESS');
      const events = (await rx.waitFor(2, 10_000)).map((r) => {
        const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
        return c.parseNotification(headers, r.raw).eventType;
      });
      expect(events.sort()).toEqual(['MEDICAL_INSURANCE.SUCCESS', 'TRANSACTION.SUCCESS']);
    } finally {
      await rx.close();
    }
  });
});
