/**
 * The 医保 mini program's 授权 screen (医保电子凭证), as the preview shows it for
 * wx.navigateToMiniProgram to `wxe183cd55df4b4369`: the hospital asking to use the user's 医保
 * electronic certificate for 医保移动支付. The real one knows the user's real-name identity; here
 * the user types 姓名 and 身份证号 (the runtime remembers them per devstack identity).
 *
 * `submit` is called on 授权 with what was typed; its answer is '' (done: the screen closes) or a
 * message shown under the fields (the user corrects and tries again). 取消 and the back arrow close
 * with null.
 *
 * Test ids: medins-auth, medins-auth-back, medins-name, medins-id, medins-error, medins-confirm,
 * medins-cancel.
 */
import { button, el } from './dom';
import { brand, openMiniProgramScreen } from './mini-program';

export interface MedInsIdentity {
  name: string;
  idNumber: string;
}

export interface MedInsAuthOptions {
  /** The app asking (智慧医院). */
  appName: string;
  initial: MedInsIdentity;
  submit(identity: MedInsIdentity): Promise<string>;
}

function field(root: HTMLElement, label: string, testId: string, value: string, placeholder: string) {
  const input = el(root, 'input', undefined, { id: `${testId}-input`, 'data-testid': testId, placeholder });
  input.value = value;
  input.autocomplete = 'off';
  const row = el(root, 'div', 'mpui-mp__field');
  row.append(el(root, 'label', undefined, { for: `${testId}-input` }, label), input);
  return { input, row };
}

/** Resolves with the identity authorised, or null when the user cancelled or went back. */
export function showMedInsAuth(root: HTMLElement, opts: MedInsAuthOptions): Promise<MedInsIdentity | null> {
  const screen = openMiniProgramScreen(root, '医保电子凭证', 'medins-auth', null);
  const card = el(root, 'div', 'mpui-mp__card');
  card.append(
    brand(root, '保', '国家医保服务平台', '#1a73e8'),
    el(root, 'div', 'mpui-mp__headline', undefined, `${opts.appName} 申请使用你的医保电子凭证`),
    el(
      root,
      'div',
      'mpui-mp__text',
      undefined,
      '用于医保移动支付：授权后，医院可为你办理本次医保结算（统筹基金、个人账户）。',
    ),
  );
  const { input: name, row: nameRow } = field(root, '姓名', 'medins-name', opts.initial.name, '参保人姓名');
  const { input: id, row: idRow } = field(root, '身份证号', 'medins-id', opts.initial.idNumber, '18 位居民身份证号码');
  const form = el(root, 'div', 'mpui-mp__card');
  const error = el(root, 'div', 'mpui-mp__error', { 'data-testid': 'medins-error', role: 'alert' });
  const confirm = button(root, 'mpui-mp__primary', 'medins-confirm', '授权');
  const cancel = button(root, 'mpui-mp__secondary', 'medins-cancel', '取消');
  const actions = el(root, 'div', 'mpui-mp__actions');
  actions.append(confirm, cancel);
  form.append(
    nameRow,
    idRow,
    error,
    actions,
    el(
      root,
      'div',
      'mpui-mp__note',
      undefined,
      '预览环境：真实的医保小程序使用你的实名认证身份；这里请填写就诊人本人的姓名和身份证号（授权人须与就诊人一致）。',
    ),
  );
  screen.body.append(card, form);

  confirm.addEventListener('click', () => {
    const identity = { name: name.value.trim(), idNumber: id.value.trim().toUpperCase() };
    if (!identity.name || !identity.idNumber) {
      error.textContent = '请填写姓名和身份证号';
      return;
    }
    confirm.disabled = true;
    error.textContent = '';
    void opts.submit(identity).then(
      (problem) => {
        confirm.disabled = false;
        if (problem) error.textContent = problem;
        else screen.close(identity);
      },
      () => {
        confirm.disabled = false;
        error.textContent = '授权失败，请稍后再试';
      },
    );
  });
  cancel.addEventListener('click', () => screen.close(null));
  return screen.closed as Promise<MedInsIdentity | null>;
}
