import type { z } from 'zod';
import { SandboxError } from '../errors';

/** Validates a request body; the first problem becomes INVALID_REQUEST naming the field. */
export function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(body)';
    const what = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue?.message;
    throw new SandboxError('INVALID_REQUEST', `${field}: ${what ?? 'invalid'}`);
  }
  return r.data;
}
