/** The 医保 authorisation client against the pay sandbox's gateway: a code exchanges once. */
import { createMedInsAuthClient, medInsAuthConfigFromEnv } from '../../../server/adapters/medins/auth-client';
import { idDigest } from '../../../server/core/wechatpay/med-ins';
import { sandboxesForFile } from '../pay-sandbox/helpers';
import { issueAuthCode, OPENID, PATIENT } from '../pay-sandbox/med-ins-helpers';

const start = sandboxesForFile();

describe('医保 authorisation client', () => {
  it('no 医保 channel configured is null; a half-configured one refuses to start', () => {
    expect(medInsAuthConfigFromEnv({})).toBeNull();
    expect(() => medInsAuthConfigFromEnv({ MEDINS_APP_ID: 'x' })).toThrow(/MEDINS_AUTH_BASE_URL, MEDINS_APP_SECRET/);
  });

  it('exchanges an authCode once for a pay_auth_no of the insured person', async () => {
    const pay = await start({});
    const cfg = medInsAuthConfigFromEnv({
      MEDINS_AUTH_BASE_URL: pay.medIns.baseUrl,
      MEDINS_APP_ID: pay.medIns.appId,
      MEDINS_APP_SECRET: pay.medIns.appSecret,
    })!;
    const client = createMedInsAuthClient(cfg);
    const code = await issueAuthCode(pay);
    const auth = await client.exchange(code, OPENID);
    expect(auth.payAuthNo).toMatch(/^pan_/);
    expect(auth.idDigest).toBe(idDigest(PATIENT.idNumber));
    await expect(client.exchange(code, OPENID)).rejects.toMatchObject({ kind: 'rejected', code: 'AUTH_CODE_INVALID' });
    const wrongKey = createMedInsAuthClient({ ...cfg, appSecret: 'not-the-secret' });
    await expect(wrongKey.exchange(await issueAuthCode(pay), OPENID)).rejects.toMatchObject({ kind: 'rejected' });
  });
});
