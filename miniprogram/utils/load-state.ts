/**
 * What a data page shows when its load fails, and the load itself (showLoaded): the data on
 * success, with status `ready` and no error message; on failure what the page's FailureView says.
 */
import { errorMessage, isCloudError } from '../services/cloud';
import { toast } from './nav';

export type LoadFailure = { status: 'notFound' } | { status: 'error'; errorMessage: string };

/**
 * 不存在 for NOT_FOUND (the record is gone or is not the caller's — the cloud answers both alike),
 * else the error message with 重新加载.
 */
export function loadFailure(err: unknown): LoadFailure {
  if (isCloudError(err) && err.code === 'NOT_FOUND') return { status: 'notFound' };
  return { status: 'error', errorMessage: errorMessage(err) };
}

/** A page as the load helpers see it: its `status` and setData. */
interface StatusPage {
  data: { status: string };
  setData(patch: WechatMiniprogram.IAnyObject): void;
}

/** How a page shows a failed load. */
export type FailureView = (page: StatusPage, err: unknown) => void;

/** For a page showing one record: loadFailure (不存在, or the error state). */
export const showLoadFailure: FailureView = (page, err) => page.setData(loadFailure(err));

/** The error state with its message and 重新加载. */
export const showLoadError: FailureView = (page, err) =>
  page.setData({ status: 'error', errorMessage: errorMessage(err) });

/** A failed reload (pull-down) keeps what is shown and says why in a toast; a failed first load is the error state. */
export const keepShownOnFailure: FailureView = (page, err) => {
  if (page.data.status === 'ready') toast(errorMessage(err));
  else showLoadError(page, err);
};

/**
 * A page's `load()`: `fetch` answers the data to show, set with status `ready` and no error
 * message; a failure (of the call or of making the data) is shown by `onFailure`. Answers the data
 * shown, or null.
 */
export async function showLoaded<T extends WechatMiniprogram.IAnyObject>(
  page: StatusPage,
  onFailure: FailureView,
  fetch: () => Promise<T>,
): Promise<T | null> {
  try {
    const shown = await fetch();
    page.setData({ status: 'ready', ...shown, errorMessage: '' });
    return shown;
  } catch (err) {
    onFailure(page, err);
    return null;
  }
}
