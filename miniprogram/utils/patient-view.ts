/** View models of patient cards for the pages (display text only; PII stays as masked by the server). */
import type { PatientCardView } from '../../typings/patient';
import { ageText, formatDate, genderText } from './format';

export interface CardItem {
  id: string;
  name: string;
  cardNo: string;
  relation: string;
  isDefault: boolean;
  idNumberMasked: string;
  genderAge: string;
}

export interface CardDetail extends CardItem {
  phoneMasked: string;
  gender: string;
  age: string;
  socialSecurity: string;
  boundDate: string;
}

export function toCardItem(card: PatientCardView): CardItem {
  return {
    id: card.id,
    name: card.name,
    cardNo: card.cardNo,
    relation: card.relation,
    isDefault: card.isDefault,
    idNumberMasked: card.idNumberMasked,
    genderAge: [genderText(card.gender), ageText(card.age)].filter(Boolean).join(' · '),
  };
}

export function toCardDetail(card: PatientCardView): CardDetail {
  return {
    ...toCardItem(card),
    phoneMasked: card.phoneMasked,
    gender: genderText(card.gender),
    age: ageText(card.age),
    socialSecurity: card.socialSecurityMasked ?? '未绑定',
    boundDate: formatDate(card.boundAt),
  };
}

/** The default card, else the first one; null when none. */
export function pickDefault(cards: readonly PatientCardView[]): PatientCardView | null {
  return cards.find((c) => c.isDefault) ?? cards[0] ?? null;
}
