/**
 * `cloud.openapi.subscribeMessage.send` with WeChat's rules: template id (40037), consent
 * (43101; one-time consents are counted and consumed, long-term ones granted once), and the
 * value rules of each template key type (47003). Every attempt lands in the outbox table.
 */
import { randomBytes } from 'node:crypto';
import type { SubscribeMessageSendParams } from '../../server/ports/cloud-sdk';
import { cloudError, type EmulatedCloudError } from './errors';
import type { OutboxRow, Store } from './store';

export interface SubscribeTemplate {
  id: string;
  title: string;
  kind: 'one-time' | 'long-term';
  /** e.g. `{ thing1: '就诊人', time2: '就诊时间' }`; the key prefix is the WeChat data type. */
  keys: Record<string, string>;
}

/** An outbox row as tests and the console read it: `data` decoded. */
export type OutboxEntry = Omit<OutboxRow, 'data'> & { data: Record<string, { value: string }> };

export const KEY_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** `character_string12` → `character_string`; null when the key is not `<type><digits>`. */
export function keyType(key: string): KeyType | null {
  const m = /^([a-z_]+?)(\d+)$/.exec(key);
  if (!m) return null;
  return (KEY_TYPES as readonly string[]).includes(m[1]!) ? (m[1] as KeyType) : null;
}

const HAN = /\p{Script=Han}/u;
const CONTROL = /\p{Cc}/u;

// Date forms: y年m月d日, y年m月, m月d日, or joined by - / . (2018-01-01, 2018-01, 01-01).
const Y = String.raw`\d{4}`;
const M = String.raw`(?:0?[1-9]|1[0-2])`;
const DD = String.raw`(?:0?[1-9]|[12]\d|3[01])`;
const DATE_CN = `(?:${Y}年${M}月${DD}日|${Y}年${M}月|${M}月${DD}日)`;
const DATE_SEP = `(?:${Y}[-/.]${M}[-/.]${DD}|${Y}[-/.]${M}|${M}[-/.]${DD})`;
const DATE = `(?:${DATE_CN}|${DATE_SEP})`;
const CLOCK = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`;
/** time: 24h clock, optionally preceded by a date. */
const TIME_POINT = `(?:(?:${DATE}\\s*)?${CLOCK})`;
/** date: a date, optionally followed by a 24h clock. */
const DATE_POINT = `(?:${DATE}(?:\\s*${CLOCK})?)`;
const TIME_RE = new RegExp(`^${TIME_POINT}(?:\\s*~\\s*${TIME_POINT})?$`);
const DATE_RE = new RegExp(`^${DATE_POINT}(?:\\s*~\\s*${DATE_POINT})?$`);
/** 1 currency symbol + at most 10 digits, optional decimals, optional trailing 元. */
const AMOUNT_RE = /^[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?$/;

function len(v: string): number {
  return [...v].length;
}

/** Returns why `value` is not acceptable for a key of type `type`, or null when it is. */
export function valueProblem(type: KeyType, value: string): string | null {
  if (value.trim() === '') return 'is empty';
  if (CONTROL.test(value)) return 'contains control characters';
  switch (type) {
    case 'thing':
      return len(value) <= 20 ? null : 'exceeds 20 characters (thing)';
    case 'number':
      return /^\d+(?:\.\d+)?$/.test(value) && len(value) <= 32
        ? null
        : 'must be at most 32 digits, optionally with decimals (number)';
    case 'letter':
      return /^[A-Za-z]{1,32}$/.test(value) ? null : 'must be at most 32 letters (letter)';
    case 'symbol':
      return len(value) <= 5 && /^[^\p{L}\p{N}\s]+$/u.test(value) ? null : 'must be at most 5 symbols (symbol)';
    case 'character_string':
      return len(value) <= 32 && /^[\x21-\x7e]+$/.test(value)
        ? null
        : 'must be at most 32 letters, digits or symbols (character_string)';
    case 'time':
      return TIME_RE.test(value) ? null : 'must be a 24h time, e.g. 15:01 or 2019年10月1日 15:01 (time)';
    case 'date':
      return DATE_RE.test(value) ? null : 'must be a date, e.g. 2019年10月1日 or 2019-10-01 (date)';
    case 'amount':
      return AMOUNT_RE.test(value) ? null : 'must be an amount, e.g. ¥12.50 or 12.50元 (amount)';
    case 'phone_number':
      return len(value) <= 17 && /^[0-9+\-()\s]+$/.test(value)
        ? null
        : 'must be at most 17 digits or symbols (phone_number)';
    case 'car_number': {
      const chars = [...value];
      const edgeOk = (c: string): boolean => /^[A-Za-z0-9]$/.test(c) || HAN.test(c);
      const ok =
        chars.length <= 8 &&
        chars.every((c, i) => (i === 0 || i === chars.length - 1 ? edgeOk(c) : /^[A-Za-z0-9]$/.test(c)));
      return ok ? null : 'must be a plate number of at most 8 characters (car_number)';
    }
    case 'name': {
      if (/\p{N}/u.test(value)) return 'must not contain digits (name)';
      if (HAN.test(value)) return len(value) <= 10 ? null : 'exceeds 10 Chinese characters (name)';
      return len(value) <= 20 && /^[\p{L}\p{P}\p{S}\s]+$/u.test(value) ? null : 'must be at most 20 letters (name)';
    }
    case 'phrase':
      return /^\p{Script=Han}{1,5}$/u.test(value) ? null : 'must be at most 5 Chinese characters (phrase)';
  }
}

/** Throws when a template declares a key WeChat would not have. */
export function checkTemplates(templates: SubscribeTemplate[]): Map<string, SubscribeTemplate> {
  const map = new Map<string, SubscribeTemplate>();
  for (const t of templates) {
    if (map.has(t.id)) throw new Error(`subscribe templates: duplicate id ${t.id}`);
    for (const key of Object.keys(t.keys)) {
      if (!keyType(key)) throw new Error(`subscribe template ${t.id}: unsupported key ${key}`);
    }
    map.set(t.id, t);
  }
  return map;
}

const API = 'openapi.subscribeMessage.send';

function fail(errCode: number, detail: string): EmulatedCloudError {
  return cloudError(errCode, `${API}:fail ${errCode} ${detail}`);
}

export class SubscribeMessages {
  private readonly byId: Map<string, SubscribeTemplate>;

  constructor(
    private readonly store: Store,
    templates: SubscribeTemplate[],
    private readonly clock: () => Date,
  ) {
    this.byId = checkTemplates(templates);
  }

  templates(): SubscribeTemplate[] {
    return [...this.byId.values()].map((t) => ({ ...t, keys: { ...t.keys } }));
  }

  grant(openid: string, templateId: string, count = 1): void {
    const t = this.byId.get(templateId);
    if (!t) throw new Error(`subscriptions.grant: unknown template ${templateId}`);
    if (!openid) throw new Error('subscriptions.grant: openid is required');
    if (t.kind === 'long-term') this.store.grantLongTerm(openid, templateId);
    else {
      if (!Number.isInteger(count) || count < 1)
        throw new Error('subscriptions.grant: count must be a positive integer');
      this.store.grantOneTime(openid, templateId, count);
    }
  }

  consents(openid: string): { templateId: string; remaining: number | 'long-term' }[] {
    return this.store
      .consents(openid)
      .filter((c) => c.longTerm || c.remaining > 0)
      .map((c) => ({ templateId: c.templateId, remaining: c.longTerm ? ('long-term' as const) : c.remaining }));
  }

  outbox(limit = 100): OutboxEntry[] {
    return this.store.outbox(limit).map((r) => ({ ...r, data: JSON.parse(r.data) as OutboxEntry['data'] }));
  }

  /** Validates and "delivers" one message; records the attempt whatever the outcome. */
  send(params: SubscribeMessageSendParams): { errCode: 0; errMsg: string } {
    const p = (params ?? {}) as Partial<SubscribeMessageSendParams>;
    const template = typeof p.templateId === 'string' ? this.byId.get(p.templateId) : undefined;
    const touser = typeof p.touser === 'string' ? p.touser : '';
    // Check, consume the consent and record the attempt atomically; throw only after the
    // SQLite transaction committed so rejected attempts stay in the outbox too.
    const error = this.store.transaction((): EmulatedCloudError | null => {
      let error: EmulatedCloudError | null = null;
      try {
        this.check(p, touser, template);
      } catch (err) {
        error = err as EmulatedCloudError;
      }
      this.store.addOutbox({
        id: randomBytes(16).toString('hex'),
        at: this.clock().toISOString(),
        touser,
        templateId: typeof p.templateId === 'string' ? p.templateId : '',
        templateTitle: template?.title ?? null,
        page: typeof p.page === 'string' ? p.page : null,
        data: JSON.stringify(p.data ?? {}),
        status: error ? 'rejected' : 'sent',
        errCode: error ? error.errCode : 0,
        errMsg: error ? error.errMsg : `${API}:ok`,
      });
      return error;
    });
    if (error) throw error;
    return { errCode: 0, errMsg: `${API}:ok` };
  }

  private check(p: Partial<SubscribeMessageSendParams>, touser: string, template: SubscribeTemplate | undefined): void {
    if (!touser) throw fail(40003, 'invalid openid: touser is empty');
    if (!template) throw fail(40037, `invalid template id: ${String(p.templateId)}`);
    const data = p.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw fail(47003, 'argument invalid! data is required');
    for (const key of Object.keys(template.keys)) {
      if (!(key in data)) throw fail(47003, `argument invalid! data.${key} is missing`);
    }
    for (const [key, entry] of Object.entries(data as Record<string, unknown>)) {
      if (!(key in template.keys))
        throw fail(47003, `argument invalid! data.${key} is not a field of template ${template.id}`);
      const value = (entry as { value?: unknown } | null)?.value;
      if (typeof value !== 'string') throw fail(47003, `argument invalid! data.${key}.value must be a string`);
      const problem = valueProblem(keyType(key)!, value);
      if (problem) throw fail(47003, `argument invalid! data.${key}.value ${problem}`);
    }
    if (template.kind === 'one-time') {
      if (!this.store.consumeOneTime(touser, template.id)) throw fail(43101, 'user refuse to accept the msg');
    } else if (!this.store.consent(touser, template.id)?.longTerm) {
      throw fail(43101, 'user refuse to accept the msg');
    }
  }
}
