/** All gateway methods the sandbox serves. New domains (schedules, booking, payment) add a module here. */
import { patientMethods } from './patients';
import type { MethodHandler } from './types';

export const METHODS: Readonly<Record<string, MethodHandler>> = {
  ...patientMethods,
};

export type { MethodContext, MethodHandler } from './types';
