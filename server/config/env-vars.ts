/**
 * Every environment variable a cloud function reads, in one place. Readers take a `FunctionEnv`
 * (so reading a name not listed here does not compile) and import this module as a type only,
 * so a bundle holds only the names it reads: `npm run deploy` finds them in each bundle and
 * refuses a function whose variables `cloudbaserc.json` does not declare.
 */
export interface EnvVarSpec {
  /** Missing → the function refuses to start handling calls. */
  required: boolean;
  /** Never printed, never in the repository: from the deployer's environment or `.env.<envId>`. */
  secret: boolean;
  description: string;
}

export const ENV_VARS = {
  PII_HASH_KEY: {
    required: true,
    secret: true,
    description: 'HMAC key (≥ 32 characters) for stored hashes and ids; the same in every function, never rotated',
  },
  HIS_BASE_URL: { required: true, secret: false, description: "the hospital's HIS gateway, https://…" },
  HIS_APP_ID: { required: true, secret: false, description: 'app id issued by the hospital IT department' },
  HIS_APP_SECRET: { required: true, secret: true, description: 'signing secret for the HIS gateway' },
  HIS_TIMEOUT_MS: { required: false, secret: false, description: 'per-attempt HIS timeout in ms (default 3000)' },
  HIS_RETRIES: { required: false, secret: false, description: 'extra attempts of idempotent HIS calls (default 2)' },
  TMPL_BOOKING_CONFIRMED: { required: true, secret: false, description: 'subscription template id: 预约成功通知' },
  TMPL_VISIT_REMINDER: { required: true, secret: false, description: 'subscription template id: 就诊提醒' },
  TMPL_WAITLIST_SUCCESS: { required: true, secret: false, description: 'subscription template id: 候补成功通知' },
  TMPL_BOOKING_CANCELLED: { required: true, secret: false, description: 'subscription template id: 预约取消通知' },
} as const satisfies Record<string, EnvVarSpec>;

export type EnvVarName = keyof typeof ENV_VARS;

/** What a reader may look at: the process environment fits, and only catalogued names type-check. */
export type FunctionEnv = Readonly<Partial<Record<EnvVarName, string>>>;
