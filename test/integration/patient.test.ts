/**
 * `patient` (就诊人管理) through the devstack HTTP contract only: POST /functions/patient with
 * X-WX-OPENID, against the built bundle, the CloudBase emulator and the HIS sandbox.
 */
import { freshPerson, withWrongChecksum } from '../../devstack/seed/identities';
import {
  bindEvent,
  callFn,
  collectionCounts,
  hisPatientCount,
  hisPatientsByQuery,
  sandbox,
  stackForTests,
  type CardView,
} from './helpers';

jest.setTimeout(60_000);

const stack = stackForTests();

async function listCards(openid: string): Promise<CardView[]> {
  const r = await callFn<{ cards: CardView[]; limit: number }>(stack(), 'patient', { action: 'list' }, openid);
  expect(r.status).toBe(200);
  if (!r.body.ok) throw new Error(`list failed: ${JSON.stringify(r.body)}`);
  return r.body.data.cards;
}

/** Everything the emulator stores, as one string (to prove whole PII is not kept). */
function storedText(): string {
  return stack()
    .emulator.admin.listCollections()
    .map((c) => JSON.stringify(stack().emulator.admin.listDocuments(c.name, { limit: 10_000 })))
    .join('\n');
}

describe('bind → list → get (u1, 建档 of a fresh person)', () => {
  const person = freshPerson();
  let bound: Awaited<ReturnType<typeof callFn<CardView>>>;
  let hisBefore: number;
  let hisAfter: number;
  let card: CardView;

  // The bind every test here starts from (each test leaves u1 with exactly this card).
  beforeAll(async () => {
    hisBefore = await hisPatientCount(stack());
    bound = await callFn<CardView>(stack(), 'patient', bindEvent(person), 'u1');
    hisAfter = await hisPatientCount(stack());
    if (!bound.body.ok) throw new Error(`bind failed: ${bound.text}`);
    card = bound.body.data;
  });

  test('bind with a fresh valid ID number succeeds and masks PII in the response', async () => {
    const r = bound;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true });
    expect(r.text).not.toContain(person.idNumber);
    expect(r.text).not.toContain(person.phone);
    expect(card.idNumberMasked).toBe(`${person.idNumber.slice(0, 6)}********${person.idNumber.slice(-4)}`);
    expect(card.phoneMasked).toBe(`${person.phone.slice(0, 3)}****${person.phone.slice(-4)}`);
    expect(card.relation).toBe('本人');
    expect(card.isDefault).toBe(true);
    expect(card.createdInHis).toBe(true);
    // 建档: the HIS sandbox now has exactly this patient.
    const his = await hisPatientsByQuery(stack(), person.idNumber);
    expect(his.total).toBe(1);
    expect(his.items[0]!.cardNo).toBe(card.cardNo);
    expect(hisAfter).toBe(hisBefore + 1);
  });

  test('the cloud DB keeps no whole ID number or phone', () => {
    const text = storedText();
    expect(text).not.toContain(person.idNumber);
    expect(text).not.toContain(person.phone);
  });

  test('list shows the card, get returns it', async () => {
    const cards = await listCards('u1');
    expect(cards.map((c) => c.id)).toEqual([card.id]);
    const g = await callFn<CardView>(stack(), 'patient', { action: 'get', cardId: card.id }, 'u1');
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ ok: true, data: { id: card.id, cardNo: card.cardNo } });
    expect(g.text).not.toContain(person.idNumber);
  });

  test('the same bind with a wrong checksum is INVALID_ARGUMENT on idNumber and changes nothing', async () => {
    const other = freshPerson();
    const wrong = withWrongChecksum(other.idNumber);
    const before = await collectionCounts(stack());
    const hisBefore = await hisPatientCount(stack());
    const r = await callFn(stack(), 'patient', bindEvent({ ...other, idNumber: wrong }), 'u1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'idNumber' } });
    expect(r.text).not.toContain(wrong);
    expect((await listCards('u1')).map((c) => c.id)).toEqual([card.id]);
    expect(await collectionCounts(stack())).toEqual(before);
    expect((await hisPatientsByQuery(stack(), wrong)).total).toBe(0);
    expect((await hisPatientsByQuery(stack(), other.idNumber)).total).toBe(0);
    expect(await hisPatientCount(stack())).toBe(hisBefore);
  });

  test('binding the same person again is ALREADY_EXISTS', async () => {
    const r = await callFn(stack(), 'patient', bindEvent(person), 'u1');
    expect(r.body).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS', reason: 'duplicate' } });
    expect(await listCards('u1')).toHaveLength(1);
  });

  test('u2 cannot get/unbind/setDefault u1’s card: NOT_FOUND, identical to a nonexistent id', async () => {
    const last = card.id.slice(-1);
    const nonexistent = card.id.slice(0, -1) + (last === 'a' ? 'b' : 'a');
    for (const action of ['get', 'unbind', 'setDefault']) {
      const theirs = await callFn(stack(), 'patient', { action, cardId: card.id }, 'u2');
      const missing = await callFn(stack(), 'patient', { action, cardId: nonexistent }, 'u2');
      expect(theirs.status).toBe(200);
      expect(theirs.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(theirs.text).toBe(missing.text);
      // u1 probing a nonexistent id gets the same answer too.
      const own = await callFn(stack(), 'patient', { action, cardId: nonexistent }, 'u1');
      expect(own.text).toBe(missing.text);
    }
    expect((await listCards('u1')).map((c) => c.id)).toEqual([card.id]);
    expect(await listCards('u2')).toEqual([]);
    const g = await callFn(stack(), 'patient', { action: 'get', cardId: card.id }, 'u1');
    expect(g.body).toMatchObject({ ok: true });
  });

  test('setDefault and unbind work for the owner', async () => {
    const s = await callFn<CardView>(stack(), 'patient', { action: 'setDefault', cardId: card.id }, 'u1');
    expect(s.body).toMatchObject({ ok: true, data: { id: card.id, isDefault: true } });
    const second = freshPerson();
    const b = await callFn<CardView>(stack(), 'patient', bindEvent(second, { relation: '配偶' }), 'u1');
    expect(b.body).toMatchObject({ ok: true, data: { isDefault: false } });
    if (!b.body.ok) return;
    const u = await callFn(stack(), 'patient', { action: 'unbind', cardId: b.body.data.id }, 'u1');
    expect(u.body).toMatchObject({ ok: true, data: { cardId: b.body.data.id } });
    expect((await listCards('u1')).map((c) => c.id)).toEqual([card.id]);
  });
});

describe('identity', () => {
  test('missing X-WX-OPENID → UNAUTHENTICATED', async () => {
    for (const event of [{ action: 'list' }, bindEvent(freshPerson()), { action: 'get', cardId: 'abc' }]) {
      const r = await callFn(stack(), 'patient', event);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
    const empty = await callFn(stack(), 'patient', { action: 'list' }, '');
    expect(empty.body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  test('an openid inside the event is refused, never taken as identity', async () => {
    const r = await callFn(stack(), 'patient', { action: 'list', openid: 'u1' }, 'u2');
    expect(r.body).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field: 'openid' } });
  });
});

describe('malformed payloads → INVALID_ARGUMENT naming the field, nothing stored', () => {
  const base = freshPerson();
  const valid = bindEvent(base);
  const without = (k: string): Record<string, unknown> => {
    const e = { ...valid };
    delete e[k];
    return e;
  };

  type Case = [label: string, event: unknown, field: string];
  const bindCases: Case[] = [
    ['name missing', without('name'), 'name'],
    ['name wrong type', { ...valid, name: 123 }, 'name'],
    ['name empty', { ...valid, name: '' }, 'name'],
    ['name too long', { ...valid, name: '张'.repeat(40) }, 'name'],
    ['name bad format', { ...valid, name: '张3<script>' }, 'name'],
    ['idNumber missing', without('idNumber'), 'idNumber'],
    ['idNumber wrong type', { ...valid, idNumber: 330602199001 }, 'idNumber'],
    ['idNumber empty', { ...valid, idNumber: '' }, 'idNumber'],
    ['idNumber too long', { ...valid, idNumber: `${base.idNumber}1` }, 'idNumber'],
    ['idNumber bad format', { ...valid, idNumber: 'ABCDEFGHIJKLMNOPQR' }, 'idNumber'],
    ['idNumber bad checksum', { ...valid, idNumber: withWrongChecksum(base.idNumber) }, 'idNumber'],
    ['idNumber future birth date', { ...valid, idNumber: '33060221000101001X' }, 'idNumber'],
    ['phone missing', without('phone'), 'phone'],
    ['phone wrong type', { ...valid, phone: 13800138000 }, 'phone'],
    ['phone empty', { ...valid, phone: '' }, 'phone'],
    ['phone too long', { ...valid, phone: '138001380001234' }, 'phone'],
    ['phone bad format', { ...valid, phone: '12345678901' }, 'phone'],
    ['relation missing', without('relation'), 'relation'],
    ['relation wrong type', { ...valid, relation: 1 }, 'relation'],
    ['relation empty', { ...valid, relation: '' }, 'relation'],
    ['relation too long', { ...valid, relation: '本人'.repeat(50) }, 'relation'],
    ['relation bad value', { ...valid, relation: '朋友' }, 'relation'],
    ['socialSecurityNo wrong type', { ...valid, socialSecurityNo: 12345678 }, 'socialSecurityNo'],
    ['socialSecurityNo too short', { ...valid, socialSecurityNo: 'AB12' }, 'socialSecurityNo'],
    ['socialSecurityNo too long', { ...valid, socialSecurityNo: 'A'.repeat(21) }, 'socialSecurityNo'],
    ['socialSecurityNo bad format', { ...valid, socialSecurityNo: 'AB-1234!' }, 'socialSecurityNo'],
    ['unknown extra field', { ...valid, isAdmin: true }, 'isAdmin'],
  ];
  const cardIdCases: Case[] = ['get', 'unbind', 'setDefault'].flatMap((action): Case[] => [
    [`${action}: cardId missing`, { action }, 'cardId'],
    [`${action}: cardId wrong type`, { action, cardId: 42 }, 'cardId'],
    [`${action}: cardId empty`, { action, cardId: '' }, 'cardId'],
    [`${action}: cardId too long`, { action, cardId: 'a'.repeat(65) }, 'cardId'],
    [`${action}: cardId bad format`, { action, cardId: '../x y' }, 'cardId'],
    [`${action}: unknown extra field`, { action, cardId: 'abc', extra: 1 }, 'extra'],
  ]);
  const envelopeCases: Case[] = [
    ['list: unknown extra field', { action: 'list', x: 1 }, 'x'],
    ['array body', [valid], '(payload)'],
    ['string body', 'bind', '(payload)'],
    ['number body', 42, '(payload)'],
    ['null body', null, '(payload)'],
    ['missing action', without('action'), 'action'],
    ['action wrong type', { ...valid, action: 7 }, 'action'],
    ['unknown action', { ...valid, action: 'drop' }, 'action'],
    ['prototype action', { action: 'toString' }, 'action'],
    ['__proto__ action', { action: '__proto__' }, 'action'],
  ];

  let countsBefore: Record<string, number>;
  let hisBefore: number;
  beforeAll(async () => {
    countsBefore = await collectionCounts(stack());
    hisBefore = await hisPatientCount(stack());
  });

  test.each([...bindCases, ...cardIdCases, ...envelopeCases])('%s', async (_label, event, field) => {
    const r = await callFn(stack(), 'patient', event, 'u-matrix');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', field } });
    if (!r.body.ok) expect(typeof r.body.error.message).toBe('string');
  });

  test('no card was stored and the HIS is unchanged', async () => {
    expect(await listCards('u-matrix')).toEqual([]);
    expect(await collectionCounts(stack())).toEqual(countsBefore);
    expect(await hisPatientCount(stack())).toBe(hisBefore);
    expect((await hisPatientsByQuery(stack(), base.idNumber)).total).toBe(0);
  });

  test('a body that is not JSON is HTTP 400 with a JSON error', async () => {
    const r = await callFn(stack(), 'patient', '{"action": "list"', 'u-matrix', { raw: true });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: expect.any(String) });
  });
});

describe('seeded HIS patients', () => {
  interface Sample {
    name: string;
    idNumber: string;
    phone: string;
    cardNo: string;
  }
  let samples: Sample[];
  beforeAll(async () => {
    samples = (await sandbox<{ items: Sample[]; fake: boolean }>(stack(), 'patients/sample?count=5')).items;
    expect(samples.length).toBeGreaterThanOrEqual(2);
  });

  test('binding an existing HIS patient with the right name links the existing card (no 建档)', async () => {
    const p = samples[0]!;
    const hisBefore = await hisPatientCount(stack());
    const r = await callFn<CardView>(stack(), 'patient', bindEvent(p), 'patient-zhang');
    expect(r.body).toMatchObject({ ok: true, data: { cardNo: p.cardNo } });
    if (r.body.ok) expect(r.body.data.createdInHis).toBeFalsy();
    expect(r.text).not.toContain(p.idNumber);
    expect(await hisPatientCount(stack())).toBe(hisBefore);
  });

  test('with a wrong name it is refused and nothing is stored', async () => {
    const p = samples[1]!;
    const chars = Array.from(p.name);
    const wrongName = chars[0] === '王' ? `李${chars.slice(1).join('')}` : `王${chars.slice(1).join('')}`;
    const before = await collectionCounts(stack());
    const r = await callFn(stack(), 'patient', bindEvent(p, { name: wrongName }), 'patient-li');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', reason: 'realNameMismatch', message: '姓名与身份证号不一致' },
    });
    expect(r.text).not.toContain(p.name);
    expect(await listCards('patient-li')).toEqual([]);
    expect(await collectionCounts(stack())).toEqual(before);
  });
});

describe('parallel binds', () => {
  test('20 concurrent binds by 20 different users all succeed', async () => {
    const people = Array.from({ length: 20 }, () => freshPerson());
    const results = await Promise.all(
      people.map((p, i) => callFn<CardView>(stack(), 'patient', bindEvent(p), `par-user-${i}`)),
    );
    for (const r of results) expect(r.body).toMatchObject({ ok: true });
    for (const p of people) expect((await hisPatientsByQuery(stack(), p.idNumber)).total).toBe(1);
    const lists = await Promise.all(people.map((_p, i) => listCards(`par-user-${i}`)));
    for (const l of lists) expect(l).toHaveLength(1);
  });

  test('10 concurrent identical binds by one user → exactly one ok, the rest ALREADY_EXISTS', async () => {
    const p = freshPerson();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => callFn(stack(), 'patient', bindEvent(p), 'par-same')),
    );
    const oks = results.filter((r) => r.body.ok);
    const codes = results.filter((r) => !r.body.ok).map((r) => (r.body.ok ? '' : r.body.error.code));
    expect(oks).toHaveLength(1);
    expect(codes).toEqual(Array(9).fill('ALREADY_EXISTS'));
    expect(await listCards('par-same')).toHaveLength(1);
    expect((await hisPatientsByQuery(stack(), p.idNumber)).total).toBe(1);
  });
});
