import type { z } from 'zod';
import { SandboxError } from '../errors';

/** The first problem of a body that failed its schema, as `field: what` (the sandbox's INVALID_REQUEST message). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || '(body)';
  const what = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue?.message;
  return `${field}: ${what ?? 'invalid'}`;
}

/** Validates a request body; the first problem becomes INVALID_REQUEST naming the field. */
export function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new SandboxError('INVALID_REQUEST', firstIssue(r.error));
  return r.data;
}
