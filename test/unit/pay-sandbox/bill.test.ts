/**
 * The trade bill: readiness (next day 10:00 Asia/Shanghai), NO_STATEMENT_EXIST for a day without
 * trades, the CSV exactly as WeChat writes it (BOM, backtick-prefixed fields, yuan with 2
 * decimals, summary rows, CRLF), its SHA1, the unsigned download and its 30 s token — and that a
 * third-party parser (wechatpay-axios-plugin's Formatter.castCsvBill) reads it.
 */
import { createHash } from 'node:crypto';
import { Formatter } from 'wechatpay-axios-plugin';
import { authorizationHeader } from '../../../server/core/wechatpay/crypto';
import { BILL_HEADER, BILL_SUMMARY_HEADER, yuan } from '../../../devstack/pay/bill';
import { manualClock, placeOrder, sandboxesForFile, v3, type CallOptions } from './helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
const NOTIFY = 'http://127.0.0.1:9/notify';
/** 2026-03-10 12:00 Asia/Shanghai. */
const NOON = Date.parse('2026-03-10T12:00:00+08:00');
const HOUR = 3_600_000;

async function dayWithTrades() {
  const c = manualClock(NOON);
  const pay = await start({ clock: c.clock, refundDelayMs: 5 });
  const o: CallOptions = { clock: c.clock };
  const a = await placeOrder(
    pay,
    NOTIFY,
    { amount: { total: 12_345 }, description: '挂号费·心血管内科', attach: 'A1' },
    o,
  );
  pay.pay(a.outTradeNo);
  c.advance(HOUR);
  const b = await placeOrder(pay, NOTIFY, { amount: { total: 5 } }, o);
  pay.pay(b.outTradeNo);
  c.advance(HOUR);
  const refund = await v3(pay, 'POST', '/v3/refund/domestic/refunds', {
    out_trade_no: a.outTradeNo,
    out_refund_no: `RF${a.outTradeNo}`,
    amount: { refund: 2345, total: 12_345, currency: 'CNY' },
  }, o); // prettier-ignore
  expect(refund.status).toBe(200);
  await new Promise((r) => setTimeout(r, 50));
  return { c, pay, a, b, o };
}

const billPath = (date: string, type = 'ALL'): string => `/v3/bill/tradebill?bill_date=${date}&bill_type=${type}`;

test('not ready before 10:00 the next day; the day itself is refused', async () => {
  const { c, pay, o } = await dayWithTrades();
  const today = await v3(pay, 'GET', billPath('2026-03-10'), undefined, o);
  expect([today.status, today.json.code]).toEqual([400, 'INVALID_REQUEST']);
  c.advance(18 * HOUR); // 2026-03-11 08:00
  const early = await v3(pay, 'GET', billPath('2026-03-10'), undefined, o);
  expect([early.status, early.json.code]).toEqual([400, 'STATEMENT_CREATING']);
  c.advance(2 * HOUR);
  expect((await v3(pay, 'GET', billPath('2026-03-10'), undefined, o)).status).toBe(200);
  const empty = await v3(pay, 'GET', billPath('2026-03-09'), undefined, o);
  expect([empty.status, empty.json.code]).toEqual([400, 'NO_STATEMENT_EXIST']);
  const bad = await v3(pay, 'GET', billPath('2026-02-30'), undefined, o);
  expect([bad.status, bad.json.code]).toEqual([400, 'PARAM_ERROR']);
});

test('the CSV as WeChat writes it, checked by its SHA1; the download answer is not signed', async () => {
  const { c, pay, a, b, o } = await dayWithTrades();
  c.advance(22 * HOUR);
  const r = await v3(pay, 'GET', billPath('2026-03-10'), undefined, o);
  expect(r.json).toEqual({
    hash_type: 'SHA1',
    hash_value: expect.stringMatching(/^[0-9a-f]{40}$/),
    download_url: expect.any(String),
  });
  const url = new URL(r.json.download_url as string);
  expect(url.origin + url.pathname).toBe(`${pay.url}/v3/billdownload/file`);
  const dl = await fetch(url, {
    headers: {
      Authorization: authorizationHeader({
        mchid: pay.merchant.mchid,
        serialNo: pay.merchant.merchantSerialNo,
        privateKey: pay.merchant.merchantPrivateKey,
        method: 'GET',
        pathWithQuery: url.pathname + url.search,
        body: '',
        timestamp: String(Math.floor(c.ms() / 1000)),
      }),
    },
  });
  expect(dl.status).toBe(200);
  expect(dl.headers.get('wechatpay-signature')).toBeNull();
  const file = Buffer.from(await dl.arrayBuffer());
  expect(createHash('sha1').update(file).digest('hex')).toBe(r.json.hash_value);
  expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = file.subarray(3).toString('utf8').split('\r\n');
  expect(lines.pop()).toBe('');
  expect(lines[0]).toBe(BILL_HEADER);
  expect(lines).toHaveLength(6);
  const fields = (line: string): string[] => line.split(',').map((f) => {
    expect(f.startsWith('`')).toBe(true);
    return f.slice(1);
  }); // prettier-ignore
  const [payA, payB, refund] = lines.slice(1, 4).map(fields);
  const m = pay.merchant;
  expect(payA!.slice(0, 13)).toEqual([
    '2026-03-10 12:00:00',
    m.appid,
    m.mchid,
    '0',
    '',
    expect.stringMatching(/^\d{28}$/),
    a.outTradeNo,
    'o-test-openid-0001',
    'JSAPI',
    'SUCCESS',
    'OTHERS',
    'CNY',
    '123.45',
  ]);
  expect(payA!.slice(20)).toEqual(['挂号费·心血管内科', 'A1', '0.74', '0.60%', '123.45', '0.00', '']);
  expect(payB![12]).toBe('0.05');
  expect(payB![6]).toBe(b.outTradeNo);
  expect(refund!.slice(9, 20)).toEqual([
    'REFUND',
    'OTHERS',
    'CNY',
    '0.00',
    '0.00',
    expect.stringMatching(/^\d{29}$/),
    `RF${a.outTradeNo}`,
    '23.45',
    '0.00',
    'ORIGINAL',
    'SUCCESS',
  ]);
  expect(refund!.slice(22, 26)).toEqual(['-0.14', '0.60%', '0.00', '23.45']);
  expect(lines[4]).toBe(BILL_SUMMARY_HEADER);
  // 3 rows; settled 123.45 + 0.05; refunded 23.45; fees 0.74 + 0.00 − 0.14.
  expect(fields(lines[5]!)).toEqual(['3', '123.50', '23.45', '0.00', '0.60', '123.50', '23.45']);
  const parsed = Formatter.castCsvBill(file) as { rows: Record<string, string>[]; summary: Record<string, string> };
  expect(parsed.rows).toHaveLength(3);
  expect(parsed.rows[0]!['商户订单号']).toBe(a.outTradeNo);
  expect(parsed.summary['退款总金额']).toBe('23.45');
  // The URL is good for 30 s.
  c.advance(31_000);
  const late = await v3(pay, 'GET', url.pathname + url.search, undefined, o);
  expect(late.status).toBe(404);
});

test('bill_type SUCCESS has only payments, REFUND only refunds', async () => {
  const { c, pay, o } = await dayWithTrades();
  c.advance(22 * HOUR);
  const rows = async (type: string): Promise<string[]> => {
    const r = await v3(pay, 'GET', billPath('2026-03-10', type), undefined, o);
    const url = new URL(r.json.download_url as string);
    const file = await v3(pay, 'GET', url.pathname + url.search, undefined, o);
    return file.text
      .split('\r\n')
      .slice(1, -3)
      .map((l) => l.split(',`')[9]!);
  };
  expect(await rows('SUCCESS')).toEqual(['SUCCESS', 'SUCCESS']);
  expect(await rows('REFUND')).toEqual(['REFUND']);
  const bad = await v3(pay, 'GET', billPath('2026-03-10', 'DAILY'), undefined, o);
  expect(bad.json.code).toBe('PARAM_ERROR');
});

test('yuan() formats integer fen without floating point', () => {
  expect([0, 5, 100, 12_345, -14, 1_000_000_01].map(yuan)).toEqual([
    '0.00',
    '0.05',
    '1.00',
    '123.45',
    '-0.14',
    '1000000.01',
  ]);
});
