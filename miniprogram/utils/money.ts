/**
 * The one money formatter of the mini program: common/money.ts (copied into miniprogram/common by
 * the build), so the pages, the server's messages and the sandboxes show amounts alike.
 */
export { formatYuan } from '../common/money';
