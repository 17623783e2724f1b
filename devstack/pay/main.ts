/**
 * Runs the pay sandbox alone: `npx tsx devstack/pay/main.ts [--reset]` — for pointing a WeChat Pay
 * SDK or tool at it without the devstack (`npm start` normally starts it for you).
 * Env: PAY_PORT (default 7302), PAY_STATE_DIR (default .devstack: credentials and orders under
 * its pay/), PAY_NOTIFY_URL (where refunds without notify_url are notified), PAY_TIME_SCALE.
 */
import { DEFAULT_PAY_PORT, startPaySandbox } from './index';

async function main(): Promise<void> {
  const pay = await startPaySandbox({
    port: Number(process.env.PAY_PORT ?? DEFAULT_PAY_PORT),
    stateDir: process.env.PAY_STATE_DIR ?? '.devstack',
    notifyUrl: process.env.PAY_NOTIFY_URL,
    timeScale: process.env.PAY_TIME_SCALE ? Number(process.env.PAY_TIME_SCALE) : undefined,
    reset: process.argv.includes('--reset'),
  });
  console.log(
    `pay sandbox listening on ${pay.url} (mchid ${pay.merchant.mchid}; credentials: ${pay.url}/sandbox/merchant)`,
  );
  const stop = (): void => {
    pay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
