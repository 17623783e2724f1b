/**
 * The pay sandbox: a local stand-in for api.mch.weixin.qq.com speaking WeChat Pay API v3 over real
 * HTTP (there is no official v3 sandbox), so the payment function and any third-party v3 SDK can
 * be tested offline. Protocol facts: ../shared/reference/wechat-pay.md.
 *
 *   const pay = await startPaySandbox({ port: 0, dbFile: ':memory:' });
 *   // configure the client with pay.merchant (baseUrl, mchid, keys, APIv3 key) …
 *   await fetch(`${pay.url}/sandbox/orders/${outTradeNo}/pay`, { method: 'POST' });
 *   await pay.close();
 *
 * /v3/* — JSAPI orders, query, close, refunds, trade bill, certificates, 医保 mixed orders
 *   (/v3/med-ins/…, med-ins-v3-routes.ts): signed both ways.
 * /sandbox/* — the payer's side and inspection (sandbox-routes.ts; 医保: med-ins-sandbox-routes.ts),
 *   unsigned, CORS `*`.
 * /med-ins-auth/v1/pay-auth — the 医保 authorisation gateway (med-ins-auth.ts), HMAC-signed;
 *   its credentials in `<stateDir>/pay/medins.json` and `pay.medIns`.
 * /papay/querycontract, /papay/deletecontract, /pay/pappayapply, /pay/paporderquery — withholding
 *   (委托代扣, v2: XML signed with MD5 and the APIv2 key; papay-v2-routes.ts); the signing mini
 *   program and the user's side at /sandbox/papay/… (papay-sandbox-routes.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_APP_ID } from '../cloud';
import { BillTokens } from './bill';
import type { PayContext } from './context';
import { PayError } from './errors';
import { Faults, type PayFaults } from './faults';
import { readBody, sendSandboxJson } from './http';
import { handleMedInsAuth } from './med-ins-auth';
import { loadMedInsAuth, NonceCache, type MedInsAuthFile } from './med-ins-auth-scheme';
import { payMedInsOrder, resumeMedIns } from './med-ins-orders';
import { handleMedInsSandbox } from './med-ins-sandbox-routes';
import { MedInsStore } from './med-ins-store';
import { mixedOrderView } from './med-ins-views';
import { loadCredentials, type Credentials, type MerchantFile } from './merchant';
import { Notifier } from './notifier';
import { payOrder, refuseOrder } from './orders';
import { PapayNotifier } from './papay-notifier';
import { resumePapay } from './papay-deductions';
import { handlePapaySandbox } from './papay-sandbox-routes';
import { PapayStore } from './papay-store';
import { handlePapayV2, isPapayV2Path } from './papay-v2-routes';
import { scheduleSettle } from './refunds';
import { handleSandbox } from './sandbox-routes';
import { WechatpaySigner, type SignWith } from './signer';
import { PayStore } from './store';
import type { Clock } from './time';
import { handleV3 } from './v3-routes';
import { transactionView } from './views';

export type { MerchantFile } from './merchant';
export type { MedInsAuthFile } from './med-ins-auth-scheme';
export type { PayFaults } from './faults';
export type { SignWith } from './signer';
export { MED_INS_RETRY_SCHEDULE_MS, WECHAT_RETRY_SCHEDULE_MS } from './notifier';
export { PAPAY_CONTRACT_RETRY_SCHEDULE_MS } from './papay-notifier';

export const DEFAULT_PAY_PORT = 7302;

export interface PaySandboxOptions {
  /** 0 = ephemeral (the caller picks the default: env PAY_PORT or 7302). */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Credentials in `<stateDir>/pay/` (made on first start), orders in `<stateDir>/pay/pay.sqlite`. */
  stateDir?: string;
  /** The orders' SQLite file instead, or ':memory:'. Without stateDir the credentials live in memory. */
  dbFile?: string;
  /** Wipe the orders (never the credentials). */
  reset?: boolean;
  /** The merchant's configured notification URL: refunds without notify_url are notified there. */
  notifyUrl?: string;
  /** The sandbox's clock (signature window, expiries, times in answers and bills). Default: system. */
  clock?: Clock;
  /** WeChat's retry waits and the refund delay are divided by this (default 1000: ~90 s for 24 h). */
  timeScale?: number;
  /** Default 'publicKey'. */
  signWith?: SignWith;
  /** Default: the devstack's app id. */
  appid?: string;
  /** No console lines about deliveries. */
  quiet?: boolean;
  /** Seed of the fault PRNG. */
  seed?: number;
  /** Real ms a refund stays PROCESSING; default 3 min / timeScale. */
  refundDelayMs?: number;
  /** Sandbox-clock ms between two refunds of one order; default 60 000 (WeChat's minute). */
  refundIntervalMs?: number;
  /** `HH:mm` the next day at which a bill is ready; default '10:00'. */
  billReadyAt?: string;
  /** Real ms between a mixed order's cash part paid and its 医保 part settled; default 5 s / timeScale. */
  medInsSettleDelayMs?: number;
  /** Real ms between a withholding deduction accepted and its outcome; default 10 s / timeScale. */
  papayDeductDelayMs?: number;
}

export interface PaySandbox {
  /** http://127.0.0.1:PORT — also `merchant.baseUrl`. */
  url: string;
  port: number;
  /** Everything a client needs (and merchant.json holds), private key included. */
  merchant: MerchantFile;
  notifyUrl(): string | undefined;
  /** For a devstack on an ephemeral port, known only once it listens. */
  setNotifyUrl(url: string | undefined): void;
  setFaults(f: PayFaults): void;
  clearFaults(): void;
  faults(): Required<PayFaults>;
  signWith(): SignWith;
  setSignWith(mode: SignWith): void;
  /** The payer pays (as POST /sandbox/orders/<no>/pay); answers the transaction as queried. */
  pay(outTradeNo: string, opts?: { bankType?: string }): Record<string, unknown>;
  /** The payer cancels the payment sheet. */
  refuse(outTradeNo: string): void;
  /** The 医保 gateway's credentials (medins.json): what a hospital server signs pay-auth calls with. */
  medIns: MedInsAuthFile;
  /** The payer pays a mixed order (as POST /sandbox/med-ins/<no>/pay); answers the order as queried. */
  payMedIns(mixTradeNo: string, opts?: { bankType?: string }): Record<string, unknown>;
  close(): Promise<void>;
}

/** setTimeout with a registry, so close() leaves no timer behind (jest exits cleanly). */
class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  closed = false;

  later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.set(t, () => undefined);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const t = setTimeout(() => {
        this.pending.delete(t);
        resolve();
      }, ms);
      this.pending.set(t, resolve);
    });
  }

  close(): void {
    this.closed = true;
    for (const [t, wake] of this.pending) {
      clearTimeout(t);
      wake();
    }
    this.pending.clear();
  }
}

function checkOptions(o: PaySandboxOptions): void {
  if (o.timeScale !== undefined && !(Number.isFinite(o.timeScale) && o.timeScale > 0)) {
    throw new Error('pay sandbox: timeScale must be a positive number');
  }
  if (o.billReadyAt !== undefined && !/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(o.billReadyAt)) {
    throw new Error('pay sandbox: billReadyAt must be HH:mm');
  }
}

async function listen(host: string, port: number, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export async function startPaySandbox(opts: PaySandboxOptions): Promise<PaySandbox> {
  checkOptions(opts);
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? (() => new Date());
  const timeScale = opts.timeScale ?? 1000;
  const payDir = opts.stateDir === undefined ? undefined : join(opts.stateDir, 'pay');
  const store = new PayStore(opts.dbFile ?? (payDir ? join(payDir, 'pay.sqlite') : ':memory:'), opts.reset);
  const timers = new Timers();
  let notifyUrl = opts.notifyUrl;
  let ready: (ctx: PayContext) => void = () => undefined;
  const context = new Promise<PayContext>((resolve) => (ready = resolve));
  const tokens = new BillTokens();

  const server = await listen(host, opts.port, (req, res) => {
    void serve(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const e = err instanceof PayError ? err : new PayError('SYSTEM_ERROR', String(err));
      sendSandboxJson(res, e.status, e.body());
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const ctx = await context;
    const path = new URL(req.url ?? '/', 'http://sandbox.local');
    if (path.pathname.startsWith('/v3/')) return handleV3({ ctx, tokens, baseUrl: () => url }, req, res, raw);
    if (path.pathname === '/sandbox/med-ins' || path.pathname.startsWith('/sandbox/med-ins/')) {
      return handleMedInsSandbox(ctx, req.method ?? 'GET', path, raw, res);
    }
    if (path.pathname.startsWith('/med-ins-auth/')) return handleMedInsAuth(ctx, req, path, raw, res);
    if (path.pathname === '/sandbox/papay' || path.pathname.startsWith('/sandbox/papay/')) {
      return handlePapaySandbox(ctx, req.method ?? 'GET', path, raw, res);
    }
    if (isPapayV2Path(path.pathname)) return handlePapayV2(ctx, req.method ?? 'GET', path.pathname, raw, res);
    if (path.pathname.startsWith('/sandbox/')) {
      return handleSandbox({ ctx, setNotifyUrl: (u) => (notifyUrl = u) }, req.method ?? 'GET', path, raw, res);
    }
    sendSandboxJson(res, path.pathname === '/' ? 200 : 404, {
      name: 'WeChat Pay v3 pay sandbox',
      mchid: ctx.credentials.merchant.mchid,
      api: '/v3/pay/transactions/jsapi, /v3/pay/transactions/out-trade-no/{no}, /v3/refund/domestic/refunds, /v3/bill/tradebill',
      medIns:
        '/v3/med-ins/orders, /v3/med-ins/orders/mix-trade-no/{no}, /v3/med-ins/refunds/notify, /med-ins-auth/v1/pay-auth',
      papay: '/papay/querycontract, /papay/deletecontract, /pay/pappayapply, /pay/paporderquery (v2 XML, MD5)',
      sandbox:
        '/sandbox/merchant, /sandbox/orders, /sandbox/orders/{no}[/pay|/refuse|/notify?times=N], /sandbox/faults, ' +
        '/sandbox/med-ins/auth-codes, /sandbox/med-ins/{mix_trade_no}[/pay|/pay-sheet|/notify], ' +
        '/sandbox/papay[/sign|/contracts[/{id}[/terminate]]|/deductions/{out_trade_no}]',
    });
  }

  let credentials: Credentials;
  let medInsAuth: MedInsAuthFile;
  try {
    credentials = await loadCredentials({ dir: payDir, appid: opts.appid ?? DEFAULT_APP_ID, baseUrl: url });
    medInsAuth = loadMedInsAuth({ dir: payDir, baseUrl: url });
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
    throw err;
  }
  const faults = new Faults(opts.seed ?? 20260101);
  const signer = new WechatpaySigner(credentials, opts.signWith ?? 'publicKey', clock);
  const notifier = new Notifier({ store, signer, faults, clock, timeScale, quiet: opts.quiet ?? false });
  const papayStore = new PapayStore(store.connection);
  const papayNotifier = new PapayNotifier({ store: papayStore, clock, timeScale, quiet: opts.quiet ?? false });
  const ctx: PayContext = {
    store,
    credentials,
    signer,
    notifier,
    faults,
    clock,
    defaultNotifyUrl: () => notifyUrl,
    refundDelayMs: opts.refundDelayMs ?? Math.round(180_000 / timeScale),
    refundIntervalMs: opts.refundIntervalMs ?? 60_000,
    later: (ms, fn) => timers.later(ms, fn),
    sleep: (ms) => timers.sleep(ms),
    billReadyAt: opts.billReadyAt ?? '10:00',
    billsReadyNow: new Set<string>(),
    medIns: {
      store: new MedInsStore(store.connection),
      settleDelayMs: opts.medInsSettleDelayMs ?? Math.round(5000 / timeScale),
      auth: medInsAuth,
      nonces: new NonceCache(),
    },
    papay: {
      store: papayStore,
      notifier: papayNotifier,
      deductDelayMs: opts.papayDeductDelayMs ?? Math.round(10_000 / timeScale),
    },
  };
  ready(ctx);
  // After a restart: deliveries and refunds carry on where they were.
  notifier.resume();
  for (const r of store.processingRefunds()) scheduleSettle(ctx, r);
  resumeMedIns(ctx);
  papayNotifier.resume();
  resumePapay(ctx);

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    merchant: credentials.merchant,
    notifyUrl: () => notifyUrl,
    setNotifyUrl: (u) => (notifyUrl = u),
    setFaults: (f) => faults.set(f),
    clearFaults: () => faults.clear(),
    faults: () => faults.current(),
    signWith: () => signer.mode,
    setSignWith: (mode) => signer.setMode(mode),
    pay: (no, o = {}) => transactionView(payOrder(ctx, no, o)),
    refuse: (no) => void refuseOrder(ctx, no),
    medIns: medInsAuth,
    payMedIns: (no, o = {}) => mixedOrderView(ctx, payMedInsOrder(ctx, no, o)),
    close: () => {
      closing ??= (async () => {
        timers.close();
        notifier.close();
        papayNotifier.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        store.close();
      })();
      return closing;
    },
  };
}
