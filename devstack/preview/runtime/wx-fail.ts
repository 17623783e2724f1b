/** An API failure that carries WeChat's `errMsg` (`requestPayment:fail cancel`). */
export class WxFail extends Error {
  constructor(readonly errMsg: string) {
    super(errMsg);
  }
}
