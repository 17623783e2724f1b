/**
 * Rules for a person's name and social-security card number, shared by the server's validation
 * and the mini program's inline form checks. Written without lookbehind or `\p{}` escapes so it
 * runs on every WeChat client's JavaScript engine.
 */

/** Han characters: CJK blocks of the BMP and supplementary planes 2-3 (as surrogate pairs). */
const HAN = '(?:[\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]|[\\ud840-\\ud8bf][\\udc00-\\udfff])';
const HAN_AT_END = new RegExp(`${HAN}$`);
const HAN_AT_START = new RegExp(`^${HAN}`);
const NAME_PART = `(?:${HAN}|[A-Za-z])+`;
/** Han/Latin parts joined by a middle dot (阿卜杜·热合曼) or a single space (John Smith). */
const NAME_PATTERN = new RegExp(`^${NAME_PART}(?:[· ]${NAME_PART})*$`);

/** Dot look-alikes people type for the middle dot. */
const DOT_VARIANTS = /[•・．.\u2027\u30fb\uff65]/g;

export const NAME_MIN_LENGTH = 2;
export const NAME_MAX_LENGTH = 20;

/** Trims, unifies middle dots, removes blanks around dots and next to Chinese characters, collapses the rest. */
export function normalizeName(raw: string): string {
  return raw
    .trim()
    .replace(DOT_VARIANTS, '·')
    .replace(/\s*·\s*/g, '·')
    .replace(/\s+/g, (blank: string, offset: number, whole: string) => {
      const before = whole.slice(Math.max(0, offset - 2), offset);
      const after = whole.slice(offset + blank.length, offset + blank.length + 2);
      return HAN_AT_END.test(before) || HAN_AT_START.test(after) ? '' : ' ';
    });
}

/** For a normalized name. Length counts characters (code points), dots and spaces included. */
export function isValidName(name: string): boolean {
  const len = Array.from(name).length;
  return len >= NAME_MIN_LENGTH && len <= NAME_MAX_LENGTH && NAME_PATTERN.test(name);
}

/** Patient-readable problem with a raw name, or '' when it is fine. */
export function nameProblem(raw: string): string {
  const name = normalizeName(raw);
  if (!name) return '请输入就诊人姓名';
  const len = Array.from(name).length;
  if (len < NAME_MIN_LENGTH || len > NAME_MAX_LENGTH) return `姓名应为${NAME_MIN_LENGTH}-${NAME_MAX_LENGTH}个字`;
  if (!NAME_PATTERN.test(name)) return '姓名只能包含汉字、字母或间隔号“·”';
  return '';
}

/** Social-security (medical insurance) card number: 6-20 letters or digits. */
export const SOCIAL_SECURITY_NO = /^[A-Za-z0-9]{6,20}$/;
export const SOCIAL_SECURITY_NO_MESSAGE = '社保卡号应为6-20位字母或数字';
