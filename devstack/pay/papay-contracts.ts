/**
 * Withholding contracts once signed: finding one (by contract_id, or plan_id + contract_code), its
 * expiry (checked when it is next looked at, as orders close themselves), termination by the
 * merchant (`/papay/deletecontract`, mode 3) or in WeChat (the sandbox route, mode 2 by default),
 * the signed XML notification of each change, and the fields `/papay/querycontract` answers.
 *
 * `contract_termination_mode` (the exact field name; `contract_terminate_mode` and the like are a
 * known client bug): 0 not terminated, 1 expired, 2 the user, 3 the merchant's API, 4 the
 * merchant platform, 5 the user's account closed.
 */
import { now, type PayContext } from './context';
import { PayError } from './errors';
import { PapayError, requiredField } from './papay-errors';
import { withV2Sign, type V2Fields, type V2Input } from './papay-sign';
import type { ContractRow } from './papay-store';
import { toV2Xml } from './papay-xml';
import { billTime } from './time';
import type { Json } from './validate';

export const TERMINATION_MODE = { expired: 1, user: 2, merchantApi: 3, merchantPlatform: 4, accountClosed: 5 };
export const TERMINATION_MODES = [1, 2, 3, 4, 5] as const;

/** Stores the ADD or DELETE notification of `c` (signed with the APIv2 key) and has it delivered. */
export function queueContractNotice(ctx: PayContext, c: ContractRow): void {
  const deleted = c.state === 'DELETE';
  const body = toV2Xml(
    withV2Sign(
      {
        return_code: 'SUCCESS',
        result_code: 'SUCCESS',
        mch_id: c.mch_id,
        contract_code: c.contract_code,
        plan_id: c.plan_id,
        openid: c.openid,
        change_type: c.state,
        operate_time: billTime(deleted ? c.terminated_at! : c.signed_at),
        contract_id: c.contract_id,
        contract_expired_time: billTime(c.expires_at),
        contract_termination_mode: deleted ? (c.termination_mode ?? undefined) : undefined,
        request_serial: c.request_serial,
      },
      ctx.credentials.merchant.apiV2Key,
    ),
  );
  ctx.papay.notifier.queue({
    kind: 'contract',
    ref: c.contract_id,
    event: c.state,
    url: c.notify_url,
    body,
    created_at: now(ctx),
  });
}

/** Ends a contract in force and notifies the merchant (DELETE with the mode). */
export function terminate(ctx: PayContext, c: ContractRow, mode: number, remark: string, at = now(ctx)): ContractRow {
  ctx.papay.store.updateContract(c.contract_id, {
    state: 'DELETE',
    terminated_at: at,
    termination_mode: mode,
    termination_remark: remark,
  });
  const ended = ctx.papay.store.contract(c.contract_id)!;
  queueContractNotice(ctx, ended);
  return ended;
}

/** The contract as it stands: one past its contract_expired_time is terminated on the way (mode 1). */
export function currentContract(ctx: PayContext, c: ContractRow): ContractRow {
  if (c.state !== 'ADD' || now(ctx) < c.expires_at) return c;
  return terminate(ctx, c, TERMINATION_MODE.expired, '协议到期自动解约', c.expires_at);
}

/** The contract a v2 call names (contract_id, else plan_id + contract_code), or CONTRACT_NOT_EXIST. */
export function findContract(ctx: PayContext, f: V2Fields): ContractRow {
  const m = ctx.credentials.merchant;
  let c: ContractRow | undefined;
  if (f.contract_id) {
    c = ctx.papay.store.contract(f.contract_id);
  } else {
    const planId = requiredField(f, 'plan_id');
    const code = requiredField(f, 'contract_code');
    if (planId !== m.papayPlanId) throw new PapayError('PARAM_ERROR', `模板 plan_id ${planId} 不存在`);
    c = ctx.papay.store.contractByCode(planId, code);
  }
  if (!c || c.mch_id !== m.mchid) throw new PapayError('CONTRACT_NOT_EXIST', '签约协议不存在');
  return currentContract(ctx, c);
}

/** POST /papay/deletecontract: the merchant ends the contract (mode 3). */
export function deleteContract(ctx: PayContext, f: V2Fields): V2Input {
  const remark = requiredField(f, 'contract_termination_remark');
  if (Buffer.byteLength(remark, 'utf8') > 256) {
    throw new PapayError('PARAM_ERROR', 'contract_termination_remark 长度超过 256 字节');
  }
  return ctx.store.tx(() => {
    const c = findContract(ctx, f);
    if (c.state !== 'ADD') throw new PapayError('CONTRACT_NOT_EXIST', '签约协议已解约');
    terminate(ctx, c, TERMINATION_MODE.merchantApi, remark);
    return { contract_id: c.contract_id, plan_id: c.plan_id, contract_code: c.contract_code };
  });
}

/** The user ends the contract in WeChat (or, with another mode, the merchant platform, an expiry …). */
export function terminateByUser(ctx: PayContext, contractId: string, body: Json): ContractRow {
  const mode = body.mode ?? TERMINATION_MODE.user;
  if (!TERMINATION_MODES.includes(mode as 1)) throw new PayError('PARAM_ERROR', 'mode 应为 1～5');
  const remark = body.remark ?? '用户解约';
  if (typeof remark !== 'string' || remark.length > 256) throw new PayError('PARAM_ERROR', 'remark 应为字符串');
  return ctx.store.tx(() => {
    const c = requireContract(ctx, contractId);
    if (c.state !== 'ADD') throw new PayError('INVALID_REQUEST', '签约协议已解约');
    return terminate(ctx, c, mode as number, remark);
  });
}

export function requireContract(ctx: PayContext, contractId: string): ContractRow {
  const c = ctx.papay.store.contract(contractId);
  if (!c) throw new PayError('NOT_FOUND', `contract_id ${contractId} 不存在`);
  return currentContract(ctx, c);
}

/** What `/papay/querycontract` answers about a contract (contract_state 0 in force, 1 terminated). */
export function contractFields(c: ContractRow): V2Input {
  const ended = c.state === 'DELETE';
  return {
    contract_id: c.contract_id,
    plan_id: c.plan_id,
    request_serial: c.request_serial,
    contract_code: c.contract_code,
    contract_display_account: c.contract_display_account,
    contract_state: ended ? '1' : '0',
    contract_signed_time: billTime(c.signed_at),
    contract_expired_time: billTime(c.expires_at),
    contract_terminated_time: ended ? billTime(c.terminated_at!) : undefined,
    contract_termination_mode: ended ? (c.termination_mode ?? undefined) : undefined,
    contract_termination_remark: ended ? (c.termination_remark ?? undefined) : undefined,
    openid: c.openid,
  };
}

/** v2 fields as their answer has them: strings, undefined ones left out. */
export function asStrings(fields: V2Input): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = String(v);
  return out;
}

/** The sandbox's JSON view: the fields as queried (strings) plus the state and the notify_url. */
export function contractView(c: ContractRow): Json {
  return { ...asStrings(contractFields(c)), state: c.state, notify_url: c.notify_url };
}
