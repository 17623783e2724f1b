/**
 * The devstack's kiosk credentials (`<stateDir>/kiosk.json`: kiosk id → HMAC secret), made with
 * the CSPRNG on first start and kept, so a kiosk simulator or a test can sign its requests as a
 * hospital's kiosk would (docs/kiosk-api.md). Set as KIOSK_KEYS for the `kiosk` function.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEVSTACK_KIOSK_IDS = ['KIOSK-01', 'KIOSK-02'] as const;

export function loadKioskKeys(stateDir: string): Record<string, string> {
  const file = join(stateDir, 'kiosk.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { kiosks?: Record<string, string> };
    if (parsed.kiosks && Object.keys(parsed.kiosks).length > 0) return parsed.kiosks;
  }
  const kiosks = Object.fromEntries(DEVSTACK_KIOSK_IDS.map((id) => [id, randomBytes(24).toString('base64url')]));
  writeFileSync(file, `${JSON.stringify({ kiosks }, null, 2)}\n`, { mode: 0o600 });
  return kiosks;
}
