/**
 * 自动缴费 (委托代扣) signing, without a page:
 *
 * 1. `signContract` → the server's signed extraData for WeChat's contract-signing mini program;
 *    `wx.navigateToMiniProgram` goes there (startSigning).
 * 2. The answer comes back in App.onShow (`{return_code, return_msg, contract_id}`, none when the
 *    user went back), which app.ts hands to utils/mini-program-return.ts; the page takes it in its
 *    onShow (signReturn).
 * 3. WeChat's signing notification reaches the server on its own, a moment later: the page asks
 *    `contract` again a few times (pollContract) until it is no longer `signing`.
 */
import type { WithholdingContractView } from '../../../typings/payment';
import { errorMessage, reasonOf } from '../../services/cloud';
import { PAPAY_APP_ID, takeReturn } from '../../utils/mini-program-return';
import { jumpTo } from './insurance-flow';
import { getContract, signContract } from './payment';

/** Delays between the `contract` reads after the signing mini program answered (ms). */
export const CONTRACT_POLL_DELAYS_MS: readonly number[] = [800, 1500, 2500, 4000];

export type SignStart =
  { kind: 'jumped'; contract: WithholdingContractView } | { kind: 'refused'; title: string; message: string };

/** What a refusal of signContract / cancelContract means for the patient. */
export function contractRefusal(err: unknown): { title: string; message: string } {
  if (reasonOf(err, 'payment') === 'contractLimit') {
    return { title: '暂时无法办理', message: '自动缴费正在开通或已开通，请稍后刷新查看当前状态' };
  }
  return { title: '办理未完成', message: errorMessage(err) };
}

/** Step 1, from the 开通自动缴费 tap. */
export async function startSigning(cardId: string): Promise<SignStart> {
  let answer;
  try {
    answer = await signContract(cardId);
  } catch (err) {
    return { kind: 'refused', ...contractRefusal(err) };
  }
  const jump = await jumpTo(answer.miniProgram);
  if (!jump.ok) {
    const message = jump.cancelled ? '已取消开通' : '无法打开微信支付签约页面，请稍后再试';
    return { kind: 'refused', title: '开通未完成', message };
  }
  return { kind: 'jumped', contract: answer.contract };
}

export type SignReturn =
  | { kind: 'signed'; contractId: string }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' }
  | { kind: 'none' };

/** Step 2: what the signing mini program answered, taken once. */
export function signReturn(): SignReturn {
  const back = takeReturn(PAPAY_APP_ID);
  if (!back) return { kind: 'none' };
  const { return_code: code, return_msg: msg, contract_id: contractId } = back.extraData;
  if (code === 'SUCCESS') return { kind: 'signed', contractId: contractId ?? '' };
  if (code) return { kind: 'failed', message: msg || '签约未成功，请稍后再试' };
  return { kind: 'cancelled' };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Step 3: `contract` until it is no longer `signing` (or the delays run out); the last answer, or
 * null when none came.
 */
export async function pollContract(
  cardId: string,
  delays: readonly number[] = CONTRACT_POLL_DELAYS_MS,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<WithholdingContractView | null> {
  let last: WithholdingContractView | null = null;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await sleep(delays[attempt - 1]!);
    try {
      last = await getContract(cardId);
    } catch {
      continue; // asked again after the next delay
    }
    if (last.status !== 'signing' && last.status !== 'none') break;
  }
  return last;
}
