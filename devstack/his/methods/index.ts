/** All gateway methods the sandbox serves. New domains add a module here. */
import { bookingMethods } from './booking';
import { feeMethods } from './fees';
import { insuranceMethods } from './insurance';
import { labMethods } from './lab';
import { patientMethods } from './patients';
import type { MethodHandler } from './types';

export const METHODS: Readonly<Record<string, MethodHandler>> = {
  ...patientMethods,
  ...bookingMethods,
  ...feeMethods,
  ...labMethods,
  ...insuranceMethods,
};

export type { MethodContext, MethodHandler } from './types';
