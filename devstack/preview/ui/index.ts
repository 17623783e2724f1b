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
 *   pay-confirm, pay-cancel, api-errors, api-error, api-error-message, api-error-close.
 */

export { showToast, hideToast, showLoading, hideLoading } from './toast';
export { showModal } from './modal';
export { showActionSheet } from './sheet';
export { showConsentDialog } from './consent';
export { showPaymentSheet } from './payment';
export { showApiError } from './api-error';
