/** e2e global setup: pick (and, for the npm build, unpack) the browser once, before any worker. */
import { resolveChromium } from './chromium';

export default async function globalSetup(): Promise<void> {
  const choice = await resolveChromium();
  console.log(`\ne2e browser: ${choice.executablePath} (${choice.source})`);
}
