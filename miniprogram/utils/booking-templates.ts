/**
 * Subscription consent (wx.requestSubscribeMessage) for the booking pages. The template ids are
 * not kept here: the `booking` function is configured with them (TMPL_*, server/config/
 * templates.ts) and sends them in its `rules` answer (`consent.book`, `consent.waitlist`), so
 * consent is always asked for exactly the ids the server sends with (a mismatch would make WeChat
 * refuse every message, 43101).
 */

/**
 * Asks for one-time subscription consent. Call it straight from a tap handler, before anything
 * asynchronous (WeChat refuses it otherwise), with ids loaded before the tap. Resolves in every
 * case: a refusal, a closed sheet, no ids or a missing API never blocks the booking itself; it
 * only means no message for this booking.
 */
export function requestConsent(tmplIds: readonly string[]): Promise<void> {
  if (tmplIds.length === 0) return Promise.resolve();
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
