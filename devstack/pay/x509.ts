/**
 * A minimal self-signed X.509 v3 certificate (DER by hand): node:crypto can read certificates
 * but not make them, and the platform-certificate mode needs one — `GET /v3/certificates` hands
 * it out and clients load it as the key of its serial, as they do with WeChat's.
 */
import { createSign, type KeyObject } from 'node:crypto';

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'ascii'));

function integer(bytes: Buffer): Buffer {
  // A leading 1 bit would make the INTEGER negative: DER then wants a 0x00 in front.
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after, as RFC 5280 asks. */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

function name(parts: { C: string; O: string; CN: string }): Buffer {
  const rdn = (type: string, value: Buffer): Buffer => set(seq(oid(type), value));
  return seq(rdn('2.5.4.6', printable(parts.C)), rdn('2.5.4.10', utf8(parts.O)), rdn('2.5.4.3', utf8(parts.CN)));
}

const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

export interface CertificateInput {
  /** Hex, e.g. 40 digits as WeChat's serials. */
  serialHex: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  subjectCn: string;
}

/** PEM of a certificate for `publicKey`, signed with `privateKey` (issuer = subject). */
export function selfSignedCertificate(input: CertificateInput): string {
  const subject = name({ C: 'CN', O: '财付通支付科技有限公司（pay sandbox）', CN: input.subjectCn });
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(Buffer.from(input.serialHex, 'hex')),
    SHA256_WITH_RSA,
    subject,
    seq(time(input.notBefore), time(input.notAfter)),
    subject,
    input.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = createSign('SHA256').update(tbs).sign(input.privateKey);
  const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
