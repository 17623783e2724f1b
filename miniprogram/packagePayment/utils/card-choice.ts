/** Which card a 门诊缴费 page shows first: the query's or the one chosen before, else the default. */
import type { PatientCardView } from '../../../typings/patient';
import { pickDefault } from '../../utils/patient-view';

/** The default card first, the others as the server lists them. */
export function defaultFirst(cards: readonly PatientCardView[]): PatientCardView[] {
  const def = pickDefault(cards);
  return def ? [def, ...cards.filter((c) => c !== def)] : [];
}

/** The first of `preferred` that is one of the cards, else the default card's id ('' without cards). */
export function chooseCard(cards: readonly PatientCardView[], ...preferred: string[]): string {
  const known = preferred.find((id) => id && cards.some((c) => c.id === id));
  return known ?? pickDefault(cards)?.id ?? '';
}
