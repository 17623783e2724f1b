/**
 * Which Chromium the browser tests and the README screenshots drive: `CHROMIUM_PATH` when set,
 * else Debian's `/usr/bin/chromium` when present, else the one shipped inside the npm package
 * `@sparticuz/chromium` (unpacked to the temp dir on first use), so a fresh machine needs
 * nothing from apt. Chinese text does not depend on system fonts: the preview and the console
 * serve Noto Sans SC themselves.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChromiumChoice {
  executablePath: string;
  source: 'CHROMIUM_PATH' | 'debian' | '@sparticuz/chromium';
  /** Extra environment for the browser process (the npm build's own fontconfig). */
  env?: Record<string, string>;
}

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags for headless Chromium on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Set by the e2e project's global setup so every worker uses the browser it unpacked once. */
const RESOLVED_ENV = 'E2E_CHROMIUM_RESOLVED';

/**
 * The package is ESM-only and jest's module registry is CommonJS, so a plain node child unpacks
 * it and prints the path (the unpacked binary is reused from the temp dir afterwards).
 */
function unpackNpmChromium(): Promise<string> {
  const script =
    "import c from '@sparticuz/chromium';" +
    'process.stdout.write(JSON.stringify({ path: await c.executablePath() }));';
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: join(__dirname, '..', '..'), timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`@sparticuz/chromium could not unpack its browser: ${stderr.trim() || err.message}`));
        else resolve((JSON.parse(stdout) as { path: string }).path);
      },
    );
  });
}

export async function resolveChromium(): Promise<ChromiumChoice> {
  const cached = process.env[RESOLVED_ENV];
  if (cached) return JSON.parse(cached) as ChromiumChoice;
  let choice: ChromiumChoice;
  const explicit = process.env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
    choice = { executablePath: explicit, source: 'CHROMIUM_PATH' };
  } else if (existsSync(DEBIAN_CHROMIUM)) {
    choice = { executablePath: DEBIAN_CHROMIUM, source: 'debian' };
  } else {
    // Its fonts.conf names only the fonts it unpacked (Open Sans) next to the binary.
    const fonts = join(tmpdir(), 'fonts');
    choice = {
      executablePath: await unpackNpmChromium(),
      source: '@sparticuz/chromium',
      env: { FONTCONFIG_PATH: fonts },
    };
  }
  process.env[RESOLVED_ENV] = JSON.stringify(choice);
  return choice;
}
