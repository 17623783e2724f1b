/**
 * The v2 MD5 signature and the flat XML of the withholding APIs: a vector computed here by hand
 * from the documented algorithm (sorted `k=v&…&key=`, values unencoded, empty values and `sign`
 * left out, upper-case MD5), two published vectors (WeChat's example key, as used by the gochat
 * SDK's tests), a flipped character refused by the sandbox; the XML parser's refusals (DOCTYPE,
 * ENTITY, nesting, attributes, size) and the serialiser's CDATA; the v2 call layer's
 * return_code FAIL answers; merchant.json's v2 credentials, added once to an older file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaySandbox } from '../../../devstack/pay';
import { v2Sign, v2SignString, verifyV2Sign, withV2Sign } from '../../../devstack/pay/papay-sign';
import { MAX_XML_BYTES, parseV2Xml, toV2Xml, XmlError } from '../../../devstack/pay/papay-xml';
import { sandboxesForFile } from './helpers';
import { extraData, OPENID, signRoute, v2, v2Raw } from './papay-helpers';

jest.setTimeout(30_000);

const start = sandboxesForFile();
/** WeChat's documentation example key (public, in every SDK's tests). */
const DOC_KEY = '192006250b4c09247ec02edce69f6a2d';
const flip = (s: string, i = 5): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

describe('the MD5 sign', () => {
  test('a vector by hand: sorted k=v, values unencoded, empty values and sign skipped, &key= last', () => {
    const fields = {
      notify_url: 'https://example.com/papay/notify?a=1&b=2',
      appid: 'wxd678efh567hg6787',
      mch_id: '1230000109',
      contract_display_account: '张三',
      empty: '',
      sign: 'WHATEVER',
      request_serial: 1000,
    };
    const text =
      'appid=wxd678efh567hg6787&contract_display_account=张三&mch_id=1230000109' +
      '&notify_url=https://example.com/papay/notify?a=1&b=2&request_serial=1000&key=' +
      DOC_KEY;
    expect(v2SignString(fields, DOC_KEY)).toBe(text);
    const byHand = createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
    expect(byHand).toMatch(/^[0-9A-F]{32}$/);
    expect(v2Sign(fields, DOC_KEY)).toBe(byHand);
    expect(verifyV2Sign({ ...fields, sign: byHand }, DOC_KEY)).toBe(true);
    expect(verifyV2Sign({ ...fields, sign: byHand.toLowerCase() }, DOC_KEY)).toBe(false);
    expect(verifyV2Sign({ ...fields, sign: flip(byHand) }, DOC_KEY)).toBe(false);
    expect(verifyV2Sign({ ...fields, mch_id: '1230000108', sign: byHand }, DOC_KEY)).toBe(false);
  });

  test('published vectors: the signing extraData and a pappayapply (WeChat example key)', () => {
    const extra = {
      appid: 'wx2421b1c4370ec43b',
      mch_id: '10000100',
      plan_id: '106',
      contract_code: '122',
      request_serial: '123',
      contract_display_account: '张三',
      notify_url: 'https://www.qq.com/test/papay',
      timestamp: '1414488825',
    };
    expect(v2Sign(extra, DOC_KEY)).toBe('1A90937A8F2FF340B42A4ADB806B7D00');
    const apply = {
      appid: 'wx2421b1c4370ec43b',
      mch_id: '10000100',
      out_trade_no: '217752501201407033233368018',
      body: '水电代扣',
      total_fee: '888',
      fee_type: 'CNY',
      spbill_create_ip: '8.8.8.8',
      notify_url: 'http://yoursite.com/wxpay.html',
      trade_type: 'PAP',
      contract_id: 'Wx15463511252015071056489715',
      nonce_str: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    };
    expect(withV2Sign(apply, DOC_KEY).sign).toBe('94AD0747C8E32D815623D89A051F7DE8');
  });

  test('the sandbox refuses a flipped character, the APIv3 key, and a changed field', async () => {
    const pay = await start();
    const good = extraData(pay, 'http://127.0.0.1:9/papay');
    for (const extra of [
      { ...good, sign: flip(good.sign!) },
      { ...good, sign: v2Sign(good, pay.merchant.apiV3Key) },
      { ...good, contract_display_account: '李四' },
    ]) {
      const r = await signRoute(pay, { extraData: extra, openid: OPENID, accept: true });
      expect(r.json).toEqual({ return_code: 'FAIL', return_msg: '签名错误' });
    }
    const q = { contract_id: '1', version: '1.0' };
    const wrongKey = await v2(pay, '/papay/querycontract', q, pay.merchant.apiV3Key);
    expect(wrongKey.fields).toEqual({ return_code: 'FAIL', return_msg: '签名错误' });
    const signed = withV2Sign({ appid: pay.merchant.appid, mch_id: pay.merchant.mchid, ...q }, pay.merchant.apiV2Key);
    const flipped = await v2Raw(pay, '/papay/querycontract', toV2Xml({ ...signed, sign: flip(signed.sign!) }));
    expect(flipped.fields.return_msg).toBe('签名错误');
    const ok = await v2Raw(pay, '/papay/querycontract', toV2Xml(signed));
    expect(ok.fields).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'CONTRACT_NOT_EXIST' });
    expect(ok.signed).toBe(true);
  });
});

describe('the flat XML', () => {
  test('CDATA and plain values, entities, a declaration; round trip with ]]> inside a value', () => {
    const text =
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <a><![CDATA[x<y&z]]></a>\n  <b>1 &lt; 2 &amp; &#x4E2D;&#25991;</b>' +
      '<c></c><d><![CDATA[p]]><![CDATA[q]]></d>\n</xml>\n';
    expect(parseV2Xml(text)).toEqual({ a: 'x<y&z', b: '1 < 2 & 中文', c: '', d: 'pq' });
    const fields = { k: 'one ]]> two', n: 5, skip: undefined };
    const xml = toV2Xml(fields);
    expect(xml).toBe('<xml><k><![CDATA[one ]]]]><![CDATA[> two]]></k><n><![CDATA[5]]></n></xml>');
    expect(parseV2Xml(xml)).toEqual({ k: 'one ]]> two', n: '5' });
  });

  test('refused: DOCTYPE, ENTITY, nesting, attributes, comments, duplicates, bad entities, trailing content, size', () => {
    const bad = [
      '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><a>&x;</a></xml>',
      '<xml><!ENTITY x "y"><a>1</a></xml>',
      '<xml><a><b>1</b></a></xml>',
      '<xml id="1"><a>1</a></xml>',
      '<xml><a x="1">1</a></xml>',
      '<xml><!-- c --><a>1</a></xml>',
      '<xml><a>1</a><a>2</a></xml>',
      '<xml><a>&x;</a></xml>',
      '<xml><a>AT&T</a></xml>',
      '<xml><a>1</b></xml>',
      '<xml><a><![CDATA[1</a></xml>',
      '<xml><a>1</a></xml><more/>',
      '<root><a>1</a></root>',
      '',
      `<xml><a>${'x'.repeat(MAX_XML_BYTES)}</a></xml>`,
    ];
    for (const text of bad) expect(() => parseV2Xml(text)).toThrow(XmlError);
  });

  test('the v2 layer: return_code FAIL (unsigned) for GET, bad XML, DOCTYPE, unknown mch_id, a big body', async () => {
    const pay = await start();
    const get = await v2Raw(pay, '/pay/paporderquery', '', 'GET');
    expect([get.status, get.fields]).toEqual([200, { return_code: 'FAIL', return_msg: '请使用 POST 方法' }]);
    expect(get.contentType).toMatch(/^text\/xml/);
    const notXml = await v2Raw(pay, '/pay/paporderquery', '{"json":true}');
    expect(notXml.fields.return_msg).toMatch(/^XML 格式错误/);
    const xxe = await v2Raw(pay, '/pay/paporderquery', '<!DOCTYPE x [<!ENTITY e "e">]><xml><a>&e;</a></xml>');
    expect(xxe.fields.return_msg).toMatch(/DOCTYPE/);
    const stranger = await v2Raw(pay, '/pay/paporderquery', toV2Xml(withV2Sign({ mch_id: '1' }, 'k')));
    expect(stranger.fields).toEqual({ return_code: 'FAIL', return_msg: '商户号 mch_id 不存在' });
    const big = await v2Raw(pay, '/pay/paporderquery', `<xml><a>${'x'.repeat(MAX_XML_BYTES)}</a></xml>`);
    expect(big.fields.return_msg).toMatch(/超过/);
    const wrongApp = await v2(pay, '/pay/paporderquery', {
      appid: 'wx1111111111111111',
      out_trade_no: 'X1',
      nonce_str: 'n',
    });
    expect(wrongApp.fields).toMatchObject({ result_code: 'FAIL', err_code: 'APPID_MCHID_NOT_MATCH' });
    expect(wrongApp.signed).toBe(true);
  });
});

test('merchant.json: apiV2Key (32, not the APIv3 key) and papayPlanId, added once to a file without them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pay-papay-'));
  try {
    const file = join(dir, 'pay', 'merchant.json');
    const first = await startPaySandbox({ port: 0, stateDir: dir, quiet: true });
    await first.close();
    const made = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(made.apiV2Key).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(made.apiV2Key).not.toBe(made.apiV3Key);
    expect(made.papayPlanId).toMatch(/^[1-9]\d{4,5}$/);
    // A merchant.json from before withholding existed.
    const { apiV2Key: _k, papayPlanId: _p, ...older } = made;
    writeFileSync(file, JSON.stringify(older));
    const second = await startPaySandbox({ port: 0, stateDir: dir, quiet: true });
    await second.close();
    const upgraded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(upgraded).toEqual({
      ...older,
      baseUrl: second.url,
      apiV2Key: expect.any(String),
      papayPlanId: expect.any(String),
    });
    expect(upgraded.apiV2Key).toHaveLength(32);
    const third = await startPaySandbox({ port: 0, stateDir: dir, quiet: true });
    await third.close();
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect([kept.apiV2Key, kept.papayPlanId]).toEqual([upgraded.apiV2Key, upgraded.papayPlanId]);
    expect(third.merchant.apiV2Key).toBe(upgraded.apiV2Key);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
