import type { BookingActions, BookingRefusalReason } from './booking';
import type { PatientActions, PatientRefusalReason } from './patient';
import type { PaymentActions, PaymentRefusalReason } from './payment';
import type { SiteActions } from './site';

/**
 * Every cloud function and its actions: function name → action name → [request, response].
 * The mini program's `callCloud` is typed by this map; the server's action maps are checked
 * against it at compile time (server/core/contract.ts).
 */
export interface CloudFunctions {
  patient: PatientActions;
  booking: BookingActions;
  site: SiteActions;
  payment: PaymentActions;
}

/** Function name → the `reason` values its refusals carry (ErrorBody.reason). */
export interface CloudFunctionReasons {
  patient: PatientRefusalReason;
  booking: BookingRefusalReason;
  site: never;
  payment: PaymentRefusalReason;
}

export type FunctionName = keyof CloudFunctions;
export type ActionName<F extends FunctionName> = keyof CloudFunctions[F] & string;
export type ActionRequest<F extends FunctionName, A extends ActionName<F>> = CloudFunctions[F][A] extends [
  infer Req,
  unknown,
]
  ? Omit<Req, 'action'>
  : never;
export type ActionResponse<F extends FunctionName, A extends ActionName<F>> = CloudFunctions[F][A] extends [
  unknown,
  infer Res,
]
  ? Res
  : never;
export type FunctionReason<F extends FunctionName> = CloudFunctionReasons[F];
