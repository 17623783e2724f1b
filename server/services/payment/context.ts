/**
 * What the payment flows share, built once per function instance: the store, the HIS, WeChat Pay,
 * the rules, the keys, the log and the messages.
 */
import { PaymentStore } from '../../adapters/clouddb/payment-store';
import { labRules as labRulesWith } from '../../config/lab-rules';
import { PAYMENT_MESSAGE_OPTIONS, paymentRules } from '../../config/payment-rules';
import { piiHashKeyFromEnv } from '../../config/pii';
import { paymentTemplatesFromEnv, type PaymentTemplates } from '../../config/templates';
import { logger as defaultLogger, type Logger } from '../../core/log';
import type { Clock } from '../../core/time';
import type { LabRules } from '../../domain/payment/lab';
import type { PaymentRules } from '../../domain/payment/types';
import type { Database, OpenApi } from '../../ports/cloud-sdk';
import type { HisLabPort } from '../../ports/his-lab';
import type { HisFeePort } from '../../ports/his-payment';
import type { HisInsurancePort } from '../../ports/his-insurance';
import type { MedInsAuthPort } from '../../ports/medins-auth';
import type { MedInsOrgConfig } from '../../config/medins';
import type { WechatPayPort } from '../../ports/wechat-pay';
import type { WithholdingDeps } from '../withholding/context';
import { keyedHash, type KeyedHash } from '../keyed-ids';
import { MessageOutbox } from '../messages/outbox';

export interface PaymentDeps {
  db: Database;
  his: HisFeePort;
  pay: WechatPayPort;
  openapi: Pick<OpenApi, 'subscribeMessage'>;
  templates?: PaymentTemplates;
  piiHashKey?: string;
  rules?: Partial<PaymentRules>;
  /** 自助检验 (labCatalog, orderLabTests); without it those actions answer hisUnavailable. */
  lab?: HisLabPort;
  labRules?: Partial<LabRules>;
  /** The HIS's 医保 calls (6201/6202/6301/6203/6401): 医保 orders and 医生站 医保 settlement. */
  hisInsurance?: HisInsurancePort;
  /** 医保 mobile payment; without it (or hisInsurance) `insuranceAuthCode` is refused as notInsured. */
  medIns?: MedInsDeps;
  /** 代扣 (v2 papay); without it the contract actions answer payUnavailable. */
  withholding?: WithholdingDeps;
  /** Overrides every call's clock (tests). */
  clock?: Clock;
  log?: Logger;
}

export interface MedInsDeps {
  auth: MedInsAuthPort;
  org: MedInsOrgConfig;
  /** https URL for MEDICAL_INSURANCE.SUCCESS (the payNotify route). */
  callbackUrl: string;
}

export interface PaymentContext {
  store: PaymentStore;
  his: HisFeePort;
  pay: WechatPayPort;
  rules: PaymentRules;
  lab: HisLabPort | null;
  labRules: LabRules;
  hisInsurance: HisInsurancePort | null;
  medIns: MedInsDeps | null;
  withholding: WithholdingDeps | null;
  templates: PaymentTemplates;
  hash: KeyedHash;
  log: Logger;
  outbox: MessageOutbox;
  nowMs(clock?: Clock): number;
  /** `payment_patients` id of an HIS patient. */
  patientKey(hisPatientId: string): string;
}

export function createPaymentContext(deps: PaymentDeps): PaymentContext {
  const log = deps.log ?? defaultLogger;
  const hash = keyedHash(deps.piiHashKey ?? piiHashKeyFromEnv());
  return {
    store: new PaymentStore(deps.db),
    his: deps.his,
    pay: deps.pay,
    rules: paymentRules(deps.rules),
    lab: deps.lab ?? null,
    labRules: labRulesWith(deps.labRules),
    hisInsurance: deps.hisInsurance ?? null,
    medIns: deps.medIns ?? null,
    withholding: deps.withholding ?? null,
    templates: deps.templates ?? paymentTemplatesFromEnv(),
    hash,
    log,
    outbox: new MessageOutbox(deps.db, deps.openapi, PAYMENT_MESSAGE_OPTIONS, log),
    nowMs: (clock) => (deps.clock ?? clock ?? (() => new Date()))().getTime(),
    patientKey: (hisPatientId) => `pp_${hash('payment-patient', hisPatientId).slice(0, 32)}`,
  };
}
