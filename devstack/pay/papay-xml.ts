/**
 * The XML of WeChat Pay's v2 APIs, as the withholding (papay) calls and notifications use it: one
 * flat `<xml>` element whose children are `<key>value</key>`, the value plain text or CDATA
 * (`<![CDATA[…]]>`, several sections allowed). Nothing else is read: no DOCTYPE or ENTITY
 * declarations (refused outright, so no entity expansion can happen), no attributes, no nested
 * elements, comments or processing instructions, only the five predefined entities and numeric
 * character references in plain text. A hand-written linear scanner, no regular expression that
 * could backtrack, and a size cap: a hostile body costs at most one pass over 32 KiB.
 */

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
