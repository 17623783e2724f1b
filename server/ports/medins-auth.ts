/**
 * What 医保 payment needs from the 医保 authorisation gateway: the `authCode` the 医保 mini program
 * returned, exchanged for a short-lived, single-use `pay_auth_no` and the insured person.
 * Adapter: server/adapters/medins/auth-client.ts.
 */

export interface PayAuth {
  payAuthNo: string;
  userName: string;
  idNumberMasked: string;
  /** MD5 of the upper-cased ID number: compared with the card's, never the number itself. */
  idDigest: string;
  cityId: string;
}

/** Why an exchange failed: the code is bad (ask the patient to authorise again) or the gateway is down. */
export class MedInsAuthError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unavailable',
    readonly code: string,
  ) {
    super(`医保 authorisation ${kind}: ${code}`);
    this.name = 'MedInsAuthError';
  }
}

export interface MedInsAuthPort {
  /** Throws MedInsAuthError. */
  exchange(authCode: string, openid: string): Promise<PayAuth>;
}
