/** The browser tests' choice of Chromium (test/e2e/chromium.ts): CHROMIUM_PATH wins, and must exist. */
import { resolveChromium } from '../../e2e/chromium';

const KEYS = ['CHROMIUM_PATH', 'E2E_CHROMIUM_RESOLVED'] as const;
const saved = KEYS.map((k) => [k, process.env[k]] as const);

beforeEach(() => {
  for (const k of KEYS) delete process.env[k];
});
afterAll(() => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

test('CHROMIUM_PATH is used when set', async () => {
  process.env.CHROMIUM_PATH = process.execPath; // any existing executable
  await expect(resolveChromium()).resolves.toEqual({ executablePath: process.execPath, source: 'CHROMIUM_PATH' });
});

test('a CHROMIUM_PATH that does not exist is an error, not a silent fallback', async () => {
  process.env.CHROMIUM_PATH = '/nonexistent/chromium';
  await expect(resolveChromium()).rejects.toThrow('CHROMIUM_PATH=/nonexistent/chromium does not exist');
});

test('the choice is made once and shared with the workers through the environment', async () => {
  process.env.CHROMIUM_PATH = process.execPath;
  await resolveChromium();
  process.env.CHROMIUM_PATH = '/nonexistent/chromium';
  await expect(resolveChromium()).resolves.toMatchObject({ source: 'CHROMIUM_PATH', executablePath: process.execPath });
});
