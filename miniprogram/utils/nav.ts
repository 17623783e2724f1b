/** Page routes in one place, so pages never spell paths by hand. */
export const ROUTES = {
  home: '/pages/home/index',
  me: '/pages/me/index',
  patientList: '/pages/patients/list/index',
  patientAdd: '/pages/patients/add/index',
  patientDetail: '/pages/patients/detail/index',
} as const;

export function patientDetailUrl(cardId: string): string {
  return `${ROUTES.patientDetail}?id=${encodeURIComponent(cardId)}`;
}

/**
 * Opens the page of a tapped grid entry (its `data-key`) when `urls` has one for it. The entries
 * are rendered without their urls: where each leads stays out of `data`.
 */
export function openEntry<K extends string>(urls: Readonly<Record<K, string>>, key: unknown): void {
  if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(urls, key))
    wx.navigateTo({ url: urls[key as K] });
}

/** A dialog that only informs (an outcome, a refusal): one 我知道了 button, nothing to decide. */
export function notice(title: string, content: string): void {
  wx.showModal({ title, content, showCancel: false, confirmText: '我知道了' });
}

/** Toast without icon: Chinese text longer than 7 characters is cut off when an icon is shown. */
export function toast(title: string): void {
  wx.showToast({ title, icon: 'none', duration: 2000 });
}

/** How long a success toast stays before the page goes back. */
export const SUCCESS_BACK_DELAY_MS = 1200;
