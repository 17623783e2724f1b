import { cardIdFor, cardIssuedTo, keyedHash } from '../../../server/services/keyed-ids';
import { patientKeys } from '../../../server/services/patient/keys';
import { bookingKeys } from '../../../server/services/booking/keys';

const KEY = 'k'.repeat(32);
const h = keyedHash(KEY);

/** The same string with the character at `i` replaced by another hex digit. */
const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);

describe('card ids with an owner tag', () => {
  const id = cardIdFor(h, 'openid-a', 'P0000000001');

  it('are deterministic per (user, HIS patient), 40 hex digits after pc_', () => {
    expect(id).toMatch(/^pc_[0-9a-f]{40}$/);
    expect(cardIdFor(h, 'openid-a', 'P0000000001')).toBe(id);
    expect(cardIdFor(h, 'openid-b', 'P0000000001')).not.toBe(id);
    expect(cardIdFor(h, 'openid-a', 'P0000000002')).not.toBe(id);
    expect(patientKeys(KEY).cardId('openid-a', 'P0000000001')).toBe(id);
  });

  it('are recognised as issued to their user only, with the same key', () => {
    expect(cardIssuedTo(h, 'openid-a', id)).toBe(true);
    expect(bookingKeys(KEY).cardIssuedTo('openid-a', id)).toBe(true);
    expect(cardIssuedTo(h, 'openid-b', id)).toBe(false);
    expect(cardIssuedTo(keyedHash('x'.repeat(32)), 'openid-a', id)).toBe(false);
  });

  it('any altered digit, another shape or the old format (no tag) is not recognised', () => {
    for (let i = 3; i < id.length; i++) expect(cardIssuedTo(h, 'openid-a', flip(id, i))).toBe(false);
    const oldFormat = `pc_${h('card-link', 'openid-a', 'P0000000001').slice(0, 40)}`;
    for (const other of [oldFormat, id.toUpperCase(), `${id}0`, id.slice(0, -1), ` ${id}`, id.slice(3), '', 'pc_']) {
      expect(cardIssuedTo(h, 'openid-a', other)).toBe(false);
    }
  });
});
