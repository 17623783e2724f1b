/** Order numbers: also WeChat Pay's out_trade_no (≤ 32 of [0-9A-Za-z_-*], unique per merchant). */
import { randomBytes } from 'node:crypto';
import { businessDate } from '../../core/time';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `P20261204` + 16 random characters (80 bits): not guessable, sortable by day. */
export function newOrderId(now: Date): string {
  const rand = Array.from(randomBytes(16), (b) => ALPHABET[b % 32]).join('');
  return `P${businessDate(now).replace(/-/g, '')}${rand}`;
}

export const ORDER_ID_RE = /^P\d{8}[0-9A-Z]{16}$/;
