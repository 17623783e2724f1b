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

/** Toast without icon: Chinese text longer than 7 characters is cut off when an icon is shown. */
export function toast(title: string): void {
  wx.showToast({ title, icon: 'none', duration: 2000 });
}

/** How long a success toast stays before the page goes back. */
export const SUCCESS_BACK_DELAY_MS = 1200;
