/**
 * On-screen look-alikes of WeChat's native UI for the browser preview runtime (/preview):
 * toast, loading, modal, action sheet, the subscription consent sheet, the WeChat Pay sheet and an
 * API error banner.
 *
 * Every widget is rendered inside `root` (the phone screen element, which the runtime makes
 * `position: relative; overflow: hidden`), positioned absolutely, and removed when closed.
 * Buttons carry stable `data-testid`s for e2e tests:
 *   toast, loading, modal, modal-title, modal-content, modal-input, modal-confirm, modal-cancel,
 *   actionsheet, actionsheet-alert, actionsheet-item-<i>, actionsheet-cancel, actionsheet-mask,
 *   consent, consent-item-<templateId> (checkbox), consent-row-<templateId>, consent-always,
 *   consent-allow, consent-reject, pay, pay-merchant, pay-amount, pay-description, pay-method,
 *   pay-confirm, pay-cancel, api-errors, api-error, api-error-message, api-error-close; the 医保
 *   sheet (medpay-*, ./med-ins-pay.ts) and the screens of other mini programs (medins-*, papay-*:
 *   ./med-ins-auth.ts, ./papay-sign.ts).
 */

export { showToast, hideToast, showLoading, hideLoading } from './toast';
export { showModal } from './modal';
export { showActionSheet } from './sheet';
export { showConsentDialog } from './consent';
export { showPaymentSheet } from './payment';
export { showApiError } from './api-error';
export { showMedInsPaySheet } from './med-ins-pay';
export { showMedInsAuth } from './med-ins-auth';
export { showPapaySign } from './papay-sign';
