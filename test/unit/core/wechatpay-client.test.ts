/**
 * The WeChat Pay v3 client (server/core/wechatpay/client.ts) against the pay sandbox over real
 * HTTP: its signed requests are accepted, it verifies every answer, and it follows WeChat's rules
 * (idempotent prepay and refund numbers, ORDERPAID, never more than paid). The configuration is
 * read from the environment as the functions read it (server/config/wechatpay.ts).
 */
import { createVerify } from 'node:crypto';
import type { PaySandbox } from '../../../devstack/pay';
import { wechatPayConfigFromEnv } from '../../../server/config/wechatpay';
import { createWechatPayClient } from '../../../server/core/wechatpay/client';
import { WechatPayError } from '../../../server/core/wechatpay/errors';
import { silentLogger } from '../../../server/core/log';
import type { WechatPayPort } from '../../../server/ports/wechat-pay';
import { manualClock, receiver, sandboxesForFile } from '../pay-sandbox/helpers';

const start = sandboxesForFile();
const NOON = Date.parse('2026-03-10T12:00:00+08:00');

function envOf(pay: PaySandbox, notifyUrl: string, mode: 'publicKey' | 'platformCert' | 'both' = 'publicKey') {
  const m = pay.merchant;
  return {
    WXPAY_BASE_URL: pay.url,
    WXPAY_MCHID: m.mchid,
    WXPAY_APPID: m.appid,
    WXPAY_MERCHANT_SERIAL: m.merchantSerialNo,
    // One-line form, as a deployer pastes it into the console.
    WXPAY_MERCHANT_PRIVATE_KEY: m.merchantPrivateKey.replace(/\n/g, '\\n'),
    ...(mode !== 'platformCert'
      ? { WXPAY_PUBLIC_KEY_ID: m.wechatpayPublicKeyId, WXPAY_PUBLIC_KEY: m.wechatpayPublicKey }
      : {}),
    ...(mode !== 'publicKey'
      ? { WXPAY_PLATFORM_CERTS: JSON.stringify({ [m.platformCertificateSerial]: m.platformCertificate }) }
      : {}),
    WXPAY_APIV3_KEY: m.apiV3Key,
    WXPAY_NOTIFY_URL: notifyUrl,
  };
}

function clientFor(
  pay: PaySandbox,
  clock: () => Date,
  notifyUrl = 'http://127.0.0.1:9/notify',
  mode?: 'publicKey' | 'platformCert' | 'both',
) {
  const cfg = wechatPayConfigFromEnv(envOf(pay, notifyUrl, mode));
  return createWechatPayClient(cfg, {
    nowSec: () => Math.floor(clock().getTime() / 1000),
    log: silentLogger,
    sleep: async () => {},
  });
}

const order = (no: string, total = 1250) => ({
  description: '门诊缴费-西药处方',
  outTradeNo: no,
  timeExpire: new Date(NOON + 30 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
  totalFen: total,
  openid: 'o-payer',
});

async function paid(client: WechatPayPort, pay: PaySandbox, no: string, total = 1250) {
  await client.jsapiPrepay(order(no, total));
  pay.pay(no);
}

describe('WeChat Pay v3 client against the pay sandbox', () => {
  it('places a JSAPI order once per out_trade_no and signs wx.requestPayment with appId on line 1', async () => {
    const c = manualClock(NOON);
    const pay = await start({ clock: c.clock });
    const client = clientFor(pay, c.clock);
    const id1 = await client.jsapiPrepay(order('PAYNO1'));
    expect(await client.jsapiPrepay(order('PAYNO1'))).toBe(id1);
    await expect(client.jsapiPrepay(order('PAYNO1', 999))).rejects.toMatchObject({ kind: 'rejected' });
    const p = client.requestPaymentParams(id1);
    expect(p).toMatchObject({ package: `prepay_id=${id1}`, signType: 'RSA' });
    const msg = `${pay.merchant.appid}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
    expect(createVerify('RSA-SHA256').update(msg).verify(pay.merchant.merchantPublicKey, p.paySign, 'base64')).toBe(
      true,
    );
  });

  it('queries, refuses to close a paid order, and closes an unpaid one', async () => {
    const c = manualClock(NOON);
    const pay = await start({ clock: c.clock });
    const client = clientFor(pay, c.clock);
    expect(await client.queryOrder('NOPE11')).toBeNull();
    await client.jsapiPrepay(order('PAYNO2'));
    expect((await client.queryOrder('PAYNO2'))?.trade_state).toBe('NOTPAY');
    await client.closeOrder('PAYNO2');
    expect((await client.queryOrder('PAYNO2'))?.trade_state).toBe('CLOSED');
    await paid(client, pay, 'PAYNO3');
    const tx = await client.queryOrder('PAYNO3');
    expect(tx).toMatchObject({ trade_state: 'SUCCESS', out_trade_no: 'PAYNO3', amount: { total: 1250 } });
    await expect(client.closeOrder('PAYNO3')).rejects.toMatchObject({ kind: 'rejected', code: 'ORDERPAID' });
  });

  it('refunds once per out_refund_no and never more than paid', async () => {
    const c = manualClock(NOON);
    const pay = await start({ clock: c.clock, refundDelayMs: 5 });
    const client = clientFor(pay, c.clock);
    await paid(client, pay, 'PAYNO4', 1000);
    const input = {
      outTradeNo: 'PAYNO4',
      outRefundNo: 'PAYNO4R1',
      reason: '医院未能确认缴费',
      refundFen: 600,
      totalFen: 1000,
    };
    const r1 = await client.refund(input);
    expect(r1.status).toMatch(/PROCESSING|SUCCESS/);
    expect((await client.refund(input)).refund_id).toBe(r1.refund_id);
    c.advance(61_000);
    await expect(client.refund({ ...input, outRefundNo: 'PAYNO4R2', refundFen: 401 })).rejects.toBeInstanceOf(
      WechatPayError,
    );
    expect((await client.queryRefund('PAYNO4R1'))?.out_refund_no).toBe('PAYNO4R1');
    expect(await client.queryRefund('NOPE12')).toBeNull();
  });

  it('verifies answers with the key their Wechatpay-Serial names: public key, platform certificate, both', async () => {
    const c = manualClock(NOON);
    const certOnly = await start({ clock: c.clock, signWith: 'platformCert' });
    await expect(clientFor(certOnly, c.clock).queryOrder('NOPE01')).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'BAD_SIGNATURE',
    });
    expect(await clientFor(certOnly, c.clock, undefined, 'both').queryOrder('NOPE01')).toBeNull();
    expect(await clientFor(certOnly, c.clock, undefined, 'platformCert').queryOrder('NOPE01')).toBeNull();
    const both = await start({ clock: c.clock, signWith: 'both' });
    const client = clientFor(both, c.clock, undefined, 'both');
    for (let i = 0; i < 4; i++) expect(await client.queryOrder(`NOPE0${i}`)).toBeNull();
  });

  it('a request signed 6 minutes off is refused by the sandbox (the answer check is in wechatpay-crypto.test.ts)', async () => {
    const c = manualClock(NOON);
    const pay = await start({ clock: c.clock });
    const late = clientFor(pay, () => new Date(c.ms() + 6 * 60_000));
    // The sandbox refuses the request first (its clock is 6 min behind): a 401 is a rejection.
    await expect(late.queryOrder('NOPE02')).rejects.toBeInstanceOf(WechatPayError);
  });

  it('parses a real notification: verified over the raw body, decrypted; a tampered copy is refused', async () => {
    const rx = await receiver([204]);
    try {
      const c = manualClock(NOON);
      const pay = await start({ clock: c.clock, notifyUrl: rx.url });
      const client = clientFor(pay, c.clock, rx.url);
      await paid(client, pay, 'PAYNO5');
      const [n] = await rx.waitFor(1);
      const headers = Object.fromEntries(Object.entries(n!.headers).map(([k, v]) => [k, String(v)]));
      const parsed = client.parseNotification(headers, n!.raw);
      expect(parsed).toMatchObject({ eventType: 'TRANSACTION.SUCCESS', transaction: { out_trade_no: 'PAYNO5' } });
      expect(() => client.parseNotification(headers, n!.raw.replace('"id":"', '"id":"x'))).toThrow(/badSignature/);
      expect(() => client.parseNotification(headers, JSON.stringify(JSON.parse(n!.raw), null, 1))).toThrow();
      expect(() =>
        client.parseNotification(
          { ...headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${headers['wechatpay-signature']}` },
          n!.raw,
        ),
      ).toThrow(/signTest/);
    } finally {
      await rx.close();
    }
  });

  it('downloads the trade bill and checks its SHA1', async () => {
    const c = manualClock(NOON);
    const pay = await start({ clock: c.clock });
    const client = clientFor(pay, c.clock);
    await paid(client, pay, 'PAYNO6', 12_345);
    c.advance(24 * 3_600_000);
    const bill = await client.tradeBill('2026-03-10');
    expect(bill?.csv.startsWith('交易时间,')).toBe(true);
    expect(bill?.csv).toContain('`PAYNO6');
    expect(bill?.csv).toContain('`123.45');
  });
});
