/**
 * Personal names: Chinese characters, Latin letters, the middle dot of minority / transliterated
 * names (阿卜杜·热合曼) and single spaces between Latin parts (John Smith).
 */

/** Dot look-alikes people type for the middle dot. */
const DOT_VARIANTS = /[•・．.\u2027\u30fb\uff65]/g;

/** Trims, unifies middle dots, removes blanks around dots and Chinese characters, collapses the rest. */
export function normalizeName(raw: string): string {
  return raw
    .trim()
    .replace(DOT_VARIANTS, '·')
    .replace(/\s*·\s*/g, '·')
    .replace(/(?<=\p{Script=Han})\s+|\s+(?=\p{Script=Han})/gu, '')
    .replace(/\s+/g, ' ');
}

const NAME_PATTERN = /^[\p{Script=Han}A-Za-z]+(?:[· ][\p{Script=Han}A-Za-z]+)*$/u;

export const NAME_MIN_LENGTH = 2;
export const NAME_MAX_LENGTH = 20;

/** For a normalized name. Length counts characters (code points), dots and spaces included. */
export function isValidName(name: string): boolean {
  const len = Array.from(name).length;
  return len >= NAME_MIN_LENGTH && len <= NAME_MAX_LENGTH && NAME_PATTERN.test(name);
}

/** Real-name comparison: normalized, case-insensitive for Latin letters. */
export function sameName(a: string, b: string): boolean {
  return normalizeName(a).toUpperCase() === normalizeName(b).toUpperCase();
}
