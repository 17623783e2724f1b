/**
 * `npm run deploy` (scripts/deploy.ts, scripts/lib/deploy-plan.ts): the dry run on the real
 * repository passes and lists every function; the check names each mismatch between
 * cloudbaserc.json, the functions' config.json, the bundles, database.json and the server code.
 * Each mismatch test breaks one thing in a copy of the real inputs.
 */
import { generateKeyPairSync } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ENV_VARS } from '../../server/config/env-vars';
import { functionNames } from '../../scripts/lib/bundles';
import { gatherInputs } from '../../scripts/lib/deploy-inputs';
import { type DeployInputs, planDeploy } from '../../scripts/lib/deploy-plan';
import type { DatabaseDecl, RcFunction } from '../../scripts/lib/deploy-schema';

const root = join(__dirname, '..', '..');

/** The test's own environment without any deploy variable, key or credential. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...Object.keys(ENV_VARS), 'MP_APPID', 'MP_PRIVATE_KEY_PATH']) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('TENCENTCLOUD_')) delete env[name];
  return env;
}

let dryRun: { code: number | null; stdout: string; stderr: string };
let real: DeployInputs;

beforeAll(async () => {
  // `npm test` builds first; rebuilding here could rewrite a bundle while another suite reads it.
  const argv = ['tsx', 'scripts/deploy.ts', '--dry-run', '--no-build'];
  dryRun = await new Promise((resolve) => {
    execFile('npx', argv, { cwd: root, env: cleanEnv() }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  real = await gatherInputs({ envId: null, env: cleanEnv() });
}, 120_000);

function copy(): DeployInputs {
  return structuredClone(real);
}
const rcOf = (i: DeployInputs) => i.rc as { functions: RcFunction[] };
const fnOf = (i: DeployInputs, name: string): RcFunction => {
  const fn = rcOf(i).functions.find((f) => f.name === name);
  if (!fn) throw new Error(`no ${name} in cloudbaserc.json`);
  return fn;
};
const problemsOf = (i: DeployInputs): string[] => planDeploy(i).problems;

describe('the dry run on this repository', () => {
  test('npx tsx scripts/deploy.ts --dry-run (--no-build) exits 0 and lists every function', () => {
    expect(dryRun.stderr).not.toMatch(/Error/);
    expect(dryRun.code).toBe(0);
    for (const fn of functionNames()) expect(dryRun.stdout).toMatch(new RegExp(`^  ${fn}: Nodejs`, 'm'));
    expect(dryRun.stdout).toContain('checks: no problems');
    expect(dryRun.stdout).toContain('dry run: nothing deployed');
  });

  test('every function folder is checked and the plan has no problem', () => {
    const plan = planDeploy(real);
    expect(plan.problems).toEqual([]);
    expect(plan.functions.map((f) => f.rc.name).sort()).toEqual(functionNames());
    expect(real.folders.every((f) => f.bundle?.load.ok)).toBe(true);
  });

  test('the server code uses collections, and database.json declares them all', () => {
    const declared = (real.database as DatabaseDecl).collections.map((c) => c.collectionName);
    expect(real.collections.unresolved).toEqual([]);
    expect([...real.collections.used.keys()].sort()).toEqual([...declared].sort());
    expect(declared).toEqual(expect.arrayContaining(['patient_cards', 'bookings', 'message_outbox', 'site_content']));
  });
});

describe('the check names each mismatch', () => {
  test('a function folder missing from cloudbaserc.json', () => {
    const i = copy();
    rcOf(i).functions = rcOf(i).functions.filter((f) => f.name !== 'patient');
    expect(problemsOf(i)).toContain('function patient: cloudfunctions/patient has no entry in cloudbaserc.json');
  });

  test('a function in cloudbaserc.json without a folder', () => {
    const i = copy();
    rcOf(i).functions.push({ ...fnOf(i, 'site'), name: 'ghost' });
    expect(problemsOf(i)).toContain(
      'function ghost: listed in cloudbaserc.json but cloudfunctions/ghost/index.ts does not exist',
    );
  });

  test('a trigger of config.json missing from cloudbaserc.json', () => {
    const i = copy();
    const booking = fnOf(i, 'booking');
    booking.triggers = booking.triggers.filter((t) => t.name !== 'reconcile');
    expect(problemsOf(i)).toContain(
      'function booking: trigger reconcile (0 * * * * * *) of config.json is missing from cloudbaserc.json',
    );
  });

  test('a trigger whose cron differs', () => {
    const i = copy();
    fnOf(i, 'booking').triggers.find((t) => t.name === 'syncSchedule')!.config = '0 */15 * * * * *';
    expect(problemsOf(i)).toContain(
      'function booking: trigger syncSchedule: "0 */15 * * * * *" in cloudbaserc.json but "0 */5 * * * * *" in config.json',
    );
  });

  test('a trigger only in cloudbaserc.json', () => {
    const i = copy();
    fnOf(i, 'patient').triggers.push({ name: 'nightly', type: 'timer', config: '0 0 3 * * * *' });
    expect(problemsOf(i)).toContain('function patient: trigger nightly of cloudbaserc.json is not in config.json');
  });

  test('an openapi permission missing', () => {
    const i = copy();
    fnOf(i, 'booking').permissions.openapi = [];
    expect(problemsOf(i)).toContain(
      'function booking: openapi permission subscribeMessage.send of config.json is missing from cloudbaserc.json',
    );
  });

  test('an environment variable a bundle reads that is not declared', () => {
    const i = copy();
    delete fnOf(i, 'patient').envVariables.HIS_APP_SECRET;
    expect(problemsOf(i)).toContain(
      'function patient: reads environment variable HIS_APP_SECRET, which cloudbaserc.json does not declare in envVariables',
    );
  });

  test('a variable with a value in the repository instead of {{env.NAME}}', () => {
    const i = copy();
    fnOf(i, 'patient').envVariables.HIS_BASE_URL = 'https://his.example.org';
    expect(problemsOf(i)).toContain(
      `function patient: envVariables.HIS_BASE_URL must be "{{env.HIS_BASE_URL}}": values come from the deployer's environment`,
    );
  });

  test('a declared variable the bundle does not read', () => {
    const i = copy();
    fnOf(i, 'site').envVariables.HIS_APP_ID = '{{env.HIS_APP_ID}}';
    expect(problemsOf(i)).toContain(
      'function site: envVariables.HIS_APP_ID is declared but the bundle does not read it',
    );
  });

  test('a collection the server uses that database.json does not declare', () => {
    const i = copy();
    const db = i.database as DatabaseDecl;
    db.collections = db.collections.filter((c) => c.collectionName !== 'booking_sync');
    expect(problemsOf(i)).toContainEqual(
      expect.stringMatching(
        /^collection booking_sync: used by the server \(server\/adapters\/clouddb\/booking-store\.ts:\d+.*\) but not declared in database\.json$/,
      ),
    );
  });

  test('a collection readable by clients', () => {
    const i = copy();
    (i.database as DatabaseDecl).collections.find((c) => c.collectionName === 'bookings')!.aclTag = 'READONLY';
    expect(problemsOf(i)).toContain(
      'collection bookings: aclTag READONLY, but every collection is 仅管理端可读写 (ADMINONLY)',
    );
  });

  test('a timeout that differs from config.json, and one too short for the HIS', () => {
    const i = copy();
    fnOf(i, 'booking').timeout = 30;
    fnOf(i, 'patient').timeout = 3;
    const problems = problemsOf(i);
    expect(problems).toContain('function booking: timeout 30 s in cloudbaserc.json but 20 s in config.json');
    expect(problems).toContain('function patient: timeout 3 s: it calls the HIS, which needs at least 20 s');
  });

  test('installDependency off, an old runtime, a dropped file, another root, an unknown key', () => {
    const i = copy();
    Object.assign(fnOf(i, 'site'), { installDependency: false, runtime: 'Nodejs12.16', ignore: ['index.js'] });
    Object.assign(rcOf(i), { functionRoot: './functions' });
    Object.assign(fnOf(i, 'patient'), { memmorySize: 512 });
    const problems = problemsOf(i);
    expect(problems).toContain('function site: installDependency must be true (CloudBase installs wx-server-sdk)');
    expect(problems).toContain('function site: runtime Nodejs12.16: needs Nodejs16 or later');
    expect(problems).toContain('function site: ignore drops index.js, which the deployed function needs');
    expect(problems).toContain(
      'cloudbaserc.json: functionRoot ./functions, but the functions are built in ./cloudfunctions',
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^cloudbaserc\.json functions\[\d\] \(patient\): .*memmorySize/),
    );
  });

  test('a bundle that does not load with the real SDK', () => {
    const i = copy();
    i.folders.find((f) => f.name === 'site')!.bundle!.load = { ok: false, error: 'Cannot find module x' };
    expect(problemsOf(i)).toContain(
      'function site: the bundle does not load with the real wx-server-sdk: Cannot find module x',
    );
  });
});

describe('variable values', () => {
  const withValues = (values: Record<string, string>): DeployInputs => {
    const i = copy();
    i.envId = 'prod-1a2b';
    i.env = {
      values: new Map(Object.entries(values).map(([k, value]) => [k, { value, origin: '.env.prod-1a2b' }])),
      file: { name: '.env.prod-1a2b', found: true },
    };
    return i;
  };
  // Test-only keys, generated here: a repository never holds a real one.
  const TEST_KEYS = (() => {
    const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wechatpay = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      merchantPrivateKey: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      wechatpayPublicKey: wechatpay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  })();
  const goodValues = {
    PII_HASH_KEY: 'k'.repeat(40),
    HIS_BASE_URL: 'https://his.example.org',
    HIS_APP_ID: 'app-1',
    HIS_APP_SECRET: 'very-secret-signing-key',
    TMPL_BOOKING_CONFIRMED: 'Bk7-confirmed-prod',
    TMPL_VISIT_REMINDER: 'Rm2-reminder-prod',
    TMPL_WAITLIST_SUCCESS: 'Wl5-waitlist-prod',
    TMPL_BOOKING_CANCELLED: 'Cx9-cancelled-prod',
    TMPL_PAYMENT_SUCCESS: 'Py1-paid-prod',
    TMPL_REFUND_NOTICE: 'Rf3-refund-prod',
    TMPL_CHARGES_READY: 'Cg4-charges-prod',
    WXPAY_MCHID: '1900000109',
    WXPAY_APPID: 'wx0123456789abcdef',
    WXPAY_MERCHANT_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    WXPAY_MERCHANT_PRIVATE_KEY: TEST_KEYS.merchantPrivateKey,
    WXPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092025',
    WXPAY_PUBLIC_KEY: TEST_KEYS.wechatpayPublicKey,
    WXPAY_APIV3_KEY: 'a'.repeat(32),
    WXPAY_NOTIFY_URL: 'https://prod-1a2b.service.tcloudbase.com/payNotify',
    KIOSK_KEYS: JSON.stringify({ 'KIOSK-01': 's'.repeat(40) }),
  };

  test('without --env they are only "to be supplied"; the template ids are required', () => {
    const plan = planDeploy(real);
    expect(plan.lines).toContain('      PII_HASH_KEY (required, secret): to be supplied');
    expect(plan.lines).toContain('      TMPL_BOOKING_CONFIRMED (required): to be supplied');
    expect(dryRun.stdout).toContain('TMPL_WAITLIST_SUCCESS (required): to be supplied');
  });

  test('with --env a missing required value is a problem', () => {
    const { PII_HASH_KEY: _omitted, ...rest } = goodValues;
    expect(problemsOf(withValues(rest))).toContain(
      'function patient: required environment variable PII_HASH_KEY has no value (environment or .env.prod-1a2b)',
    );
  });

  test("values are checked by the server's own config readers", () => {
    const problems = problemsOf(withValues({ ...goodValues, PII_HASH_KEY: 'short', HIS_RETRIES: 'many' }));
    expect(problems).toContain('function booking: PII_HASH_KEY must be at least 32 characters');
    expect(problems).toContain(
      'function patient: HIS client: environment variable HIS_RETRIES must be an integer in [0, 10]',
    );
  });

  test('complete values pass; secrets never appear in the plan, non-secret values do', () => {
    const plan = planDeploy(withValues(goodValues));
    expect(plan.problems).toEqual([]);
    const text = plan.lines.join('\n');
    expect(text).not.toContain(goodValues.PII_HASH_KEY);
    expect(text).not.toContain(goodValues.HIS_APP_SECRET);
    expect(text).toContain('HIS_APP_SECRET (required, secret): set (hidden) from .env.prod-1a2b');
    expect(text).toContain('HIS_BASE_URL (required): "https://his.example.org" from .env.prod-1a2b');
    expect(plan.functions.find((f) => f.rc.name === 'patient')!.envVariables.HIS_APP_SECRET).toBe(
      goodValues.HIS_APP_SECRET,
    );
  });

  test("a missing template id is a problem; ids are checked by the booking function's reader", () => {
    const { TMPL_VISIT_REMINDER: _omitted, ...rest } = goodValues;
    expect(problemsOf(withValues(rest))).toContain(
      'function booking: required environment variable TMPL_VISIT_REMINDER has no value (environment or .env.prod-1a2b)',
    );
    expect(problemsOf(withValues({ ...goodValues, TMPL_VISIT_REMINDER: '   ' }))).toContainEqual(
      expect.stringMatching(/^function booking: subscription template ids are not set: TMPL_VISIT_REMINDER/),
    );
  });

  test('template ids are shown in the plan (not secret) and set on the booking function only', () => {
    const plan = planDeploy(withValues(goodValues));
    expect(plan.lines).toContain('      TMPL_VISIT_REMINDER (required): "Rm2-reminder-prod" from .env.prod-1a2b');
    expect(plan.functions.find((f) => f.rc.name === 'booking')!.envVariables.TMPL_VISIT_REMINDER).toBe(
      'Rm2-reminder-prod',
    );
    expect(plan.functions.find((f) => f.rc.name === 'patient')!.envVariables).not.toHaveProperty('TMPL_VISIT_REMINDER');
  });
});
