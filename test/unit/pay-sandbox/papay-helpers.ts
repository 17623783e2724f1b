/**
 * Withholding (v2 papay) test scaffolding on top of helpers.ts: v2 calls (flat XML, MD5-signed
 * with the APIv2 key, answers parsed and their sign checked), the signing mini program's
 * extraData as a merchant's mini program builds it, signing a contract, deducting, and an XML
 * notification receiver whose answers a test scripts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PaySandbox } from '../../../devstack/pay';
import { verifyV2Sign, withV2Sign, type V2Input } from '../../../devstack/pay/papay-sign';
import { parseV2Xml, toV2Xml } from '../../../devstack/pay/papay-xml';
import { sandbox } from './helpers';

export const OPENID = 'o-papay-openid-0001';
export const V2_OK = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';
export const V2_FAIL =
  '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[busy]]></return_msg></xml>';

export interface V2Answer {
  status: number;
  text: string;
  contentType: string | null;
  fields: Record<string, string>;
  /** Whether the answer's sign verifies (false for an unsigned return_code FAIL). */
  signed: boolean;
}

/** POSTs raw text to a v2 path and reads the XML answer. */
export async function v2Raw(pay: PaySandbox, path: string, body: string, method = 'POST'): Promise<V2Answer> {
  const res = await fetch(`${pay.url}${path}`, {
    method,
    headers: { 'Content-Type': 'text/xml' },
    ...(method === 'GET' ? {} : { body }),
  });
  const text = await res.text();
  const fields = parseV2Xml(text);
  return {
    status: res.status,
    text,
    contentType: res.headers.get('content-type'),
    fields,
    signed: verifyV2Sign(fields, pay.merchant.apiV2Key),
  };
}

/** A v2 call with appid and mch_id filled in, signed with the APIv2 key (or `key`). */
export function v2(pay: PaySandbox, path: string, fields: V2Input, key = pay.merchant.apiV2Key): Promise<V2Answer> {
  const all = { appid: pay.merchant.appid, mch_id: pay.merchant.mchid, ...fields };
  return v2Raw(pay, path, toV2Xml(withV2Sign(all, key)));
}

let seq = 0;

/** The extraData of `wx.navigateToMiniProgram` to the signing mini program, signed. */
export function extraData(pay: PaySandbox, notifyUrl: string, over: V2Input = {}): Record<string, string> {
  seq += 1;
  const m = pay.merchant;
  return withV2Sign(
    {
      appid: m.appid,
      mch_id: m.mchid,
      plan_id: m.papayPlanId,
      contract_code: `C${Date.now()}${seq}`,
      request_serial: `${Date.now()}${String(seq).padStart(4, '0')}`,
      contract_display_account: '张三（门诊代扣）',
      notify_url: notifyUrl,
      timestamp: String(Math.floor(Date.now() / 1000)),
      ...over,
    },
    m.apiV2Key,
  );
}

export type SignAnswer = { return_code: string; return_msg: string; contract_id?: string };

export function signRoute(pay: PaySandbox, body: unknown) {
  return sandbox<SignAnswer>(pay, 'POST', 'papay/sign', body);
}

/** Signs a contract through the mini program route; its contract_id. */
export async function signContract(
  pay: PaySandbox,
  notifyUrl: string,
  openid = OPENID,
  over: V2Input = {},
): Promise<{ contractId: string; extra: Record<string, string> }> {
  const extra = extraData(pay, notifyUrl, over);
  const r = await signRoute(pay, { extraData: extra, openid, accept: true });
  if (r.json.return_code !== 'SUCCESS') throw new Error(`signing answered ${JSON.stringify(r.json)}`);
  return { contractId: r.json.contract_id!, extra };
}

let tradeSeq = 0;

/** POST /pay/pappayapply for a contract; `extra` overrides fields. */
export function deduct(pay: PaySandbox, contractId: string, notifyUrl: string, extra: V2Input = {}) {
  tradeSeq += 1;
  return v2(pay, '/pay/pappayapply', {
    body: '住院费用代扣',
    out_trade_no: `PAP${Date.now()}${tradeSeq}`,
    total_fee: 1200,
    spbill_create_ip: '127.0.0.1',
    notify_url: notifyUrl,
    trade_type: 'PAP',
    contract_id: contractId,
    nonce_str: `n${Date.now()}${tradeSeq}`,
    ...extra,
  });
}

export interface XmlReceived {
  headers: IncomingHttpHeaders;
  raw: string;
  at: number;
  fields: Record<string, string>;
}

/** An XML notification receiver answering the scripted answers in turn (then the last one again). */
export async function xmlReceiver(answers: { status: number; body: string }[] = [{ status: 200, body: V2_OK }]) {
  const received: XmlReceived[] = [];
  let i = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, at: Date.now(), fields: parseV2Xml(raw) });
      const a = answers[Math.min(i++, answers.length - 1)]!;
      res.writeHead(a.status, { 'Content-Type': 'text/xml' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/papay/notify`;
  return {
    url,
    received,
    async waitFor(n: number, timeoutMs = 5000): Promise<XmlReceived[]> {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} notifications, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received.slice(0, n);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type XmlReceiver = Awaited<ReturnType<typeof xmlReceiver>>;
