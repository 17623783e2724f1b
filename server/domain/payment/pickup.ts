/**
 * 无卡取单 codes: 8 random digits from the CSPRNG (a guess has a 1 in 10⁸ chance; the kiosk API
 * rate-limits wrong codes), unique among active codes by the store's key.
 */
import { randomInt } from 'node:crypto';

export const PICKUP_CODE_RE = /^\d{8}$/;

export function newPickupCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/** `1234 5678`: easier to read out and type at a kiosk. */
export function spacedCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}
