/**
 * Read-only access to patient cards for booking and payment (collection `patient_cards`, written by the
 * patient function; see ./patient-cards.ts). Ownership: `_openid` must be the caller, so another
 * user's card looks exactly like a missing one.
 */
import type { Database } from '../../ports/cloud-sdk';
import { maskName } from '../../../common/mask';
import type { BookingCard } from '../../domain/booking/types';
import { isDocNotFound } from './errors';

const PATIENT_CARDS = 'patient_cards';

interface CardDoc {
  _id: string;
  _openid: string;
  hisPatientId: string;
  cardNo: string;
  name: string;
  relation: string;
  gender?: string;
  birthDate?: string;
}

export class BookingCardReader {
  constructor(private readonly db: Database) {}

  async findOwned(openid: string, cardId: string): Promise<BookingCard | null> {
    // By id, not a query: the card is addressed by its key and nearly always exists (a query costs
    // the database more, and this read is on the path of every 预约 tap). Only what booking and
    // payment use (gender and birth date for 自助检验's rules): the card's ID number, phone and the
    // rest stay where they are.
    let doc: CardDoc;
    try {
      const res = await this.db
        .collection<CardDoc>(PATIENT_CARDS)
        .doc(cardId)
        .field({
          _openid: true,
          hisPatientId: true,
          cardNo: true,
          name: true,
          relation: true,
          gender: true,
          birthDate: true,
        })
        .get();
      doc = res.data;
    } catch (err) {
      if (isDocNotFound(err)) return null;
      throw err;
    }
    if (doc._openid !== openid || typeof doc.hisPatientId !== 'string' || !doc.hisPatientId) return null;
    return {
      cardId: doc._id,
      hisPatientId: doc.hisPatientId,
      displayName: doc.relation === '本人' ? doc.name : maskName(doc.name ?? ''),
      cardNo: typeof doc.cardNo === 'string' ? doc.cardNo : '',
      gender: doc.gender === 'M' || doc.gender === 'F' ? doc.gender : null,
      birthDate: typeof doc.birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(doc.birthDate) ? doc.birthDate : null,
    };
  }

  /**
   * What 医保 payment compares with the 医保 authorisation (the caller's card only): the whole
   * name, the masked ID number, and whether a social-security card is bound.
   */
  async insuranceIdentity(
    openid: string,
    cardId: string,
  ): Promise<{ name: string; idNumberMasked: string; insured: boolean } | null> {
    let doc: { _openid: string; name?: string; idNumberMasked?: string; socialSecurityMasked?: string | null };
    try {
      const res = await this.db
        .collection<typeof doc & { _id: string }>(PATIENT_CARDS)
        .doc(cardId)
        .field({ _openid: true, name: true, idNumberMasked: true, socialSecurityMasked: true })
        .get();
      doc = res.data;
    } catch (err) {
      if (isDocNotFound(err)) return null;
      throw err;
    }
    if (doc._openid !== openid) return null;
    return {
      name: doc.name ?? '',
      idNumberMasked: doc.idNumberMasked ?? '',
      insured: typeof doc.socialSecurityMasked === 'string' && doc.socialSecurityMasked !== '',
    };
  }
}
