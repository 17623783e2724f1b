/**
 * Stylesheet of the preview's native-looking widgets (toast, loading, modal, action sheet,
 * subscription consent sheet, API error banner). Every selector is scoped under `.mpui-` so the
 * rules cannot leak into the rendered mini program, and the sheet is injected once per document.
 *
 * Metrics follow WeChat's native controls (WeUI) scaled for a 375 px wide screen.
 */

export const STYLE_ELEMENT_ID = 'mpui-style';

const FONT = `-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Helvetica Neue', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans SC', sans-serif`;
const HAIRLINE = 'rgba(0, 0, 0, 0.1)';

export const CSS = `
.mpui-layer {
  position: absolute;
  inset: 0;
  font-family: ${FONT};
  -webkit-font-smoothing: antialiased;
  -webkit-tap-highlight-color: transparent;
  box-sizing: border-box;
}
.mpui-layer *, .mpui-layer *::before, .mpui-layer *::after { box-sizing: border-box; }
.mpui-layer button {
  font: inherit;
  margin: 0;
  border: 0;
  border-radius: 0;
  background: none;
  cursor: pointer;
  -webkit-appearance: none;
  appearance: none;
}
.mpui-layer button:focus,
.mpui-layer [tabindex='-1']:focus { outline: none; }
.mpui-layer button:focus-visible { outline: 2px solid rgba(87, 107, 149, 0.5); outline-offset: -2px; }

/* ---- masks ---- */
.mpui-mask {
  position: absolute;
  inset: 0;
  background: rgba(0, 0, 0, 0.6);
  animation: mpui-fade-in 0.2s ease-out;
}
.mpui-mask_transparent { background: transparent; animation: none; }

/* ---- toast / loading ---- */
.mpui-toast-layer { z-index: 5000; pointer-events: none; }
.mpui-toast-layer.mpui-toast-layer_mask { pointer-events: auto; }
.mpui-toast {
  position: absolute;
  top: 40%;
  left: 50%;
  transform: translate(-50%, -50%);
  width: 120px;
  min-height: 120px;
  padding: 22px 10px 14px;
  border-radius: 12px;
  background: rgba(17, 17, 17, 0.7);
  color: rgba(255, 255, 255, 0.9);
  text-align: center;
  display: flex;
  flex-direction: column;
  align-items: center;
  animation: mpui-fade-in 0.15s ease-out;
}
.mpui-toast__icon {
  width: 40px;
  height: 40px;
  flex: none;
  display: block;
  margin-bottom: 12px;
}
.mpui-toast__title {
  font-size: 14px;
  line-height: 1.4;
  max-width: 100%;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}
.mpui-toast_text {
  width: auto;
  min-width: 0;
  min-height: 0;
  max-width: 216px;
  padding: 12px 16px;
  border-radius: 8px;
}
.mpui-toast_text .mpui-toast__title {
  font-size: 15px;
  white-space: normal;
  word-break: break-all;
  display: -webkit-box;
  -webkit-box-orient: vertical;
  -webkit-line-clamp: 2;
}
.mpui-spinner {
  width: 36px;
  height: 36px;
  margin: 2px 2px 14px;
  flex: none;
  border-radius: 50%;
  border: 3px solid rgba(255, 255, 255, 0.25);
  border-top-color: rgba(255, 255, 255, 0.9);
  animation: mpui-spin 0.9s linear infinite;
}

/* ---- modal ---- */
.mpui-modal-layer { z-index: 3000; }
.mpui-modal {
  position: absolute;
  top: 50%;
  left: 50%;
  transform: translate(-50%, -50%);
  width: 320px;
  max-width: 85%;
  max-height: 90%;
  display: flex;
  flex-direction: column;
  background: #fff;
  border-radius: 12px;
  overflow: hidden;
  text-align: center;
  animation: mpui-zoom-in 0.2s ease-out;
}
.mpui-modal__hd { padding: 32px 24px 16px; }
.mpui-modal__title {
  margin: 0;
  font-size: 17px;
  font-weight: 700;
  line-height: 1.4;
  color: rgba(0, 0, 0, 0.9);
  word-break: break-all;
}
.mpui-modal__bd {
  padding: 0 24px 32px;
  min-height: 40px;
  overflow-y: auto;
  font-size: 17px;
  line-height: 1.4;
  color: rgba(0, 0, 0, 0.5);
  white-space: pre-wrap;
  word-wrap: break-word;
  word-break: break-all;
}
.mpui-modal_no-title .mpui-modal__bd { padding-top: 40px; color: rgba(0, 0, 0, 0.9); }
.mpui-modal__input {
  display: block;
  width: 100%;
  height: 44px;
  padding: 0 12px;
  border: 0;
  border-radius: 8px;
  background: rgba(0, 0, 0, 0.05);
  font: inherit;
  font-size: 17px;
  color: rgba(0, 0, 0, 0.9);
  text-align: left;
  outline: none;
}
.mpui-modal__input::placeholder { color: rgba(0, 0, 0, 0.3); }
.mpui-modal_editable .mpui-modal__bd { padding-bottom: 24px; }
.mpui-modal__ft {
  display: flex;
  flex: none;
  border-top: 0.5px solid ${HAIRLINE};
}
.mpui-modal__btn {
  flex: 1;
  height: 56px;
  line-height: 56px;
  padding: 0 8px;
  font-size: 17px !important;
  font-weight: 700 !important;
  color: rgba(0, 0, 0, 0.9);
  overflow: hidden;
  white-space: nowrap;
  text-overflow: ellipsis;
}
.mpui-modal__btn + .mpui-modal__btn { border-left: 0.5px solid ${HAIRLINE} !important; }
.mpui-modal__btn_confirm { color: #576b95; }
.mpui-modal__btn:active { background: rgba(0, 0, 0, 0.05); }

/* ---- bottom sheets (action sheet, consent) ---- */
.mpui-sheet-layer { z-index: 3000; }
.mpui-sheet {
  position: absolute;
  left: 0;
  right: 0;
  bottom: 0;
  max-height: 90%;
  display: flex;
  flex-direction: column;
  border-radius: 12px 12px 0 0;
  overflow: hidden;
  animation: mpui-slide-up 0.25s ease-out;
}
.mpui-actionsheet { background: #f7f7f7; }
.mpui-actionsheet__menu { background: #fff; overflow-y: auto; }
.mpui-actionsheet__alert {
  padding: 16px 24px;
  min-height: 56px;
  display: flex;
  align-items: center;
  justify-content: center;
  font-size: 14px;
  line-height: 1.4;
  color: rgba(0, 0, 0, 0.5);
  text-align: center;
  word-break: break-all;
  border-bottom: 0.5px solid ${HAIRLINE};
}
.mpui-actionsheet__cell {
  display: block;
  width: 100%;
  min-height: 56px;
  padding: 16px !important;
  font-size: 17px !important;
  line-height: 1.4;
  color: rgba(0, 0, 0, 0.9);
  text-align: center;
  word-break: break-all;
  background: #fff !important;
}
.mpui-actionsheet__cell + .mpui-actionsheet__cell { border-top: 0.5px solid ${HAIRLINE} !important; }
.mpui-actionsheet__cell:active { background: #ececec !important; }
.mpui-actionsheet__cancel-wrap { margin-top: 8px; background: #fff; flex: none; }

.mpui-consent { background: #fff; padding: 24px 24px 32px; }
.mpui-consent__app {
  display: flex;
  align-items: center;
  gap: 8px;
  font-size: 14px;
  color: rgba(0, 0, 0, 0.9);
}
.mpui-consent__logo {
  width: 24px;
  height: 24px;
  flex: none;
  border-radius: 50%;
  background: #07c160;
  color: #fff;
  font-size: 13px;
  line-height: 24px;
  text-align: center;
}
.mpui-consent__apply { color: rgba(0, 0, 0, 0.5); }
.mpui-consent__title {
  margin: 16px 0 8px;
  font-size: 20px;
  font-weight: 700;
  line-height: 1.4;
  color: rgba(0, 0, 0, 0.9);
}
.mpui-consent__list {
  margin: 0;
  padding: 0;
  list-style: none;
  overflow-y: auto;
  border-top: 0.5px solid ${HAIRLINE};
}
.mpui-consent__item { border-bottom: 0.5px solid ${HAIRLINE}; }
.mpui-consent__row {
  display: flex;
  align-items: center;
  gap: 12px;
  min-height: 56px;
  padding: 12px 0;
  cursor: pointer;
}
.mpui-consent__name {
  flex: 1;
  font-size: 17px;
  line-height: 1.4;
  color: rgba(0, 0, 0, 0.9);
  word-break: break-all;
}
.mpui-check {
  -webkit-appearance: none;
  appearance: none;
  flex: none;
  position: relative;
  width: 22px;
  height: 22px;
  margin: 0;
  border: 1.5px solid rgba(0, 0, 0, 0.3);
  border-radius: 50%;
  background: #fff;
  cursor: pointer;
}
.mpui-check:checked { border-color: #07c160; background: #07c160; }
.mpui-check:checked::after {
  content: '';
  position: absolute;
  left: 6.5px;
  top: 3px;
  width: 5px;
  height: 10px;
  border: solid #fff;
  border-width: 0 2px 2px 0;
  transform: rotate(45deg);
}
.mpui-check:focus-visible { outline: 2px solid rgba(7, 193, 96, 0.5); outline-offset: 2px; }
.mpui-check_small { width: 16px; height: 16px; border-width: 1px; }
.mpui-check_small:checked::after { left: 4.5px; top: 1.5px; width: 4px; height: 8px; border-width: 0 1.5px 1.5px 0; }
.mpui-consent__always {
  display: flex;
  align-items: center;
  gap: 8px;
  margin-top: 16px;
  font-size: 13px;
  color: rgba(0, 0, 0, 0.5);
  cursor: pointer;
}
.mpui-consent__ft {
  display: flex;
  justify-content: center;
  gap: 16px;
  margin-top: 32px;
}
.mpui-consent__btn {
  width: 128px;
  height: 40px;
  line-height: 40px;
  border-radius: 8px !important;
  font-size: 17px !important;
  font-weight: 700 !important;
  background: #f2f2f2 !important;
  color: #06ae56;
}
.mpui-consent__btn_allow { background: #07c160 !important; color: #fff; }
.mpui-consent__btn:active { filter: brightness(0.92); }

/* ---- API error banners ---- */
.mpui-api-errors {
  position: absolute;
  top: 0;
  left: 0;
  right: 0;
  z-index: 6000;
  display: flex;
  flex-direction: column;
  gap: 4px;
  padding: 4px;
  pointer-events: none;
  font-family: ${FONT};
}
.mpui-api-error {
  pointer-events: auto;
  display: flex;
  align-items: flex-start;
  gap: 8px;
  padding: 8px 4px 8px 12px;
  border-radius: 6px;
  background: #fa5151;
  color: #fff;
  font-size: 13px;
  line-height: 1.5;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.2);
  animation: mpui-fade-in 0.2s ease-out;
}
.mpui-api-error__msg {
  flex: 1;
  min-width: 0;
  white-space: pre-wrap;
  word-break: break-all;
  max-height: 120px;
  overflow-y: auto;
}
.mpui-api-error__close {
  flex: none;
  width: 24px;
  height: 24px;
  margin: -2px 0;
  padding: 0;
  border: 0;
  border-radius: 4px;
  background: none;
  color: #fff;
  font: inherit;
  font-size: 18px;
  line-height: 24px;
  cursor: pointer;
}
.mpui-api-error__close:hover { background: rgba(255, 255, 255, 0.2); }

@keyframes mpui-fade-in { from { opacity: 0; } to { opacity: 1; } }
@keyframes mpui-zoom-in { from { opacity: 0; transform: translate(-50%, -50%) scale(0.9); } to { opacity: 1; transform: translate(-50%, -50%) scale(1); } }
@keyframes mpui-slide-up { from { transform: translateY(100%); } to { transform: translateY(0); } }
@keyframes mpui-spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) {
  .mpui-layer *, .mpui-api-error { animation-duration: 0.01ms !important; }
  .mpui-spinner { animation-duration: 1.5s !important; }
}
`;

/** Inject the widget stylesheet into the document owning `root`, once. */
export function ensureStyles(root: HTMLElement): void {
  const doc = root.ownerDocument;
  if (doc.getElementById(STYLE_ELEMENT_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ELEMENT_ID;
  style.textContent = CSS;
  (doc.head ?? doc.documentElement).appendChild(style);
}
