/**
 * The patient's side of a withholding (代扣) contract for one of their cards: view, sign (the
 * signed extraData for WeChat's contract mini program), cancel; and WeChat's word about it (the
 * ADD/DELETE notifications, querycontract) applied by compare-and-set, idempotently, in any order.
 */
import { randomInt } from 'node:crypto';
import type { PaymentSignContractResponse, WithholdingContractView } from '../../../typings/payment';
import type { StoredContract } from '../../adapters/clouddb/contract-store';
import { aborted, AppError, notFound } from '../../core/errors';
import type { Caller } from '../../core/handler';
import { WechatPayError } from '../../core/wechatpay/errors';
import type { BookingCard } from '../../domain/booking/types';
import {
  applyWechatState,
  cardNoTailOf,
  contractCodeOf,
  contractDocId,
  contractKeyOf,
  displayAccountOf,
  docIdOfCode,
  toContractView,
  usable,
  type ContractRecord,
} from '../../domain/withholding/contract';
import type { PapayContract } from '../../ports/wechat-papay';
import type { PaymentContext } from '../payment/context';
import { withholdingOf } from './context';

export const PAPAY_MINI_PROGRAM = { appId: 'wxbd687630cd02ce1d', path: 'pages/index/index' } as const;
const TERMINATED_BY_MERCHANT_API = 3;

/** int64 without a leading 0, unique in practice: ms (13 digits) + 6 random digits. */
const newRequestSerial = (nowMs: number): string => `${nowMs}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;

/** WeChat Pay not answering → UNAVAILABLE payUnavailable (nothing changed at WeChat, or try again). */
async function papayCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WechatPayError) {
      throw new AppError('UNAVAILABLE', '微信支付暂时无法处理代扣签约，请稍后重试', {
        reason: 'payUnavailable',
        detail: `wechatpay papay ${err.code}`,
      });
    }
    throw err;
  }
}

export class WithholdingContracts {
  constructor(private readonly ctx: PaymentContext) {}

  private async card(caller: Caller, cardId: string): Promise<BookingCard> {
    const card = await this.ctx.store.cards.findOwned(caller.openid, cardId);
    if (!card) throw notFound('就诊人不存在');
    return card;
  }

  private docId(openid: string, cardId: string): string {
    return contractDocId(contractKeyOf(this.ctx.hash('papay-contract', openid, cardId)));
  }

  async view(caller: Caller, cardId: string): Promise<WithholdingContractView> {
    await this.card(caller, cardId);
    const nowMs = this.ctx.nowMs(caller.now);
    let doc = await this.ctx.store.contracts.get(this.docId(caller.openid, cardId));
    // Signed but the notification is late or lost: WeChat's word, now.
    if (doc?.status === 'signing' && this.ctx.withholding) doc = await this.sync(doc, nowMs).catch(() => doc);
    return toContractView(cardId, doc, nowMs);
  }

  async sign(caller: Caller, cardId: string): Promise<PaymentSignContractResponse> {
    const { papay } = withholdingOf(this.ctx);
    const card = await this.card(caller, cardId);
    const nowMs = this.ctx.nowMs(caller.now);
    const id = this.docId(caller.openid, cardId);
    for (let round = 0; round < 5; round++) {
      let doc = await this.ctx.store.contracts.get(id);
      if (!doc) {
        await this.ctx.store.contracts.add(this.newRecord(caller.openid, card, id, nowMs));
        continue;
      }
      if (doc.status === 'signing') doc = await papayCall(() => this.sync(doc!, nowMs));
      if (usable(doc, nowMs)) {
        throw new AppError('FAILED_PRECONDITION', '该就诊人已开通自动扣费，无需重复签约', { reason: 'contractLimit' });
      }
      // A contract that ended (or expired) is signed again under a new contract_code.
      const generation = doc.status === 'active' || doc.status === 'terminated' ? doc.generation + 1 : doc.generation;
      const next = {
        status: 'signing' as const,
        generation,
        contractCode: contractCodeOf(id.slice(3), generation),
        requestSerial: newRequestSerial(nowMs),
        ...(generation === doc.generation ? {} : FRESH),
      };
      if (!(await this.ctx.store.contracts.cas(id, doc.rev, next, nowMs))) continue;
      const extraData = papay.signingExtraData(
        {
          contractCode: next.contractCode,
          requestSerial: next.requestSerial,
          displayAccount: displayAccountOf(doc.cardNoTail),
        },
        nowMs,
      );
      const contract = toContractView(cardId, { ...doc, ...next }, nowMs);
      return { contract, miniProgram: { ...PAPAY_MINI_PROGRAM, extraData } };
    }
    throw aborted('正在处理，请稍后再试', { reason: 'processing' });
  }

  async cancel(caller: Caller, cardId: string): Promise<WithholdingContractView> {
    await this.card(caller, cardId);
    const nowMs = this.ctx.nowMs(caller.now);
    const id = this.docId(caller.openid, cardId);
    for (let round = 0; round < 5; round++) {
      let doc = await this.ctx.store.contracts.get(id);
      if (!doc || doc.status === 'none' || doc.status === 'terminated') return toContractView(cardId, doc, nowMs);
      const { papay } = withholdingOf(this.ctx);
      if (doc.status === 'signing') doc = await papayCall(() => this.sync(doc!, nowMs));
      if (doc.status === 'signing') {
        // Never signed: the request is given up (a late ADD of it would still be applied).
        if (await this.ctx.store.contracts.cas(id, doc.rev, { status: 'none' }, nowMs)) {
          return toContractView(cardId, { ...doc, status: 'none' }, nowMs);
        }
        continue;
      }
      if (doc.status !== 'active' || !doc.contractId) return toContractView(cardId, doc, nowMs);
      const contractId = doc.contractId;
      await papayCall(() => papay.deleteContract(contractId, '患者在小程序中解约'));
      const ended = {
        status: 'terminated' as const,
        terminatedAtMs: nowMs,
        terminationMode: TERMINATED_BY_MERCHANT_API,
      };
      if (await this.ctx.store.contracts.cas(id, doc.rev, ended, nowMs)) {
        this.ctx.log.info('withholding contract cancelled', { contract: id });
        return toContractView(cardId, { ...doc, ...ended }, nowMs);
      }
    }
    throw aborted('正在处理，请稍后再试', { reason: 'processing' });
  }

  /** A signing request's contract as WeChat has it now (querycontract), applied. */
  private async sync(doc: StoredContract, nowMs: number): Promise<StoredContract> {
    const w = await withholdingOf(this.ctx).papay.queryContract(doc.contractCode);
    if (!w) return doc;
    await this.applyWechat(w, nowMs);
    return (await this.ctx.store.contracts.get(doc._id)) ?? doc;
  }

  /** An ADD or DELETE notification, or a query's answer: applied once, whatever came before. */
  async applyWechat(w: PapayContract, nowMs: number): Promise<void> {
    const id = docIdOfCode(w.contractCode);
    for (let round = 0; id && round < 5; round++) {
      const doc = await this.ctx.store.contracts.get(id);
      if (!doc) break;
      if (doc._openid !== w.openid) {
        // Signed by another WeChat user than the one who asked: never deducted from.
        this.ctx.log.error('withholding contract of another user', { contract: id });
        return;
      }
      const change = applyWechatState(doc, w);
      if (!change) return;
      if (await this.ctx.store.contracts.cas(id, doc.rev, change, nowMs)) {
        this.ctx.log.info('withholding contract', { contract: id, status: change.status ?? doc.status });
        return;
      }
    }
    if (!id) this.ctx.log.warn('withholding contract code not ours', { planId: w.planId });
    else this.ctx.log.warn('withholding contract not applied', { contract: id });
  }

  private newRecord(openid: string, card: BookingCard, id: string, nowMs: number): ContractRecord {
    return {
      _id: id,
      _openid: openid,
      cardId: card.cardId,
      hisPatientId: card.hisPatientId,
      cardNoTail: cardNoTailOf(card.cardNo),
      status: 'none',
      generation: 0,
      contractCode: contractCodeOf(id.slice(3), 0),
      requestSerial: null,
      ...FRESH,
      ledgerDate: '',
      ledger: [],
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
  }
}

const FRESH = { contractId: null, signedAtMs: null, expiresAtMs: null, terminatedAtMs: null, terminationMode: null };
