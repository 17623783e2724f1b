import type { Gender, PatientCardView, Relation } from '../../../typings/patient';
import { ageOn } from '../../../common/idcard';
import { maskIdNumber, maskMiddle, maskName, maskPhone } from '../../../common/mask';
import { SELF } from './decide';
import type { PatientCardRecord } from './types';

/** Social-security numbers: first 2 and last 4 characters kept. */
export function maskSocialSecurityNo(value: string): string {
  return maskMiddle(value, 2, 4);
}

/** The HIS facts a card record is built from (whole values; only masks are kept). */
export interface CardSource {
  cardId: string;
  openid: string;
  hisPatientId: string;
  cardNo: string;
  name: string;
  idNumber: string;
  idNumberHash: string;
  phone: string;
  gender: Gender;
  birthDate: string;
  relation: Relation;
  socialSecurityNo: string | null;
  isDefault: boolean;
  boundAt: Date;
}

export function buildCardRecord(src: CardSource): PatientCardRecord {
  return {
    _id: src.cardId,
    _openid: src.openid,
    hisPatientId: src.hisPatientId,
    cardNo: src.cardNo,
    name: src.name,
    idNumberHash: src.idNumberHash,
    idNumberMasked: maskIdNumber(src.idNumber),
    phoneMasked: maskPhone(src.phone),
    gender: src.gender,
    birthDate: src.birthDate,
    relation: src.relation,
    socialSecurityMasked: src.socialSecurityNo ? maskSocialSecurityNo(src.socialSecurityNo) : null,
    isDefault: src.isDefault,
    boundAt: src.boundAt.toISOString(),
    boundAtMs: src.boundAt.getTime(),
  };
}

/** The masked view the mini program gets. `today` is the business date (Asia/Shanghai). */
export function toView(card: PatientCardRecord, today: string): PatientCardView {
  return {
    id: card._id,
    cardNo: card.cardNo,
    name: card.relation === SELF ? card.name : maskName(card.name),
    idNumberMasked: card.idNumberMasked,
    phoneMasked: card.phoneMasked,
    gender: card.gender,
    age: Math.max(0, ageOn(card.birthDate, today)),
    relation: card.relation,
    isDefault: card.isDefault,
    socialSecurityMasked: card.socialSecurityMasked,
    boundAt: card.boundAt,
  };
}
