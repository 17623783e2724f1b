/** All gateway methods the sandbox serves. New domains (payment, …) add a module here. */
import { bookingMethods } from './booking';
import { patientMethods } from './patients';
import type { MethodHandler } from './types';

export const METHODS: Readonly<Record<string, MethodHandler>> = {
  ...patientMethods,
  ...bookingMethods,
};

export type { MethodContext, MethodHandler } from './types';
