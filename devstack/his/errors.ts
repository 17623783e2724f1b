import { HIS_ERROR_STATUS } from '../../server/adapters/his/protocol';

/** The codes the sandbox answers with and their HTTP status: the protocol's (protocol.ts). */
export const SANDBOX_ERROR_STATUS = HIS_ERROR_STATUS;

export type SandboxErrorCode = keyof typeof SANDBOX_ERROR_STATUS;

/** A protocol error the sandbox answers with (`{ code, message }` and the code's HTTP status). */
export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
