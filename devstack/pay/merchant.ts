/**
 * The sandbox's merchant account: generated on first start (RSA 2048 by node:crypto) and kept in
 * `<stateDir>/pay/`, so restarts and the functions keep using the same keys.
 *
 * - `merchant.json` — what a merchant holds (and what the functions are configured with): mchid,
 *   appid, the merchant key pair and certificate serial, the WeChat Pay public key and its
 *   `PUB_KEY_ID_…`, the platform certificate of the older mode, the APIv3 key, the base URL, and
 *   for the v2 withholding (papay) calls the APIv2 key and the withholding template's plan_id
 *   (added once to a merchant.json made before they existed).
 * - `wechatpay-private.json` — WeChat Pay's side, which no merchant ever has: the private keys
 *   the sandbox signs answers and notifications with.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomInt, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newNonce } from '../../server/core/wechatpay/crypto';
import { newCertSerial, newPublicKeyId } from './ids';
import { selfSignedCertificate } from './x509';

export interface MerchantFile {
  mchid: string;
  appid: string;
  /** Serial of the merchant API certificate: `serial_no` of every request's Authorization. */
  merchantSerialNo: string;
  merchantPrivateKey: string;
  /** What the sandbox verifies requests with. */
  merchantPublicKey: string;
  wechatpayPublicKeyId: string;
  wechatpayPublicKey: string;
  /** The platform-certificate mode (`signWith: 'platformCert' | 'both'`). */
  platformCertificateSerial: string;
  platformCertificate: string;
  apiV3Key: string;
  baseUrl: string;
  /** The APIv2 key (32 characters, never the APIv3 key): MD5 `sign` of the v2 withholding calls. */
  apiV2Key: string;
  /** The merchant's withholding template (委托代扣模板): plan_id of signing and of the contract calls. */
  papayPlanId: string;
}

type StoredMerchantFile = Omit<MerchantFile, 'apiV2Key' | 'papayPlanId'> & Partial<MerchantFile>;

/** The v2 credentials a merchant.json lacks, made once (a plan_id is digits, as WeChat's are). */
function withV2Credentials(m: StoredMerchantFile): MerchantFile {
  let apiV2Key = m.apiV2Key;
  while (typeof apiV2Key !== 'string' || apiV2Key.length !== 32 || apiV2Key === m.apiV3Key) apiV2Key = newNonce();
  const papayPlanId =
    typeof m.papayPlanId === 'string' && /^\d{1,16}$/.test(m.papayPlanId)
      ? m.papayPlanId
      : String(randomInt(10_000, 1_000_000));
  return { ...m, apiV2Key, papayPlanId };
}

interface WechatpaySecretsFile {
  wechatpayPrivateKey: string;
  platformPrivateKey: string;
}

export interface Credentials {
  merchant: MerchantFile;
  merchantPublicKey: KeyObject;
  wechatpayPrivateKey: KeyObject;
  platformPrivateKey: KeyObject;
}

export const SANDBOX_MCHID = '1900000109';
const MERCHANT_FILE = 'merchant.json';
const SECRETS_FILE = 'wechatpay-private.json';

const generate = promisify(generateKeyPair);

async function rsaPair(): Promise<{ privatePem: string; publicPem: string }> {
  const { privateKey, publicKey } = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

async function freshCredentials(appid: string, baseUrl: string): Promise<[MerchantFile, WechatpaySecretsFile]> {
  const [merchantPair, wechatpayPair, platformPair] = await Promise.all([rsaPair(), rsaPair(), rsaPair()]);
  const platformSerial = newCertSerial();
  const now = Date.now();
  const platformCertificate = selfSignedCertificate({
    serialHex: platformSerial,
    publicKey: createPublicKey(platformPair.publicPem),
    privateKey: createPrivateKey(platformPair.privatePem),
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 5 * 365 * 86_400_000),
    subjectCn: 'Tenpay.com sign',
  });
  const merchant = withV2Credentials({
    mchid: SANDBOX_MCHID,
    appid,
    merchantSerialNo: newCertSerial(),
    merchantPrivateKey: merchantPair.privatePem,
    merchantPublicKey: merchantPair.publicPem,
    wechatpayPublicKeyId: newPublicKeyId(SANDBOX_MCHID),
    wechatpayPublicKey: wechatpayPair.publicPem,
    platformCertificateSerial: platformSerial,
    platformCertificate,
    apiV3Key: newNonce(),
    baseUrl,
  });
  return [merchant, { wechatpayPrivateKey: wechatpayPair.privatePem, platformPrivateKey: platformPair.privatePem }];
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new Error(
      `pay sandbox: ${file} is unreadable (${err instanceof Error ? err.message : err}); delete it to get new credentials`,
    );
  }
}

function toCredentials(merchant: MerchantFile, secrets: WechatpaySecretsFile): Credentials {
  return {
    merchant,
    merchantPublicKey: createPublicKey(merchant.merchantPublicKey),
    wechatpayPrivateKey: createPrivateKey(secrets.wechatpayPrivateKey),
    platformPrivateKey: createPrivateKey(secrets.platformPrivateKey),
  };
}

/**
 * The credentials of `dir` (made when missing), with `appid` and `baseUrl` of this start written
 * back. Without `dir` they are made in memory for this start only (tests).
 */
export async function loadCredentials(opts: { dir?: string; appid: string; baseUrl: string }): Promise<Credentials> {
  if (!opts.dir) return toCredentials(...(await freshCredentials(opts.appid, opts.baseUrl)));
  const merchantFile = join(opts.dir, MERCHANT_FILE);
  const secretsFile = join(opts.dir, SECRETS_FILE);
  let merchant: MerchantFile;
  let secrets: WechatpaySecretsFile;
  if (existsSync(merchantFile) && existsSync(secretsFile)) {
    merchant = withV2Credentials({
      ...readJson<StoredMerchantFile>(merchantFile),
      appid: opts.appid,
      baseUrl: opts.baseUrl,
    });
    secrets = readJson<WechatpaySecretsFile>(secretsFile);
  } else {
    // Half a pair is useless (answers could not be signed with the key the merchant holds).
    [merchant, secrets] = await freshCredentials(opts.appid, opts.baseUrl);
    mkdirSync(opts.dir, { recursive: true });
    writeFileSync(secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  let credentials: Credentials;
  try {
    credentials = toCredentials(merchant, secrets);
  } catch (err) {
    throw new Error(`pay sandbox: the keys in ${opts.dir} do not load (${err instanceof Error ? err.message : err})`);
  }
  writeFileSync(merchantFile, `${JSON.stringify(merchant, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

/** The WeChat Pay keys a client verifies with, by serial (what the functions' config builds). */
export function wechatpayVerifyKeys(merchant: MerchantFile): Map<string, KeyObject> {
  return new Map([
    [merchant.wechatpayPublicKeyId, createPublicKey(merchant.wechatpayPublicKey)],
    [merchant.platformCertificateSerial, createPublicKey(merchant.platformCertificate)],
  ]);
}
