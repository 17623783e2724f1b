/** What kind of answer a `book` call got, for the burst's outcome counts and latency by outcome. */
import type { Envelope } from './http';

const MSG_FULL = '该时段已约满';
const MSG_HIS = '医院系统';

export type Outcome = 'ok' | 'full' | 'refusedByHis' | 'unavailable' | 'pending' | 'other';

export const OUTCOMES: readonly Outcome[] = ['ok', 'full', 'refusedByHis', 'unavailable', 'pending', 'other'];

export function classify(e: Envelope): Outcome {
  if (e.ok) return 'ok';
  const code = e.error?.code ?? '';
  const msg = e.error?.message ?? '';
  if (code === 'FAILED_PRECONDITION' && msg.startsWith(MSG_FULL)) return 'full';
  if (code === 'UNAVAILABLE' && msg.includes('确认中')) return 'pending';
  if (code === 'UNAVAILABLE') return 'unavailable';
  if (code === 'FAILED_PRECONDITION' && msg.startsWith(MSG_HIS)) return 'refusedByHis';
  return 'other';
}
