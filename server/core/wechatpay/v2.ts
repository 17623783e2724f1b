/**
 * WeChat Pay's v2 wire format, as the withholding (委托代扣, papay) calls and notifications use it:
 * the MD5 signature with the APIv2 key, and the flat `<xml>` bodies. Pure (node:crypto only);
 * the papay client (./papay-client.ts) and the pay sandbox (devstack/pay/papay-*.ts) share it.
 *
 * The signature (签名算法, sign_type MD5), of the calls, notifications and the signing mini
 * program's extraData: the parameters other than `sign` whose value is not empty, sorted by name
 * (ASCII), joined as `k=v&k=v` with the values as they are (not URL-encoded), then
 * `&key=<APIv2 key>`; sign = upper-case hex MD5 of those UTF-8 bytes. The key is the merchant's
 * APIv2 key, never the APIv3 key.
 *
 *   appid=wx…&contract_code=122&…&timestamp=1414488825&key=<APIv2 key>  →  MD5 → 1A90…7D00
 *
 * The XML: one flat `<xml>` element whose children are `<key>value</key>`, the value plain text
 * or CDATA (`<![CDATA[…]]>`, several sections allowed). Nothing else is read: no DOCTYPE or ENTITY
 * declarations (refused outright, so no entity expansion can happen), no attributes, no nested
 * elements, comments or processing instructions, only the five predefined entities and numeric
 * character references in plain text. A hand-written linear scanner, no regular expression that
 * could backtrack, and a size cap: a hostile body costs at most one pass over 32 KiB.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type V2Fields = Record<string, string>;
export type V2Input = Record<string, string | number | undefined>;

/** The string that is hashed (exported for tests and for debugging a client's signature). */
export function v2SignString(fields: V2Input, key: string): string {
  const pairs = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && String(fields[k]) !== '')
    .sort()
    .map((k) => `${k}=${String(fields[k])}`);
  return `${pairs.join('&')}&key=${key}`;
}

export function v2Sign(fields: V2Input, key: string): string {
  return createHash('md5').update(v2SignString(fields, key), 'utf8').digest('hex').toUpperCase();
}

/** The fields with their `sign` (values as strings, empty ones dropped as they are not signed). */
export function withV2Sign(fields: V2Input, key: string): V2Fields {
  const out: V2Fields = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && String(v) !== '') out[k] = String(v);
  out.sign = v2Sign(out, key);
  return out;
}

/** Whether `fields.sign` is exactly the upper-case MD5 signature of the other fields (constant time). */
export function verifyV2Sign(fields: V2Input, key: string): boolean {
  const given = fields.sign;
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(v2Sign(fields, key), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** WeChat's v2 bodies are a few hundred bytes; anything beyond this is refused unread. */
export const MAX_XML_BYTES = 32 * 1024;
const MAX_FIELDS = 100;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export class XmlError extends Error {}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&([^;&<]{1,10});|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError('unescaped & in text');
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref)
      ? parseInt(ref.slice(2), 16)
      : /^#\d{1,7}$/.test(ref)
        ? Number(ref.slice(1))
        : NaN;
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff) throw new XmlError(`unknown entity ${whole}`);
    return String.fromCodePoint(code);
  });
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\r' || s[i] === '\t')) i++;
  return i;
}

/** The content of one element starting at `i` (just after its start tag), up to its end tag. */
function readValue(s: string, i: number): { value: string; end: number } {
  let value = '';
  for (;;) {
    if (s.startsWith('<![CDATA[', i)) {
      const close = s.indexOf(']]>', i + 9);
      if (close < 0) throw new XmlError('unterminated CDATA section');
      value += s.slice(i + 9, close);
      i = close + 3;
    } else if (s.startsWith('</', i)) {
      return { value, end: i };
    } else if (s[i] === '<' || i >= s.length) {
      throw new XmlError('nested element, comment or unterminated element');
    } else {
      const next = s.indexOf('<', i);
      if (next < 0) throw new XmlError('unterminated element');
      value += decodeText(s.slice(i, next));
      i = next;
    }
  }
}

/** One `<key>value</key>` at `i`. */
function readField(s: string, i: number): { key: string; value: string; end: number } {
  const gt = s.indexOf('>', i);
  const key = gt < 0 ? '' : s.slice(i + 1, gt);
  if (s[i] !== '<' || !NAME.test(key)) throw new XmlError(`bad element name at ${i}`);
  const { value, end } = readValue(s, gt + 1);
  const closing = `</${key}>`;
  if (!s.startsWith(closing, end)) throw new XmlError(`<${key}> is not closed by ${closing}`);
  return { key, value, end: end + closing.length };
}

/** A v2 body → its fields. Throws XmlError for anything but the flat form. */
export function parseV2Xml(text: string): Record<string, string> {
  if (Buffer.byteLength(text, 'utf8') > MAX_XML_BYTES) throw new XmlError(`larger than ${MAX_XML_BYTES} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlError('DOCTYPE and ENTITY declarations are refused');
  let s = text.replace(/^\uFEFF/, '');
  let i = skipSpace(s, 0);
  if (s.startsWith('<?xml', i)) {
    const end = s.indexOf('?>', i);
    if (end < 0) throw new XmlError('unterminated XML declaration');
    i = skipSpace(s, end + 2);
  }
  if (!s.startsWith('<xml>', i)) throw new XmlError('the root element must be <xml> (without attributes)');
  s = s.slice(i + 5);
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  for (i = skipSpace(s, 0); !s.startsWith('</xml>', i); i = skipSpace(s, i)) {
    const f = readField(s, i);
    if (f.key in fields) throw new XmlError(`<${f.key}> appears twice`);
    if (++count > MAX_FIELDS) throw new XmlError(`more than ${MAX_FIELDS} fields`);
    fields[f.key] = f.value;
    i = f.end;
  }
  if (skipSpace(s, i + 6) !== s.length) throw new XmlError('content after </xml>');
  return { ...fields };
}

/** Fields → `<xml><k><![CDATA[v]]></k>…</xml>` in the given order; undefined values are left out. */
export function toV2Xml(fields: Record<string, string | number | undefined>): string {
  const parts = Object.entries(fields)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => {
      if (!NAME.test(k)) throw new XmlError(`bad field name ${k}`);
      // A `]]>` inside a value ends one CDATA section and starts the next.
      return `<${k}><![CDATA[${String(v).split(']]>').join(']]]]><![CDATA[>')}]]></${k}>`;
    });
  return `<xml>${parts.join('')}</xml>`;
}
