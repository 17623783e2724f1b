import type { BookingActions } from './booking';
import type { PatientActions } from './patient';
import type { SiteActions } from './site';

/**
 * Every cloud function and its actions: function name → action name → [request, response].
 * The mini program's `callCloud` is typed by this map.
 */
export interface CloudFunctions {
  patient: PatientActions;
  booking: BookingActions;
  site: SiteActions;
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
