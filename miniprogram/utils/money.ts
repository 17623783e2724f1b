/**
 * The one money formatter of the mini program. Amounts arrive as integer fen (typings/*.ts) and
 * are shown in yuan with two decimals, computed with integer arithmetic (no float rounding).
 */

/** Integer fen → `¥12.50`; a negative amount → `-¥12.50`. */
export function formatYuan(fen: number): string {
  const value = Math.round(Number.isFinite(fen) ? fen : 0);
  const abs = Math.abs(value);
  const cents = abs % 100;
  return `${value < 0 ? '-' : ''}¥${Math.floor(abs / 100)}.${cents < 10 ? '0' : ''}${cents}`;
}
