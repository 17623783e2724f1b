/**
 * Routes of the 门诊服务 (booking) and 微官网 (site) pages, so pages never spell paths by hand.
 * Both are subpackages (app.json `subpackages`): their pages live under the package roots, while
 * this module stays in the main package, where the home page, 我的 and both subpackages reach it.
 *
 * app.json `preloadRule` downloads a subpackage before the tap that needs it: home preloads
 * packageBooking (门诊服务, 预约记录) and packageSite (微官网); 我的 preloads packageBooking
 * (预约记录); the 微官网 home preloads packageBooking (its 科室介绍 is the booking department pages).
 */
import type { SlotKind } from '../../typings/booking';

export const BOOKING_ROUTES = {
  hub: '/packageBooking/pages/index/index',
  departments: '/packageBooking/pages/departments/index',
  doctors: '/packageBooking/pages/doctors/index',
  doctor: '/packageBooking/pages/doctor/index',
  schedule: '/packageBooking/pages/schedule/index',
  confirm: '/packageBooking/pages/confirm/index',
  result: '/packageBooking/pages/result/index',
  records: '/packageBooking/pages/records/index',
  detail: '/packageBooking/pages/detail/index',
} as const;

export const SITE_ROUTES = {
  index: '/packageSite/pages/index/index',
  announcements: '/packageSite/pages/announcements/index',
  announcement: '/packageSite/pages/announcement/index',
  guide: '/packageSite/pages/guide/index',
} as const;

/** `?a=1&b=2` from the defined, non-empty values (encoded); '' when none. */
export function queryString(params: Record<string, string | null | undefined>): string {
  const parts = Object.keys(params)
    .filter((k) => params[k] !== undefined && params[k] !== null && params[k] !== '')
    .map((k) => `${k}=${encodeURIComponent(params[k] as string)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Reads a query value the framework may hand over still encoded. */
export function queryValue(query: Record<string, string | undefined>, key: string): string {
  const raw = query[key] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** 'intro': the 微官网's read-only 科室介绍 mode of the department/doctor pages. */
export type BrowseMode = 'booking' | 'intro';

export function modeOf(query: Record<string, string | undefined>): BrowseMode {
  return query.mode === 'intro' ? 'intro' : 'booking';
}

export function departmentsUrl(mode: BrowseMode = 'booking'): string {
  return BOOKING_ROUTES.departments + queryString({ mode: mode === 'intro' ? 'intro' : '' });
}

export function doctorsUrl(deptCode: string, mode: BrowseMode = 'booking'): string {
  return BOOKING_ROUTES.doctors + queryString({ deptCode, mode: mode === 'intro' ? 'intro' : '' });
}

export function doctorUrl(deptCode: string, doctorId: string): string {
  return BOOKING_ROUTES.doctor + queryString({ doctorId, deptCode });
}

export interface ScheduleTarget {
  deptCode: string;
  kind: SlotKind;
  doctorId?: string | null;
  /** Preselected date `YYYY-MM-DD`. */
  date?: string;
}

export function scheduleUrl(target: ScheduleTarget): string {
  return (
    BOOKING_ROUTES.schedule +
    queryString({ deptCode: target.deptCode, doctorId: target.doctorId, kind: target.kind, date: target.date })
  );
}

/** 确认预约: the page reads the session itself (`booking.session`), so the id and time point suffice. */
export interface ConfirmTarget {
  sessionId: string;
  time: string;
}

export function confirmUrl(target: ConfirmTarget): string {
  return BOOKING_ROUTES.confirm + queryString({ sessionId: target.sessionId, time: target.time });
}

export function resultUrl(bookingId: string): string {
  return BOOKING_ROUTES.result + queryString({ bookingId });
}

export function bookingDetailUrl(bookingId: string): string {
  return BOOKING_ROUTES.detail + queryString({ bookingId });
}

export function announcementUrl(id: string): string {
  return SITE_ROUTES.announcement + queryString({ id });
}

/** Sets the navigation bar title where the runtime offers it (the test mock does not). */
export function setPageTitle(title: string): void {
  if ('setNavigationBarTitle' in wx) wx.setNavigationBarTitle({ title });
}
