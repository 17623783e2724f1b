/**
 * v2 XML notifications of withholding, verified before anything is read from them: the flat XML
 * (./v2.ts), `sign` (MD5 with the APIv2 key), mch_id, appid (deduction results carry it; contract
 * notifications do not) and, for contract changes, the plan_id of the merchant's template.
 */
import type { PapayNotification } from '../../ports/wechat-papay';
import { NotificationRejected } from './errors';
import type { PapayConfig } from './papay-config';
import { contractOf, deductionOf, v2TimeMs } from './papay-fields';
import { parseV2Xml, verifyV2Sign, XmlError, type V2Fields } from './v2';

/** Whether a body is v2 XML (the /payNotify route takes v3 JSON and v2 XML alike). */
export function isV2XmlBody(raw: string): boolean {
  return raw
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('<xml');
}

function fieldsOf(raw: string): V2Fields {
  try {
    return parseV2Xml(raw);
  } catch (err) {
    if (err instanceof XmlError) throw new NotificationRejected('xml');
    throw err;
  }
}

export function parsePapayNotification(
  config: Pick<PapayConfig, 'apiV2Key' | 'mchid' | 'appid' | 'planId'>,
  raw: string,
): PapayNotification {
  const f = fieldsOf(raw);
  if (!verifyV2Sign(f, config.apiV2Key)) throw new NotificationRejected('badSignature');
  if (f.mch_id !== config.mchid) throw new NotificationRejected('mchid');
  if (f.appid !== undefined && f.appid !== config.appid) throw new NotificationRejected('appid');
  if (f.return_code !== 'SUCCESS') throw new NotificationRejected('returnCode');
  if (f.change_type !== undefined) {
    if (f.change_type !== 'ADD' && f.change_type !== 'DELETE') throw new NotificationRejected('changeType');
    if (f.plan_id !== config.planId) throw new NotificationRejected('planId');
    if (!f.contract_code || !f.contract_id) throw new NotificationRejected('fields');
    const operateAtMs = v2TimeMs(f.operate_time);
    const contract = contractOf(f, f.change_type === 'ADD');
    if (f.change_type === 'ADD') contract.signedAtMs ??= operateAtMs;
    else contract.terminatedAtMs ??= operateAtMs;
    return { kind: 'contract', changeType: f.change_type, contract, operateAtMs };
  }
  if (f.appid === undefined) throw new NotificationRejected('appid');
  if (!f.out_trade_no) throw new NotificationRejected('fields');
  return { kind: 'deduction', deduction: deductionOf(f) };
}
