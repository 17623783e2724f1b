/**
 * Runs the HIS sandbox alone: `npx tsx devstack/his/main.ts [--reset]`.
 * Env: HIS_PORT (default 7301), HIS_DB_FILE (default .devstack/his.sqlite), HIS_SEED (default 20261127),
 * HIS_EVENTS_URL (where events go, e.g. http://127.0.0.1:7300/http/hisEvents; default none: they
 * wait, pending) and HIS_EVENT_TIME_SCALE (divides the events' retry schedule, default 100).
 * The devstack (`npm start`) normally starts it for you; this is for working on the sandbox itself.
 */
import { DEFAULT_SEED, DEVSTACK_HIS_APP_ID, DEVSTACK_HIS_APP_SECRET, startHisSandbox } from './index';

async function main(): Promise<void> {
  const his = await startHisSandbox({
    port: Number(process.env.HIS_PORT ?? 7301),
    dbFile: process.env.HIS_DB_FILE ?? '.devstack/his.sqlite',
    appId: DEVSTACK_HIS_APP_ID,
    appSecret: DEVSTACK_HIS_APP_SECRET,
    seed: process.env.HIS_SEED ? Number(process.env.HIS_SEED) : DEFAULT_SEED,
    reset: process.argv.includes('--reset'),
    ...(process.env.HIS_EVENTS_URL ? { eventsUrl: process.env.HIS_EVENTS_URL } : {}),
    ...(process.env.HIS_EVENT_TIME_SCALE ? { eventTimeScale: Number(process.env.HIS_EVENT_TIME_SCALE) } : {}),
  });
  console.log(`HIS sandbox listening on ${his.url} (app id ${DEVSTACK_HIS_APP_ID}; try ${his.url}/sandbox/summary)`);
  const stop = (): void => {
    his.close().then(
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
