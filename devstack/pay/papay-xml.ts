/**
 * The flat `<xml>` of WeChat Pay's v2 APIs (withholding calls and notifications). One
 * implementation, the server's: server/core/wechatpay/v2.ts (a linear scanner, no DOCTYPE or
 * ENTITY, a 32 KiB cap).
 */
export { MAX_XML_BYTES, parseV2Xml, toV2Xml, XmlError } from '../../server/core/wechatpay/v2';
