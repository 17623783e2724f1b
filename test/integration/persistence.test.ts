/**
 * State survives a restart: stop the devstack and start it again on the same state dir without
 * reset; cards and HIS-created patients are still there. A reset wipes them.
 */
import type { Devstack } from '../../devstack/stack';
import { freshPerson } from '../../devstack/seed/identities';
import {
  bindEvent,
  callFn,
  freshStateDir,
  hisPatientsByQuery,
  removeStateDir,
  startTestStack,
  type CardView,
} from './helpers';

jest.setTimeout(60_000);

let stack: Devstack | undefined;
let stateDir: string;

beforeAll(() => {
  stateDir = freshStateDir();
});

afterAll(async () => {
  await stack?.stop();
  removeStateDir(stateDir);
});

async function cardsOf(s: Devstack, openid: string): Promise<CardView[]> {
  const r = await callFn<{ cards: CardView[] }>(s, 'patient', { action: 'list' }, openid);
  if (!r.body.ok) throw new Error(JSON.stringify(r.body));
  return r.body.data.cards;
}

test('cards and 建档 patients persist across a restart; --reset wipes them', async () => {
  const person = freshPerson();
  await stack?.stop(); // whatever another test left running
  stack = await startTestStack(stateDir, true);
  const b = await callFn<CardView>(stack, 'patient', bindEvent(person), 'u1');
  expect(b.body).toMatchObject({ ok: true, data: { createdInHis: true } });
  if (!b.body.ok) return;
  const card = b.body.data;
  const firstHisUrl = stack.hisUrl;
  const first = stack;
  stack = undefined;
  await first.stop();
  await first.stop(); // a second stop is harmless
  // The process-wide environment is restored.
  expect(process.env.HIS_BASE_URL).not.toBe(firstHisUrl);

  stack = await startTestStack(stateDir, false);
  const cards = await cardsOf(stack, 'u1');
  expect(cards.map((c) => [c.id, c.cardNo])).toEqual([[card.id, card.cardNo]]);
  const his = await hisPatientsByQuery(stack, person.idNumber);
  expect(his.total).toBe(1);
  expect(his.items[0]!.cardNo).toBe(card.cardNo);
  // Functions were cold-started against the new HIS sandbox: get still works end to end.
  const g = await callFn(stack, 'patient', { action: 'get', cardId: card.id }, 'u1');
  expect(g.body).toMatchObject({ ok: true, data: { id: card.id } });
  await stack.stop();
  stack = undefined;

  stack = await startTestStack(stateDir, true);
  expect(await cardsOf(stack, 'u1')).toEqual([]);
  expect((await hisPatientsByQuery(stack, person.idNumber)).total).toBe(0);
});

test('only one devstack per process', async () => {
  stack ??= await startTestStack(stateDir, true); // the one running
  const other = freshStateDir();
  try {
    await expect(startTestStack(other, true)).rejects.toThrow(/already running/);
  } finally {
    removeStateDir(other);
  }
});
