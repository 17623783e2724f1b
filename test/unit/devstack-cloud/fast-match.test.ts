import { Query as MingoQuery } from 'mingo';
import { createCommand } from '../../../devstack/cloud/commands';
import { compileWhere } from '../../../devstack/cloud/query';

/**
 * compileWhere decides plain scalar conditions without mingo: it must agree with mingo on every
 * document, whatever the stored values (scalars, null, missing, arrays, objects, mixed types).
 */
describe('compileWhere fast path agrees with mingo', () => {
  const _ = createCommand();
  const now = new Date('2027-02-25T00:00:00.000Z');
  const values: unknown[] = [
    undefined,
    null,
    0,
    1,
    2,
    -1,
    1.5,
    '',
    'a',
    'b',
    'x1',
    true,
    false,
    [],
    ['a'],
    [1, 2],
    { a: 1 },
    {},
  ];
  const docs = values.flatMap((v) =>
    values.map((w) => {
      const d: Record<string, unknown> = { _id: 'id1' };
      if (v !== undefined) d.f = v;
      if (w !== undefined) d.g = w;
      return d;
    }),
  );
  const operands: unknown[] = [null, 0, 1, 'a', 'b', true, false];
  const conds: Record<string, unknown>[] = [
    {},
    { _id: 'id1' },
    { _id: _.in(['id1', 'id2']) },
    { f: _.in(['a', 'x1']) },
  ];
  for (const o of operands) {
    conds.push({ f: o }, { f: _.eq(o) }, { _id: 'id1', f: o, g: o });
    if (o !== null) conds.push({ f: _.gt(o) }, { f: _.gte(o) }, { f: _.lt(o) }, { f: _.lte(o), g: o });
  }

  it.each(conds.map((c, i) => [i, c] as const))('condition %i', (_i, cond) => {
    const compiled = compileWhere(cond, now);
    const mingo = new MingoQuery(compiled.criteria, {});
    for (const doc of docs) expect([doc, compiled.test(doc)]).toEqual([doc, mingo.test(doc)]);
  });
});
