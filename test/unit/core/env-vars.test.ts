/**
 * The catalogue of function environment variables (server/config/env-vars.ts) is complete: server
 * code reads the environment only through a `FunctionEnv` parameter (whose keys are the catalogue),
 * and imports the catalogue as a type, so a bundle holds exactly the names it reads — which is how
 * `npm run deploy` finds what each function needs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { envVarsOfBundle, envVarsReadBy, functionNames } from '../../../scripts/lib/bundles';

const root = join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return n.endsWith('.ts') ? [p] : [];
  });
}

const sources = [...tsFiles(join(root, 'server')), ...tsFiles(join(root, 'cloudfunctions'))].map((f) => ({
  file: relative(root, f),
  code: readFileSync(f, 'utf8'),
}));

test('server code reads process.env only as the default of a FunctionEnv parameter', () => {
  const offenders = sources.flatMap(({ file, code }) =>
    code
      .split('\n')
      .filter((line) => /process\.env/.test(line) && !/env: FunctionEnv = process\.env\)/.test(line))
      .map((line) => `${file}: ${line.trim()}`),
  );
  expect(offenders).toEqual([]);
});

test('the catalogue is imported as a type only (it never lands in a bundle)', () => {
  const valueImports = sources.filter(({ code }) =>
    /import\s+(?!type\b)[^;]*from\s+'[./]*config\/env-vars'/.test(code),
  );
  expect(valueImports.map((s) => s.file)).toEqual([]);
});

test('a bundle names exactly the variables it reads', () => {
  expect(envVarsReadBy('const k = env.PII_HASH_KEY; required("HIS_APP_ID")')).toEqual(['PII_HASH_KEY', 'HIS_APP_ID']);
  expect(envVarsReadBy('const MY_PII_HASH_KEY_COPY = 1')).toEqual([]);
  expect(functionNames()).toEqual(expect.arrayContaining(['booking', 'patient', 'site']));
  expect(envVarsOfBundle('site')).toEqual([]);
  expect(envVarsOfBundle('patient')).toEqual(
    expect.arrayContaining(['PII_HASH_KEY', 'HIS_BASE_URL', 'HIS_APP_ID', 'HIS_APP_SECRET']),
  );
  expect(envVarsOfBundle('patient')).not.toContain('TMPL_BOOKING_CONFIRMED');
  expect(envVarsOfBundle('booking')).toEqual(expect.arrayContaining(['PII_HASH_KEY', 'TMPL_BOOKING_CONFIRMED']));
});
