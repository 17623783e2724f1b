import type { HisErrorCode } from '../../server/adapters/his/protocol';

/** A protocol error the sandbox answers with (`{ code, message }` and the code's HTTP status). */
export class SandboxError extends Error {
  constructor(
    readonly code: HisErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
