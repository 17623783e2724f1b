/**
 * Pieces the actions' payload schemas share (server/actions/<fn>/schemas.ts): Chinese messages
 * for a missing vs a wrong value, and the shape of the opaque ids the functions hand out.
 */
import { z } from 'zod';

/** Type error vs missing value, in Chinese. */
export const req = (missing: string, wrong = missing) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? missing : wrong),
});

/** An id this system issued (`pc_…`, `bk_…`, a HIS code): 1–64 of [A-Za-z0-9_-]. */
export const idSchema = (missing: string, wrong: string) =>
  z
    .string(req(missing, wrong))
    .min(1, missing)
    .max(64, wrong)
    .regex(/^[A-Za-z0-9_-]+$/, wrong);
