/**
 * Personal names. The syntax rules live in common/person.ts (shared with the mini program's form);
 * the real-name comparison is a server concern.
 */
import { normalizeName } from '../../../common/person';

export { isValidName, normalizeName, NAME_MAX_LENGTH, NAME_MIN_LENGTH } from '../../../common/person';

/** Real-name comparison: normalized, case-insensitive for Latin letters. */
export function sameName(a: string, b: string): boolean {
  return normalizeName(a).toUpperCase() === normalizeName(b).toUpperCase();
}
