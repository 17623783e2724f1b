/**
 * Values of the functions' environment variables at deploy time. They never live in the
 * repository: each comes from the deployer's environment, else from the git-ignored
 * `.env.<envId>` (the file the CloudBase CLI loads with `--mode <envId>`). Reports name the
 * variables and where a value came from; a secret's value is never printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_VARS, type EnvVarName, type FunctionEnv } from '../../server/config/env-vars';
import { hisConfigFromEnv } from '../../server/config/his';
import { kioskKeysFromEnv } from '../../server/config/kiosk';
import { piiHashKeyFromEnv } from '../../server/config/pii';
import {
  BOOKING_TEMPLATE_ENV,
  bookingTemplatesFromEnv,
  chargesReadyTemplateFromEnv,
  PAYMENT_TEMPLATE_ENV,
  paymentTemplatesFromEnv,
} from '../../server/config/templates';
import { wechatPayConfigFromEnv } from '../../server/config/wechatpay';
import { papayConfigFromEnv } from '../../server/config/papay';

export interface EnvValue {
  value: string;
  /** `environment` or the file name, e.g. `.env.prod-1a2b` */
  origin: string;
}
export type EnvValues = ReadonlyMap<string, EnvValue>;

export interface EnvSource {
  values: EnvValues;
  /** `.env.<envId>` when an env id was given, with whether it exists */
  file: { name: string; found: boolean } | null;
}

/** Simple KEY=VALUE lines: `#` comments, blank lines, optional `export `, optional quotes. */
export function parseDotEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const quoted = /^(['"])(.*)\1$/.exec(m[2]!);
    out.set(m[1]!, quoted ? quoted[2]! : m[2]!);
  }
  return out;
}

export function envFileName(envId: string): string {
  return `.env.${envId}`;
}

/** Looks `names` up in `env` (empty counts as unset), then in `.env.<envId>` under `repoRoot`. */
export function loadEnvValues(
  names: readonly string[],
  opts: { env: NodeJS.ProcessEnv; envId: string | null; repoRoot: string },
): EnvSource {
  const name = opts.envId ? envFileName(opts.envId) : null;
  const path = name ? join(opts.repoRoot, name) : null;
  const found = path !== null && existsSync(path);
  const fromFile = found ? parseDotEnv(readFileSync(path, 'utf8')) : new Map<string, string>();
  const values = new Map<string, EnvValue>();
  for (const n of names) {
    const own = opts.env[n];
    if (own) values.set(n, { value: own, origin: 'environment' });
    else if (fromFile.get(n)) values.set(n, { value: fromFile.get(n)!, origin: name! });
  }
  return { values, file: name ? { name, found } : null };
}

function isCatalogued(name: string): name is EnvVarName {
  return Object.prototype.hasOwnProperty.call(ENV_VARS, name);
}

/** One line per variable: name, kind, and its value (non-secret only) or that it is missing. */
export function describeVar(name: string, values: EnvValues, envIdGiven: boolean): string {
  const spec = isCatalogued(name) ? ENV_VARS[name] : null;
  const kind = [spec?.required ? 'required' : 'optional', ...(spec?.secret ? ['secret'] : [])].join(', ');
  const v = values.get(name);
  if (!v) {
    const missing = spec?.required ? 'MISSING' : "not supplied (the function's default applies)";
    return `${name} (${kind}): ${envIdGiven ? missing : 'to be supplied'}`;
  }
  const shown = spec?.secret ? 'set (hidden)' : JSON.stringify(v.value);
  return `${name} (${kind}): ${shown} from ${v.origin}`;
}

/** Required variables a function reads that have no value. */
export function missingRequired(reads: readonly EnvVarName[], values: EnvValues): EnvVarName[] {
  return reads.filter((n) => ENV_VARS[n].required && !values.has(n));
}

/**
 * The values a function will get, checked by the server's own config readers (the same checks
 * the function makes when it starts), so a short PII_HASH_KEY, a non-URL HIS_BASE_URL or a blank
 * template id fails the deploy instead of the first call. Messages name variables, never values.
 */
const READERS: { needs: EnvVarName[]; read: (env: FunctionEnv) => unknown }[] = [
  { needs: ['PII_HASH_KEY'], read: piiHashKeyFromEnv },
  { needs: ['HIS_BASE_URL', 'HIS_APP_ID', 'HIS_APP_SECRET'], read: hisConfigFromEnv },
  { needs: Object.values(BOOKING_TEMPLATE_ENV), read: bookingTemplatesFromEnv },
  { needs: Object.values(PAYMENT_TEMPLATE_ENV), read: paymentTemplatesFromEnv },
  {
    needs: ['WXPAY_MCHID', 'WXPAY_APPID', 'WXPAY_MERCHANT_SERIAL', 'WXPAY_MERCHANT_PRIVATE_KEY', 'WXPAY_APIV3_KEY'],
    read: wechatPayConfigFromEnv,
  },
  {
    needs: ['WXPAY_APIV2_KEY', 'WXPAY_PAPAY_PLAN_ID', 'WXPAY_MCHID', 'WXPAY_APPID', 'WXPAY_NOTIFY_URL'],
    read: papayConfigFromEnv,
  },
  { needs: ['KIOSK_KEYS'], read: kioskKeysFromEnv },
  { needs: ['TMPL_CHARGES_READY'], read: chargesReadyTemplateFromEnv },
];

export function invalidValues(reads: readonly EnvVarName[], values: EnvValues): string[] {
  const env: Partial<Record<EnvVarName, string>> = {};
  for (const n of reads) {
    const v = values.get(n);
    if (v) env[n] = v.value;
  }
  const problems: string[] = [];
  for (const r of READERS) {
    if (!r.needs.every((n) => reads.includes(n) && env[n] !== undefined)) continue;
    try {
      r.read(env);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  return problems;
}

/** The values to set on a function: the declared variables that have a value. Never printed. */
export function valuesFor(declared: readonly string[], values: EnvValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of declared) {
    const v = values.get(n);
    if (v) out[n] = v.value;
  }
  return out;
}
