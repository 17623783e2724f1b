/**
 * `npm start` → `tsx scripts/build.ts && tsx devstack/main.ts [--reset] [--port N] [--his-port N] [--pay-port N]`
 *
 * Runs the devstack in the foreground until SIGINT/SIGTERM. Function logs (JSON lines, no patient
 * data) go to stdout.
 */
import { relative, resolve } from 'node:path';
import { startDevstack, type DevstackOptions } from './stack';

function usage(): never {
  console.error(
    'usage: tsx devstack/main.ts [--reset] [--port N] [--his-port N] [--pay-port N] [--state-dir DIR] [--instances N] [--quiet]',
  );
  process.exit(2);
}

function parsePort(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${flag} needs a port number (0-65535)`);
    usage();
  }
  return n;
}

export function parseArgs(argv: string[]): DevstackOptions {
  const opts: DevstackOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--reset':
        opts.reset = true;
        break;
      case '--quiet':
        opts.quiet = true;
        break;
      case '--port':
        opts.port = parsePort(flag, value());
        break;
      case '--his-port':
        opts.hisPort = parsePort(flag, value());
        break;
      case '--pay-port':
        opts.payPort = parsePort(flag, value());
        break;
      case '--state-dir':
        opts.stateDir = value() ?? usage();
        break;
      case '--instances': {
        const v = value();
        const n = Number(v);
        if (v === undefined || !Number.isInteger(n) || n < 0 || n > 64) {
          console.error(`${flag} needs an integer 0..64 (instances per function on worker threads)`);
          usage();
        }
        opts.instances = n;
        break;
      }
      case '--help':
      case '-h':
        usage();
        break;
      default:
        console.error(`unknown argument: ${a}`);
        usage();
    }
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const stack = await startDevstack(opts);
  const state = relative(process.cwd(), stack.stateDir) || '.';
  const shownState = state.startsWith('..') ? stack.stateDir : state;
  const instances = stack.functions.summaries()[0]?.instances ?? 0;
  console.log(
    [
      '智慧医院 devstack is up',
      `  console   ${stack.url}/`,
      `  functions ${stack.url}/functions/<name>   (header X-WX-OPENID)`,
      `  outbox    ${stack.url}/outbox`,
      `  preview   ${stack.url}/preview`,
      `  HIS       ${stack.hisUrl}/`,
      `  pay       ${stack.payUrl}/   (WeChat Pay v3 sandbox; credentials in ${shownState}/pay/merchant.json)`,
      `  state     ${shownState}/ (npm start -- --reset to reseed)`,
      `  functions loaded: ${stack.functions.names().join(', ') || '(none)'}` +
        (instances > 0 ? ` (${instances} instances each, on worker threads)` : ''),
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      console.log(`devstack: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`devstack: ${signal}, shutting down…`);
    stack.stop().then(
      () => {
        console.log('devstack: stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error('devstack: shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

// Run when executed directly (tsx devstack/main.ts), not when imported.
if (process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  main().catch((err: unknown) => {
    const e = err as NodeJS.ErrnoException;
    if (e && e.code === 'EADDRINUSE') {
      console.error(
        `devstack: port in use (${e.message}). Is another devstack running? Try --port / --his-port / --pay-port.`,
      );
    } else {
      console.error('devstack failed to start:', err instanceof Error ? err.message : err);
    }
    process.exit(1);
  });
}
