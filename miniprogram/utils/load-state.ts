/**
 * What a page shows when its load fails: 不存在 for NOT_FOUND (the record is gone or is not the
 * caller's — the cloud answers both alike), else the error message with 重新加载.
 */
import { errorMessage, isCloudError } from '../services/cloud';

export type LoadFailure = { status: 'notFound' } | { status: 'error'; errorMessage: string };

export function loadFailure(err: unknown): LoadFailure {
  if (isCloudError(err) && err.code === 'NOT_FOUND') return { status: 'notFound' };
  return { status: 'error', errorMessage: errorMessage(err) };
}
