/**
 * The v2 papay client and its configuration: extraData the sandbox's signing mini program accepts
 * (and refuses when signed with another key), the contract and deduction calls, answers whose sign
 * does not verify treated as WeChat not answering, and notifications verified (sign, mch_id,
 * appid, plan_id) before they are read.
 */
import { papayConfigFromEnv } from '../../../server/config/papay';
import { silentLogger } from '../../../server/core/log';
import { NotificationRejected, WechatPayError } from '../../../server/core/wechatpay/errors';
import { createPapayClient } from '../../../server/core/wechatpay/papay-client';
import type { PapayConfig } from '../../../server/core/wechatpay/papay-config';
import { isV2XmlBody, parsePapayNotification } from '../../../server/core/wechatpay/papay-notification';
import { toV2Xml, withV2Sign } from '../../../server/core/wechatpay/v2';
import { eventually, sandbox, sandboxesForFile } from '../pay-sandbox/helpers';
import { xmlReceiver } from '../pay-sandbox/papay-helpers';

jest.setTimeout(20_000);
const start = sandboxesForFile();

async function setup() {
  const rx = await xmlReceiver();
  const pay = await start({ appid: 'wx-test-app' });
  const m = pay.merchant;
  const config: PapayConfig = {
    baseUrl: pay.url,
    mchid: m.mchid,
    appid: m.appid,
    apiV2Key: m.apiV2Key,
    planId: m.papayPlanId,
    notifyUrl: rx.url,
    timeoutMs: 3000,
    retries: 0,
  };
  return { pay, rx, config, client: createPapayClient(config, { log: silentLogger }) };
}

const rejected = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof NotificationRejected) return err.why;
    throw err;
  }
  return 'accepted';
};

test('sign, query, deduct, query, delete — and every notification verified and read', async () => {
  const { pay, rx, config, client } = await setup();
  try {
    const extra = client.signingExtraData(
      { contractCode: 'Cabc123', requestSerial: '1733300000000123456', displayAccount: '就诊卡尾号1234' },
      Date.now(),
    );
    const forged = { ...extra, sign: withV2Sign({ ...extra, sign: undefined }, 'X'.repeat(32)).sign! };
    const refused = await sandbox<{ return_msg: string }>(pay, 'POST', 'papay/sign', {
      extraData: forged,
      openid: 'o-a',
      accept: true,
    });
    expect(refused.json.return_msg).toBe('签名错误');
    const signed = await sandbox<{ contract_id: string }>(pay, 'POST', 'papay/sign', {
      extraData: extra,
      openid: 'o-a',
      accept: true,
    });
    const [add] = await rx.waitFor(1);
    const n = client.parseNotification(add!.raw);
    expect(n).toMatchObject({
      kind: 'contract',
      changeType: 'ADD',
      contract: { contractId: signed.json.contract_id, contractCode: 'Cabc123', openid: 'o-a', inForce: true },
    });
    expect(await client.queryContract('Cabc123')).toMatchObject({ inForce: true, contractId: signed.json.contract_id });
    expect(await client.queryContract('Cnope')).toBeNull();

    const deduct = () =>
      client.applyDeduction({
        contractId: signed.json.contract_id,
        outTradeNo: 'P2026120400000000000001',
        totalFen: 1250,
        body: '门诊缴费-西药处方',
      });
    await deduct();
    // The same out_trade_no again deducts once: accepted again while pending, ORDERPAID once it
    // succeeded (which on a slow machine may already be the case).
    await deduct().catch((err: unknown) => {
      if (!(err instanceof WechatPayError && err.code === 'ORDERPAID')) throw err;
    });
    const done = await eventually(
      () => client.queryDeduction('P2026120400000000000001'),
      (d) => d?.tradeState === 'SUCCESS',
    );
    expect(done).toMatchObject({
      totalFen: 1250,
      cashFen: 1250,
      contractId: signed.json.contract_id,
      paidAtMs: expect.any(Number),
    });
    const [, paid] = await rx.waitFor(2);
    expect(client.parseNotification(paid!.raw)).toMatchObject({
      kind: 'deduction',
      deduction: { tradeState: 'SUCCESS', outTradeNo: 'P2026120400000000000001' },
    });
    expect(await client.queryDeduction('P0000')).toBeNull();
    await expect(
      client.applyDeduction({
        contractId: signed.json.contract_id,
        outTradeNo: 'P2026120400000000000002',
        totalFen: 50_001,
        body: 'x',
      }),
    ).rejects.toMatchObject({ kind: 'rejected', code: 'RULELIMIT' });

    expect(await client.deleteContract(signed.json.contract_id, '患者解约')).toBe(true);
    expect(await client.deleteContract(signed.json.contract_id, '患者解约')).toBe(false);
    const [, , del] = await rx.waitFor(3);
    expect(client.parseNotification(del!.raw)).toMatchObject({
      changeType: 'DELETE',
      contract: { inForce: false, terminationMode: 3 },
    });

    // Tampered, another merchant, another appid, another template, not XML.
    const f = add!.fields;
    expect(rejected(() => client.parseNotification(add!.raw.replace('o-a', 'o-b')))).toBe('badSignature');
    const resigned = (over: Record<string, string>) =>
      toV2Xml(withV2Sign({ ...f, ...over, sign: undefined }, config.apiV2Key));
    expect(rejected(() => client.parseNotification(resigned({ mch_id: '1900000999' })))).toBe('mchid');
    expect(rejected(() => client.parseNotification(resigned({ appid: 'wx-other' })))).toBe('appid');
    expect(rejected(() => client.parseNotification(resigned({ plan_id: '1' })))).toBe('planId');
    expect(rejected(() => client.parseNotification('<xml><a>1</b></xml>'))).toBe('xml');
    expect(rejected(() => parsePapayNotification(config, resigned({})))).toBe('accepted');
    expect(isV2XmlBody('\uFEFF  <xml><a>1</a></xml>')).toBe(true);
    expect(isV2XmlBody('{"id":"x"}')).toBe(false);
  } finally {
    await rx.close();
  }
});

test('an answer whose sign does not verify is WeChat not answering (unavailable), never a refusal', async () => {
  const { config, rx } = await setup();
  await rx.close();
  const answer = toV2Xml(
    withV2Sign(
      { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'CONTRACT_NOT_EXIST', mch_id: config.mchid },
      'Y'.repeat(32),
    ),
  );
  const client = createPapayClient(config, {
    log: silentLogger,
    fetch: async () => ({ status: 200, headers: {}, body: answer }),
  });
  const err = await client.queryContract('C1').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WechatPayError);
  expect(err).toMatchObject({ kind: 'unavailable', code: 'BAD_SIGNATURE' });
});

test('config: both or neither of WXPAY_APIV2_KEY and WXPAY_PAPAY_PLAN_ID; never the APIv3 key', () => {
  const base = { WXPAY_MCHID: '1900000109', WXPAY_APPID: 'wx1', WXPAY_NOTIFY_URL: 'https://x.example/payNotify' };
  const key = 'A'.repeat(32);
  expect(papayConfigFromEnv(base)).toBeNull();
  expect(papayConfigFromEnv({ ...base, WXPAY_APIV2_KEY: key, WXPAY_PAPAY_PLAN_ID: '12345' })).toMatchObject({
    apiV2Key: key,
    planId: '12345',
  });
  expect(() => papayConfigFromEnv({ ...base, WXPAY_APIV2_KEY: key })).toThrow(/WXPAY_PAPAY_PLAN_ID/);
  expect(() => papayConfigFromEnv({ ...base, WXPAY_APIV2_KEY: 'short', WXPAY_PAPAY_PLAN_ID: '1' })).toThrow(
    /WXPAY_APIV2_KEY must be/,
  );
  expect(() =>
    papayConfigFromEnv({ ...base, WXPAY_APIV2_KEY: key, WXPAY_APIV3_KEY: key, WXPAY_PAPAY_PLAN_ID: '1' }),
  ).toThrow(/APIv3/);
  const msg = (() => {
    try {
      papayConfigFromEnv({ ...base, WXPAY_APIV2_KEY: 'secret-value', WXPAY_PAPAY_PLAN_ID: '1' });
    } catch (e) {
      return String(e);
    }
    return '';
  })();
  expect(msg).not.toContain('secret-value');
});
