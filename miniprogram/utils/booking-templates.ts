/**
 * Subscription message templates the 确认预约 tap asks consent for (wx.requestSubscribeMessage).
 *
 * Production ids are the random template ids picked in the mini program admin console
 * (mp.weixin.qq.com → 订阅消息, medical category) and MUST match the ids the `booking` cloud
 * function is configured with (its environment variables); a mismatch means consent is granted for
 * one id while the server sends with another, and WeChat refuses the message (43101).
 * The values below are the devstack's stable ids (devstack/seed/subscribe-templates.ts).
 */

/** 预约成功通知 */
export const TMPL_BOOKING_CONFIRMED = 'tmpl-booking-confirmed';
/** 就诊提醒 */
export const TMPL_VISIT_REMINDER = 'tmpl-visit-reminder';
/** 候补成功通知 */
export const TMPL_WAITLIST_SUCCESS = 'tmpl-waitlist-success';
/** 预约取消通知 (the patient cancelled, or 医生停诊) */
export const TMPL_BOOKING_CANCELLED = 'tmpl-booking-cancelled';

/** Asked on the 确认预约 tap (at most 3 ids per request, as WeChat allows). */
export const BOOKING_TEMPLATE_IDS: readonly string[] = [
  TMPL_BOOKING_CONFIRMED,
  TMPL_VISIT_REMINDER,
  TMPL_BOOKING_CANCELLED,
];

/** Asked on the 加入候补 tap. */
export const WAITLIST_TEMPLATE_IDS: readonly string[] = [
  TMPL_WAITLIST_SUCCESS,
  TMPL_VISIT_REMINDER,
  TMPL_BOOKING_CANCELLED,
];

/**
 * Asks for one-time subscription consent. Call it straight from a tap handler (WeChat refuses it
 * otherwise). Resolves in every case: a refusal, a closed sheet or a missing API never blocks the
 * booking itself; it only means no message for this booking.
 */
export function requestConsent(tmplIds: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    try {
      wx.requestSubscribeMessage({
        tmplIds: tmplIds.slice(),
        success: () => resolve(),
        fail: () => resolve(),
      });
    } catch {
      resolve();
    }
  });
}
