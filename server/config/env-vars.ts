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
  WXPAY_BASE_URL: {
    required: false,
    secret: false,
    description: 'WeChat Pay API v3 base URL (default https://api.mch.weixin.qq.com; the pay sandbox locally)',
  },
  WXPAY_MCHID: { required: true, secret: false, description: 'WeChat Pay merchant id (商户号)' },
  WXPAY_APPID: { required: true, secret: false, description: "the mini program's appid the orders are placed for" },
  WXPAY_MERCHANT_SERIAL: { required: true, secret: false, description: 'serial of the merchant API certificate' },
  WXPAY_MERCHANT_PRIVATE_KEY: {
    required: true,
    secret: true,
    description: 'merchant API private key (PEM; newlines may be written as \\n)',
  },
  WXPAY_PUBLIC_KEY_ID: {
    required: false,
    secret: false,
    description:
      'id of the WeChat Pay public key (PUB_KEY_ID_…); set it or WXPAY_PLATFORM_CERTS, or both during a switch',
  },
  WXPAY_PUBLIC_KEY: { required: false, secret: false, description: 'the WeChat Pay public key (PEM)' },
  WXPAY_PLATFORM_CERTS: {
    required: false,
    secret: false,
    description: 'older merchants: JSON object of platform certificate serial → certificate PEM',
  },
  WXPAY_APIV3_KEY: { required: true, secret: true, description: 'the 32-byte APIv3 key (notification decryption)' },
  WXPAY_NOTIFY_URL: {
    required: true,
    secret: false,
    description: 'https URL of the HTTP access route /payNotify (WeChat Pay notifications)',
  },
  WXPAY_APIV2_KEY: {
    required: false,
    secret: true,
    description:
      'withholding (委托代扣): the APIv2 key (32 characters, MD5 sign of the v2 papay calls); unset with WXPAY_PAPAY_PLAN_ID: no withholding',
  },
  WXPAY_PAPAY_PLAN_ID: {
    required: false,
    secret: false,
    description: "withholding (委托代扣): plan_id of the merchant's withholding template",
  },
  TMPL_PAYMENT_SUCCESS: { required: true, secret: false, description: 'subscription template id: 缴费成功通知' },
  TMPL_REFUND_NOTICE: { required: true, secret: false, description: 'subscription template id: 退款通知' },
  TMPL_CHARGES_READY: { required: true, secret: false, description: 'subscription template id: 待缴费提醒' },
  MEDINS_AUTH_BASE_URL: {
    required: false,
    secret: false,
    description: 'the 医保 authorisation gateway (authCode → pay_auth_no); unset: no 医保 payment',
  },
  MEDINS_APP_ID: { required: false, secret: false, description: "the hospital's app id at the 医保 gateway" },
  MEDINS_APP_SECRET: { required: false, secret: true, description: 'HMAC secret for the 医保 gateway' },
  MEDINS_ORG_CODE: {
    required: false,
    secret: false,
    description: '医保定点医疗机构编码 (WeChat med_inst_no); required with MEDINS_AUTH_BASE_URL',
  },
  MEDINS_ORG_NAME: { required: false, secret: false, description: "the hospital's name as 医保 knows it" },
  MEDINS_GEO_LOCATION: { required: false, secret: false, description: '"lng,lat" of the hospital (geo_location)' },
  KIOSK_KEYS: {
    required: true,
    secret: true,
    description: 'kiosk credentials: JSON object of kiosk id → HMAC secret (≥ 32 characters each)',
  },
} as const satisfies Record<string, EnvVarSpec>;

export type EnvVarName = keyof typeof ENV_VARS;

/** What a reader may look at: the process environment fits, and only catalogued names type-check. */
export type FunctionEnv = Readonly<Partial<Record<EnvVarName, string>>>;
