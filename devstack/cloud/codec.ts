/**
 * JSON encoding of documents for SQLite. Dates are stored tagged as `{"$date": epochMs}` so they
 * come back as `Date` objects, like documents read through the real SDK.
 */
import type { DocData } from '../../server/ports/cloud-sdk';

/** True when a Date occurs anywhere in `v` (JSON-like data). */
function hasDate(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (v instanceof Date) return true;
  if (Array.isArray(v)) return v.some(hasDate);
  for (const k in v) if (hasDate((v as Record<string, unknown>)[k])) return true;
  return false;
}

export function encodeDoc(doc: DocData): string {
  // Plain JSON unless a Date needs tagging: a replacer costs a call per value.
  if (!hasDate(doc)) return JSON.stringify(doc);
  return JSON.stringify(doc, function (this: Record<string, unknown>, key: string, value: unknown) {
    // JSON.stringify has already called Date#toJSON on `value`; look at the raw value instead.
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.getTime() };
    return value;
  });
}

export function decodeDoc(text: string): DocData {
  // Only a document holding a tagged Date needs the reviver (a call per value).
  if (!text.includes('"$date"')) return JSON.parse(text) as DocData;
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const ms = (value as { $date?: unknown }).$date;
      if (keys.length === 1 && keys[0] === '$date' && typeof ms === 'number') return new Date(ms);
    }
    return value;
  }) as DocData;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Deep clone of JSON-like data keeping Dates (values read from / written to the store). */
export function deepClone<T>(v: T): T {
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (Array.isArray(v)) return v.map((x) => deepClone(x)) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepClone(x);
    return out as T;
  }
  return v;
}

/** Structural equality for stored values (used to tell whether an update changed a document). */
export function sameValue(a: unknown, b: unknown): boolean {
  return encodeDoc({ v: a } as DocData) === encodeDoc({ v: b } as DocData);
}
