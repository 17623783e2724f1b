/**
 * The HTTP access service (HTTP 访问服务) paths of the functions that answer outside callers:
 * WeChat Pay's notifications, the hospital's kiosks and the HIS's events. cloudbaserc.json has no place for them, so
 * they are declared here, planned with the functions and created by `npm run deploy`
 * (manager-node access.createAccess). WXPAY_NOTIFY_URL must be `https://<env domain>/payNotify`.
 */
import type CloudBase from '@cloudbase/manager-node';

export const HTTP_ACCESS: Readonly<Record<string, string>> = Object.freeze({
  payNotify: '/payNotify',
  kiosk: '/kiosk',
  hisEvents: '/hisEvents',
});

/** Plan lines and problems: every declared path's function must be deployed. */
export function planHttpAccess(functionNames: readonly string[]): { lines: string[]; problems: string[] } {
  const lines = ['HTTP access service:'];
  const problems: string[] = [];
  for (const [name, path] of Object.entries(HTTP_ACCESS)) {
    if (!functionNames.includes(name)) problems.push(`HTTP access ${path}: function ${name} is not deployed`);
    lines.push(`  ${path} → function ${name} (no auth: the function verifies its callers' signatures)`);
  }
  return { lines, problems };
}

/** Creates the missing paths; an existing path pointing at another function is left for the deployer. */
export async function applyHttpAccess(app: CloudBase, log: (line: string) => void): Promise<string[]> {
  const existing = (await app.access.getAccessList()).APISet ?? [];
  const steps: string[] = [];
  for (const [name, path] of Object.entries(HTTP_ACCESS)) {
    const there = existing.find((a) => a.Path === path);
    if (there && there.Name !== name) {
      steps.push(`HTTP access ${path} points at ${there.Name}, not ${name}: change it in the console`);
      continue;
    }
    if (!there) await app.access.createAccess({ name, path });
    log(`HTTP access ${path} → ${name}: ${there ? 'exists' : 'created'}`);
  }
  return steps;
}
