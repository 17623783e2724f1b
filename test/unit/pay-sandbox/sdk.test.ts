/**
 * A third-party WeChat Pay v3 SDK (wechatpay-axios-plugin 0.9.6) against the sandbox, configured
 * only with what merchant.json holds: its signed requests must be accepted and it must verify
 * every answer with the WeChat Pay public key (it throws when it cannot) — so the sandbox speaks
 * WeChat's protocol, not a dialect only our own client understands.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's chained API is typed loosely */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { startPaySandbox, type PaySandbox } from '../../../devstack/pay';
import type { MerchantFile } from '../../../devstack/pay/merchant';
import { shanghaiDate } from '../../../devstack/pay/time';
import { jsapiBody, sandbox } from './helpers';

jest.setTimeout(30_000);

const NOTIFY = 'http://127.0.0.1:9/notify';
const DAY_MS = 86_400_000;
let dir = '';
let pay: PaySandbox;
let merchant: MerchantFile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pay-sdk-'));
  pay = await startPaySandbox({ port: 0, stateDir: dir, quiet: true, refundDelayMs: 20 });
  // Exactly what a developer would copy from the sandbox's state dir.
  merchant = JSON.parse(readFileSync(join(dir, 'pay', 'merchant.json'), 'utf8')) as MerchantFile;
});

afterAll(async () => {
  await pay.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The SDK as a merchant configures it: mchid, serial, private key, {PUB_KEY_ID: public key}. */
function sdk(opts: { privateKey?: string; platformCert?: boolean; merchant?: MerchantFile } = {}): any {
  const m = opts.merchant ?? merchant;
  return new Wechatpay({
    mchid: m.mchid,
    serial: m.merchantSerialNo,
    privateKey: opts.privateKey ?? m.merchantPrivateKey,
    certs: {
      [m.wechatpayPublicKeyId]: m.wechatpayPublicKey,
      ...(opts.platformCert ? { [m.platformCertificateSerial]: m.platformCertificate } : {}),
    },
    baseURL: `${m.baseUrl}/`,
  } as any);
}

async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the SDK call to fail');
}

const queryOrder = (wxpay: any, no: string) =>
  wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: merchant.mchid }, out_trade_no: no });

test('merchant.json is all the SDK needs: JSAPI order, query by out_trade_no and transaction_id, close', async () => {
  expect(merchant.baseUrl).toBe(pay.url);
  const wxpay = sdk();
  const body = jsapiBody(pay, NOTIFY);
  const placed = await wxpay.v3.pay.transactions.jsapi.post(body);
  expect(placed.status).toBe(200);
  expect(placed.data.prepay_id).toMatch(/^wx/);
  expect((await queryOrder(wxpay, body.out_trade_no as string)).data.trade_state).toBe('NOTPAY');

  const paidBody = jsapiBody(pay, NOTIFY);
  await wxpay.v3.pay.transactions.jsapi.post(paidBody);
  const { transaction_id } = pay.pay(paidBody.out_trade_no as string);
  const byId = await wxpay.v3.pay.transactions.id._transaction_id_.get({
    params: { mchid: merchant.mchid },
    transaction_id,
  });
  expect(byId.data).toMatchObject({ out_trade_no: paidBody.out_trade_no, trade_state: 'SUCCESS' });

  const closed = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post(
    { mchid: merchant.mchid },
    { out_trade_no: body.out_trade_no },
  );
  expect(closed.status).toBe(204);
  expect((await queryOrder(wxpay, body.out_trade_no as string)).data.trade_state).toBe('CLOSED');
  const again = await failure(wxpay.v3.pay.transactions.jsapi.post(body));
  expect(again.response).toMatchObject({ status: 400, data: { code: 'ORDER_CLOSED' } });
  const paidClose = await failure(
    wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post(
      { mchid: merchant.mchid },
      { out_trade_no: paidBody.out_trade_no },
    ),
  );
  expect(paidClose.response).toMatchObject({ status: 400, data: { code: 'ORDERPAID' } });
});

test('refund a paid order through the SDK; a repeated out_refund_no answers the first refund', async () => {
  const wxpay = sdk();
  const body = jsapiBody(pay, NOTIFY, { amount: { total: 8800, currency: 'CNY' } });
  await wxpay.v3.pay.transactions.jsapi.post(body);
  pay.pay(body.out_trade_no as string);
  const refundBody = {
    out_trade_no: body.out_trade_no,
    out_refund_no: `SDKR${body.out_trade_no}`,
    reason: '退费',
    notify_url: NOTIFY,
    amount: { refund: 8800, total: 8800, currency: 'CNY' },
  };
  const refund = await wxpay.v3.refund.domestic.refunds.post(refundBody);
  expect(refund.data).toMatchObject({ status: 'PROCESSING', amount: { refund: 8800 } });
  const repeat = await wxpay.v3.refund.domestic.refunds.post(refundBody);
  expect(repeat.data.refund_id).toBe(refund.data.refund_id);
  await new Promise((r) => setTimeout(r, 100));
  const query = await wxpay.v3.refund.domestic.refunds.$out_refund_no$.get({ out_refund_no: refundBody.out_refund_no });
  expect(query.data).toMatchObject({ status: 'SUCCESS', refund_id: refund.data.refund_id });
  expect((await queryOrder(wxpay, body.out_trade_no as string)).data.trade_state).toBe('REFUND');
});

test('a request signed with another private key is refused with 401 SIGN_ERROR', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  const err = await failure(
    sdk({ privateKey: other.toString() }).v3.pay.transactions.jsapi.post(jsapiBody(pay, NOTIFY)),
  );
  expect(err.response).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR' } });
});

test('the SDK really verifies: answers signed with a key it does not hold are rejected', async () => {
  pay.setSignWith('platformCert');
  try {
    const err = await failure(sdk().v3.pay.transactions.jsapi.post(jsapiBody(pay, NOTIFY)));
    expect(err.code).toBe('EV3_RES_HEADER_PLATFORM_SERIAL');
    // Holding both keys, as during a switch, it accepts either.
    pay.setSignWith('both');
    const both = sdk({ platformCert: true });
    for (let i = 0; i < 3; i++)
      expect((await both.v3.pay.transactions.jsapi.post(jsapiBody(pay, NOTIFY))).status).toBe(200);
  } finally {
    pay.setSignWith('publicKey');
  }
});

test('paySign made with the SDK’s primitives is accepted by the payment sheet route', async () => {
  const body = jsapiBody(pay, NOTIFY);
  const { data } = await sdk().v3.pay.transactions.jsapi.post(body);
  const params: Record<string, string> = {
    timeStamp: String(Formatter.timestamp()),
    nonceStr: Formatter.nonce(),
    package: `prepay_id=${data.prepay_id}`,
    signType: 'RSA',
  };
  const message = Formatter.joinedByLineFeed(merchant.appid, params.timeStamp!, params.nonceStr!, params.package!);
  params.paySign = Rsa.sign(message, Rsa.from(merchant.merchantPrivateKey, Rsa.KEY_TYPE_PRIVATE));
  const r = await sandbox<{ order: { trade_state: string } }>(pay, 'POST', `prepay/${data.prepay_id}/pay`, params);
  expect(r.status).toBe(200);
  expect(r.json.order.trade_state).toBe('SUCCESS');
});

test('trade bill: the SDK fetches hash and file; the SHA1 matches and its CSV parser reads it', async () => {
  // The SDK signs and verifies with the real clock, so the sandbox keeps it too, except while the
  // order is paid "yesterday"; the bill is ready from midnight here, whatever the hour of the run.
  let offsetMs = 0;
  const billDir = mkdtempSync(join(tmpdir(), 'pay-sdk-bill-'));
  const billPay = await startPaySandbox({
    port: 0,
    stateDir: billDir,
    dbFile: ':memory:',
    quiet: true,
    clock: () => new Date(Date.now() + offsetMs),
    billReadyAt: '00:00',
  });
  const billMerchant = JSON.parse(readFileSync(join(billDir, 'pay', 'merchant.json'), 'utf8')) as MerchantFile;
  try {
    const wxpay = sdk({ merchant: billMerchant });
    const body = jsapiBody(billPay, NOTIFY);
    await wxpay.v3.pay.transactions.jsapi.post(body);
    offsetMs = -DAY_MS;
    billPay.pay(body.out_trade_no as string);
    offsetMs = 0;
    const billDate = shanghaiDate(Date.now() - DAY_MS);
    const bill = await wxpay.v3.bill.tradebill.get({ params: { bill_date: billDate, bill_type: 'ALL' } });
    expect(bill.data.hash_type).toBe('SHA1');
    const token = new URL(bill.data.download_url).searchParams.get('token');
    const file = await wxpay.v3.billdownload.file.get({ params: { token }, responseType: 'arraybuffer' });
    const bytes = Buffer.from(file.data);
    expect(createHash('sha1').update(bytes).digest('hex')).toBe(bill.data.hash_value);
    const parsed = Formatter.castCsvBill(bytes) as { rows: Record<string, string>[] };
    expect(parsed.rows.map((r) => r['商户订单号'])).toEqual([body.out_trade_no]);
  } finally {
    await billPay.close();
    rmSync(billDir, { recursive: true, force: true });
  }
});
