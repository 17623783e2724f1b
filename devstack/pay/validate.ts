/**
 * Field checks of the v3 request bodies, answering PARAM_ERROR with the field as WeChat does.
 * Lengths are counted in UTF-8 bytes: WeChat documents `string[1,127]` without a unit and counts
 * bytes in its older APIs, and the stricter reading means a description that passes here cannot
 * be refused as too long in production.
 */
import { paramError, type ParamDetail } from './errors';

export type Json = Record<string, unknown>;
type Where = ParamDetail['location'];

export interface StringRule {
  min?: number;
  /** In UTF-8 bytes. */
  max: number;
  pattern?: RegExp;
  /** How the pattern reads in the error message. */
  patternText?: string;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJsonBody(raw: string): Json {
  if (raw.trim() === '') throw paramError('body', 'body', '请求体为空，应为 JSON 对象');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw paramError('body', 'body', '请求体不是合法的 JSON');
  }
  if (!isObject(parsed)) throw paramError('body', 'body', '请求体应为 JSON 对象');
  return parsed;
}

export function checkString(value: unknown, path: string, rule: StringRule, where: Where = 'body'): string {
  if (typeof value !== 'string') throw paramError(where, path, value === undefined ? '缺少必填字段' : '应为字符串');
  const bytes = Buffer.byteLength(value, 'utf8');
  const min = rule.min ?? 1;
  if (bytes < min) throw paramError(where, path, `字节数 ${bytes}，小于最小值 ${min}`, value);
  if (bytes > rule.max) throw paramError(where, path, `字节数 ${bytes}，大于最大值 ${rule.max}`, value);
  if (rule.pattern && !rule.pattern.test(value)) {
    throw paramError(where, path, `不符合格式 ${rule.patternText ?? rule.pattern.source}`, value);
  }
  return value;
}

export function optionalString(value: unknown, path: string, rule: StringRule): string | undefined {
  return value === undefined ? undefined : checkString(value, path, rule);
}

export function checkInt(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) throw paramError('body', path, '缺少必填字段');
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw paramError('body', path, '应为整数（单位：分）', value);
  if (value < min || value > max) throw paramError('body', path, `应在 ${min}～${max} 之间`, value);
  return value;
}

export function checkObject(value: unknown, path: string): Json {
  if (value === undefined) throw paramError('body', path, '缺少必填字段');
  if (!isObject(value)) throw paramError('body', path, '应为 JSON 对象');
  return value;
}

export function checkCurrency(value: unknown, path: string, required: boolean): 'CNY' {
  if (value === undefined && !required) return 'CNY';
  if (value !== 'CNY') throw paramError('body', path, '目前只支持人民币 CNY', value);
  return 'CNY';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * notify_url: https without a query, as WeChat requires; plain http is accepted for loopback
 * hosts only, because the devstack listens on http://127.0.0.1.
 */
export function checkNotifyUrl(value: unknown, path: string): string {
  const text = checkString(value, path, { max: 256 });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw paramError('body', path, '不是合法的 URL', text);
  }
  const httpAllowed = url.protocol === 'http:' && isLoopbackUrl(url);
  if (url.protocol !== 'https:' && !httpAllowed) {
    throw paramError('body', path, '必须为 https 地址（沙箱另允许 http://127.0.0.1 与 http://localhost）', text);
  }
  if (text.includes('?')) throw paramError('body', path, '不能携带参数', text);
  return text;
}

/** JSON with sorted keys: two requests "with the same parameters" compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
