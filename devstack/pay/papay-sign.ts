/**
 * The v2 signature (签名算法, sign_type MD5) of the withholding calls, notifications and the signing
 * mini program's extraData: the parameters other than `sign` whose value is not empty, sorted by
 * name (ASCII), joined as `k=v&k=v` with the values as they are (not URL-encoded), then
 * `&key=<APIv2 key>`; sign = upper-case hex MD5 of those UTF-8 bytes. The key is the merchant's
 * APIv2 key, never the APIv3 key.
 *
 *   appid=wx…&contract_code=122&…&timestamp=1414488825&key=<APIv2 key>  →  MD5 → 1A90…7D00
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
