/**
 * Money as people read it. Amounts are integer fen everywhere; these turn them into yuan with two
 * decimals by integer arithmetic (no float rounding). Shared by the server's messages, the mini
 * program (copied into miniprogram/common by the build), the sandboxes and the preview.
 */

/** Integer fen → `12.50`; negative → `-12.50`. */
export function yuanDigits(fen: number): string {
  const value = Math.round(Number.isFinite(fen) ? fen : 0);
  const abs = Math.abs(value);
  return `${value < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Integer fen → `¥12.50`; negative → `-¥12.50`. */
export function formatYuan(fen: number): string {
  const digits = yuanDigits(fen);
  return digits.startsWith('-') ? `-¥${digits.slice(1)}` : `¥${digits}`;
}
