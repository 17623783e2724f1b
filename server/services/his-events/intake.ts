/**
 * The HTTP access route `/hisEvents`: events the HIS sends (signed with the gateway's HMAC scheme,
 * delivered at least once). Each is recorded once by its id (`his_events`) and handled; a repeat is
 * handled again, which changes nothing, since every effect is idempotent (messages have
 * deterministic outbox ids), so a crash between recording and handling loses nothing.
 *
 * `charges.ready` (the doctor finished ordering): every WeChat user with a card of that patient
 * gets a 待缴费提醒 opening 门诊缴费 for that card — unless the patient has a withholding (代扣)
 * contract: then the items are deducted first, and a deduction that does not succeed sends the
 * reminder instead (server/services/withholding).
 */
import { z } from 'zod';
import { NonceCache, verifyRequest } from '../../adapters/his/signature';
import type { HttpAccessRequest, HttpAccessResponse } from '../../core/http-main';
import { logger as defaultLogger, type Logger } from '../../core/log';
import { fitThing } from '../../domain/booking/messages';
import { messageTime, yuan } from '../../domain/payment/messages';
import type { Database, OpenApi } from '../../ports/cloud-sdk';
import type { HisEvent } from '../../ports/his-events';
import { MessageOutbox } from '../messages/outbox';
import { HisEventStore } from '../../adapters/clouddb/his-events';
import type { WithholdingDeductions } from '../withholding/deductions';

export interface HisEventsDeps {
  db: Database;
  openapi: Pick<OpenApi, 'subscribeMessage'>;
  /** The HIS's app id and secret (the gateway's: the HIS signs its events with them). */
  his: { appId: string; appSecret: string };
  chargesReadyTemplate: string;
  /** 代扣: a contracted patient's charges are deducted first (server/services/withholding/deductions.ts). */
  withholding?: Pick<WithholdingDeductions, 'chargesReady'>;
  now?: () => number;
  log?: Logger;
}

const baseSchema = z.object({
  eventId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  type: z.string().min(1).max(64),
  occurredAt: z.string(),
  data: z.unknown(),
});

const eventSchema = z.object({
  eventId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  type: z.literal('charges.ready'),
  occurredAt: z.string().datetime({ offset: true }),
  data: z.object({
    patientId: z.string().min(1).max(64),
    visitId: z.string().max(64),
    deptCode: z.string().max(32),
    deptName: z.string().max(64),
    doctorName: z.string().max(64),
    itemIds: z.array(z.string().min(1).max(64)).min(1).max(50),
    totalFen: z.number().int().min(0),
    insurance: z
      .object({ payOrdId: z.string().min(1).max(64) })
      .nullable()
      .optional(),
  }),
});

const reply = (statusCode: number, code: string, message = ''): HttpAccessResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ code, message }),
});

export class HisEventIntake {
  private readonly nonces = new NonceCache();
  private readonly store: HisEventStore;
  private readonly outbox: MessageOutbox;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly deps: HisEventsDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? defaultLogger;
    this.store = new HisEventStore(deps.db);
    this.outbox = new MessageOutbox(deps.db, deps.openapi, { maxAttempts: 5, retryBaseMs: 30_000 }, this.log);
  }

  async handle(req: HttpAccessRequest): Promise<HttpAccessResponse> {
    if (req.httpMethod !== 'POST') return reply(405, 'INVALID_REQUEST', 'POST only');
    const raw = req.isBase64Encoded ? Buffer.from(req.body, 'base64').toString('utf8') : req.body;
    const nowMs = this.now();
    const { appId, appSecret } = this.deps.his;
    const auth = verifyRequest({
      headers: req.headers,
      rawBody: raw,
      nowMs,
      secretFor: (id) => (id === appId ? appSecret : undefined),
      nonces: this.nonces,
    });
    if (!auth.ok) {
      this.log.warn('his event unauthorized', { why: auth.code });
      return reply(401, auth.code);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(400, 'INVALID_REQUEST', 'not JSON');
    }
    const base = baseSchema.safeParse(body);
    if (!base.success) return reply(400, 'INVALID_REQUEST', 'not an event');
    if (base.data.type !== 'charges.ready') {
      // A type this deployment does not handle yet (report.ready, exam.scheduled, …): acknowledged,
      // so the HIS does not retry it for nothing.
      this.log.info('his event ignored', { type: base.data.type.slice(0, 40), eventId: base.data.eventId });
      return reply(200, 'IGNORED');
    }
    const parsed = eventSchema.safeParse(body);
    if (!parsed.success) return reply(400, 'INVALID_REQUEST', 'not a charges.ready event');
    const event: HisEvent = parsed.data;
    const fresh = await this.store.record(event, nowMs);
    await this.chargesReady(event, nowMs);
    this.log.info('his event', { type: event.type, eventId: event.eventId, repeat: !fresh });
    return reply(200, 'OK');
  }

  /** 待缴费提醒 to each WeChat user holding a card of the patient (at most once per event and card). */
  private async chargesReady(e: HisEvent, nowMs: number): Promise<void> {
    // Being deducted (or decided before, for a redelivery): the patient hears of the result instead.
    const outcome = await this.deps.withholding?.chargesReady(e, nowMs);
    if (outcome === 'deducting' || outcome === 'handled') return;
    for (const card of await this.store.cardsOf(e.data.patientId)) {
      await this.outbox.enqueueAndSend(
        {
          id: `chg_${e.eventId}_${card.cardId}`.slice(0, 120),
          kind: 'chargesReady',
          touser: card.openid,
          templateId: this.deps.chargesReadyTemplate,
          page: `packagePayment/pages/index/index?cardId=${card.cardId}`,
          data: {
            thing1: { value: fitThing(card.displayName) },
            thing2: { value: fitThing(e.data.deptName || '门诊') },
            amount3: { value: yuan(e.data.totalFen) },
            time4: { value: messageTime(Date.parse(e.occurredAt) || nowMs) },
            thing5: { value: fitThing('可在小程序门诊缴费中支付，免排队') },
          },
        },
        nowMs,
      );
    }
  }
}
