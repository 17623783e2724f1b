/**
 * The v2 signature (sign_type MD5 with the APIv2 key) of the withholding calls, notifications and
 * the signing mini program's extraData. One implementation, the server's:
 * server/core/wechatpay/v2.ts (what the sandbox checks is what the client signs with).
 */
export {
  v2Sign,
  v2SignString,
  verifyV2Sign,
  withV2Sign,
  type V2Fields,
  type V2Input,
} from '../../server/core/wechatpay/v2';
