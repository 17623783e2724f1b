/**
 * The kiosk API (无卡取单): a signed request (the HIS gateway scheme, each kiosk its own secret)
 * redeems a pickup code once into the treatment slip. Wrong codes are counted per kiosk and per
 * code value (as a keyed hash) and lock out after the limit; nothing logged holds the code.
 */
import { z } from 'zod';
import { maskMiddle, maskName } from '../../../common/mask';
import type { KioskAnswer, KioskErrorCode, KioskSlip } from '../../../typings/kiosk';
import { KioskLimitStore } from '../../adapters/clouddb/kiosk-store';
import { PaymentStore, type StoredOrder } from '../../adapters/clouddb/payment-store';
import { NonceCache, verifyRequest } from '../../adapters/his/signature';
import { DEFAULT_KIOSK_LIMITS, type KioskLimits } from '../../config/kiosk';
import { piiHashKeyFromEnv } from '../../config/pii';
import type { HttpAccessRequest, HttpAccessResponse } from '../../core/http-main';
import { logger as defaultLogger, type Logger } from '../../core/log';
import { isLocked, recordFailure, type LimitRule } from '../../domain/kiosk/limits';
import { PICKUP_CODE_RE } from '../../domain/payment';
import type { Database } from '../../ports/cloud-sdk';
import { keyedHash, type KeyedHash } from '../keyed-ids';

export interface KioskDeps {
  db: Database;
  keys: ReadonlyMap<string, string>;
  piiHashKey?: string;
  limits?: KioskLimits;
  now?: () => number;
  log?: Logger;
}

const bodySchema = z.strictObject({ action: z.literal('redeem'), code: z.string().max(20) });

const STATUS: Record<KioskErrorCode | 'OK', number> = {
  OK: 200,
  UNAUTHORIZED: 401,
  INVALID_REQUEST: 400,
  NOT_FOUND: 404,
  ALREADY_REDEEMED: 409,
  LOCKED: 429,
  UNAVAILABLE: 503,
};

function answer(a: KioskAnswer): HttpAccessResponse {
  return {
    statusCode: STATUS[a.code],
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(a),
  };
}
const refuse = (code: KioskErrorCode, message: string) => answer({ code, message });

export class KioskService {
  private readonly payments: PaymentStore;
  private readonly limitsStore: KioskLimitStore;
  private readonly nonces = new NonceCache();
  private readonly hash: KeyedHash;
  private readonly limits: KioskLimits;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly deps: KioskDeps) {
    this.payments = new PaymentStore(deps.db);
    this.limitsStore = new KioskLimitStore(deps.db);
    this.hash = keyedHash(deps.piiHashKey ?? piiHashKeyFromEnv());
    this.limits = deps.limits ?? DEFAULT_KIOSK_LIMITS;
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? defaultLogger;
  }

  async handle(req: HttpAccessRequest): Promise<HttpAccessResponse> {
    if (req.httpMethod !== 'POST') return refuse('INVALID_REQUEST', 'POST only');
    const raw = req.isBase64Encoded ? Buffer.from(req.body, 'base64').toString('utf8') : req.body;
    const nowMs = this.now();
    const auth = verifyRequest({
      headers: req.headers,
      rawBody: raw,
      nowMs,
      secretFor: (id) => this.deps.keys.get(id),
      nonces: this.nonces,
    });
    if (!auth.ok) {
      this.log.warn('kiosk unauthorized', { why: auth.code });
      return refuse('UNAUTHORIZED', '终端认证失败');
    }
    let body: z.infer<typeof bodySchema>;
    try {
      body = bodySchema.parse(JSON.parse(raw));
    } catch {
      return refuse('INVALID_REQUEST', '请求格式不正确');
    }
    const result = await this.redeem(auth.appId, body.code.replace(/\s+/g, ''), nowMs);
    this.log.info('kiosk redeem', { kioskId: auth.appId, outcome: result.code });
    return answer(result);
  }

  private async redeem(kioskId: string, code: string, nowMs: number): Promise<KioskAnswer> {
    const kioskKey = `k_${kioskId}`;
    const codeKey = `c_${this.hash('pickup-code', code).slice(0, 32)}`;
    const [k, c] = await Promise.all([this.limitsStore.read(kioskKey), this.limitsStore.read(codeKey)]);
    if (isLocked(k.state, nowMs) || isLocked(c.state, nowMs)) {
      return { code: 'LOCKED', message: '尝试次数过多，请稍后再试或到人工窗口办理' };
    }
    const pickup = PICKUP_CODE_RE.test(code) ? await this.payments.pickup.get(code) : null;
    const order = pickup && pickup.expiresAtMs > nowMs ? await this.payments.orders.get(pickup.orderId) : null;
    const valid = order !== null && order.status === 'settled' && order.pickupCode === code;
    if (!valid || !pickup) {
      await this.fail(kioskKey, this.limits.perKiosk, 'kiosk', kioskId, nowMs);
      await this.fail(codeKey, this.limits.perCode, 'code', kioskId, nowMs);
      return { code: 'NOT_FOUND', message: '取单码无效或已过期，请核对后重新输入' };
    }
    if (pickup.redeemedAtMs !== null || !(await this.payments.pickup.redeem(code, nowMs))) {
      await this.fail(codeKey, this.limits.perCode, 'code', kioskId, nowMs);
      return { code: 'ALREADY_REDEEMED', message: '该取单码已打印过指引单，如需补打请到人工窗口' };
    }
    return { code: 'OK', data: slipOf(order, nowMs) };
  }

  /** Counts a failure (compare-and-set, a few tries); a lockout is logged once, without the code. */
  private async fail(key: string, rule: LimitRule, scope: string, kioskId: string, nowMs: number): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { state, version } = await this.limitsStore.read(key);
      const { next, locked } = recordFailure(state, rule, nowMs);
      if (await this.limitsStore.cas(key, version, next)) {
        if (locked) this.log.warn('kiosk lockout', { scope, kioskId, untilMs: next.lockedUntilMs });
        return;
      }
    }
  }
}

function slipOf(o: StoredOrder, nowMs: number): KioskSlip {
  return {
    orderId: o._id,
    patientName: maskName(o.patientName),
    cardNoMasked: o.cardNo ? maskMiddle(o.cardNo, 2, 4) : '',
    paidAt: new Date(o.paidAtMs ?? o.updatedAtMs).toISOString(),
    totalFen: o.totalFen,
    items: o.items.map((i) => ({
      title: i.title,
      kind: i.kind,
      amountFen: i.amountFen,
      guide: i.guide,
      lines: i.lines.map((l) => ({ name: l.name, spec: l.spec, quantity: l.quantity })),
    })),
    receiptNumber: o.receipt?.number ?? null,
    printedAt: new Date(nowMs).toISOString(),
  };
}
