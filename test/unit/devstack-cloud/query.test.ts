import type { Database, DocData } from '../../../server/ports/cloud-sdk';
import { memoryEmulator, type Harness } from './helpers';

/** The port's CommandValue is opaque; the emulation's values also chain field-level and/or. */
interface Chainable {
  and(...c: unknown[]): unknown;
  or(...c: unknown[]): unknown;
}
const ch = (v: unknown): Chainable => v as Chainable;

const D = (s: string): Date => new Date(`${s}T00:00:00.000Z`);

describe('cloud emulator database: where, orderBy, skip, field, count', () => {
  let h: Harness;
  let db: Database;
  const ids = async (q: { get(): Promise<{ data: DocData[] }> }): Promise<unknown[]> =>
    (await q.get()).data.map((d) => d._id);

  beforeEach(async () => {
    h = memoryEmulator();
    db = h.emu.db;
    const rows: DocData[] = [
      {
        _id: 'p1',
        name: '张三',
        age: 30,
        city: 'sx',
        dept: { code: 'A', floor: 3 },
        tags: ['vip', 'x'],
        at: D('2026-01-01'),
      },
      { _id: 'p2', name: '李四', age: 20, city: 'hz', dept: { code: 'B', floor: 1 }, tags: ['x'], at: D('2026-02-01') },
      {
        _id: 'p3',
        name: '王五',
        age: 40,
        city: 'sx',
        dept: { code: 'A', floor: 1 },
        tags: [],
        at: D('2026-03-01'),
        vip: true,
      },
      { _id: 'p4', name: '赵六', age: 20, city: 'nb', dept: { code: 'C', floor: 2 }, at: D('2026-04-01') },
    ];
    for (const r of rows) await db.collection('people').add({ data: r });
  });
  afterEach(() => h.emu.close());

  it('plain equality, dot paths and nested objects (sub-field match, not whole-object equality)', async () => {
    const col = db.collection('people');
    expect(await ids(col.where({ city: 'sx' }))).toEqual(['p1', 'p3']);
    expect(await ids(col.where({ 'dept.code': 'A' }))).toEqual(['p1', 'p3']);
    // { dept: { code: 'A' } } matches sub-fields although dept also has `floor`
    expect(await ids(col.where({ dept: { code: 'A' } }))).toEqual(['p1', 'p3']);
    expect(await ids(col.where({ dept: { code: 'A', floor: 1 } }))).toEqual(['p3']);
    expect(await ids(col.where({ dept: { floor: db.command.gte(2) } }))).toEqual(['p1', 'p4']);
    // whole-object equality needs _.eq
    expect(await ids(col.where({ dept: db.command.eq({ code: 'A' }) }))).toEqual([]);
    expect(await ids(col.where({ dept: db.command.eq({ code: 'A', floor: 1 }) }))).toEqual(['p3']);
    // array fields match on an element
    expect(await ids(col.where({ tags: 'x' }))).toEqual(['p1', 'p2']);
    expect(await ids(col.where({ _id: 'p2', city: 'hz' }))).toEqual(['p2']);
    expect(await ids(col.where({ _id: 'p2', city: 'sx' }))).toEqual([]);
  });

  it('comparison operators, in/nin, neq, exists', async () => {
    const _ = db.command;
    const col = db.collection('people');
    expect(await ids(col.where({ age: _.eq(20) }))).toEqual(['p2', 'p4']);
    expect(await ids(col.where({ age: _.neq(20) }))).toEqual(['p1', 'p3']);
    expect(await ids(col.where({ age: _.gt(20) }))).toEqual(['p1', 'p3']);
    expect(await ids(col.where({ age: _.gte(30) }))).toEqual(['p1', 'p3']);
    expect(await ids(col.where({ age: _.lt(30) }))).toEqual(['p2', 'p4']);
    expect(await ids(col.where({ age: _.lte(30) }))).toEqual(['p1', 'p2', 'p4']);
    expect(await ids(col.where({ city: _.in(['hz', 'nb']) }))).toEqual(['p2', 'p4']);
    expect(await ids(col.where({ city: _.nin(['hz', 'nb']) }))).toEqual(['p1', 'p3']);
    expect(await ids(col.where({ vip: _.exists(true) }))).toEqual(['p3']);
    expect(await ids(col.where({ tags: _.exists(false) }))).toEqual(['p4']);
    expect(await ids(col.where({ _id: _.in(['p4', 'p1', 'zz']) }))).toEqual(['p1', 'p4']);
    expect(await ids(col.where({ _id: _.eq('p3') }))).toEqual(['p3']);
  });

  it('dates compare as dates', async () => {
    const _ = db.command;
    const col = db.collection('people');
    expect(await ids(col.where({ at: ch(_.gte(D('2026-02-01'))).and(_.lt(D('2026-04-01'))) }))).toEqual(['p2', 'p3']);
    expect(await ids(col.where({ at: D('2026-03-01') }))).toEqual(['p3']);
  });

  it('top-level _.or / _.and of whole conditions', async () => {
    const _ = db.command;
    const col = db.collection('people');
    expect(await ids(col.where(_.or([{ city: 'hz' }, { age: _.gt(35) }])))).toEqual(['p2', 'p3']);
    expect(await ids(col.where(_.or({ city: 'hz' }, { 'dept.code': 'C' })))).toEqual(['p2', 'p4']);
    expect(await ids(col.where(_.and([{ city: 'sx' }, { age: _.gt(35) }])))).toEqual(['p3']);
  });

  it('field-level and/or, chained and as command functions', async () => {
    const _ = db.command;
    const col = db.collection('people');
    expect(await ids(col.where({ age: ch(_.gt(20)).and(_.lt(40)) }))).toEqual(['p1']);
    expect(await ids(col.where({ age: ch(_.lt(25)).or(_.gt(35)) }))).toEqual(['p2', 'p3', 'p4']);
    expect(await ids(col.where({ age: _.and(_.gte(20), _.lte(30)) }))).toEqual(['p1', 'p2', 'p4']);
    expect(await ids(col.where({ age: _.or([_.eq(30), _.eq(40)]) }))).toEqual(['p1', 'p3']);
    expect(await ids(col.where({ city: _.or('hz', 'nb') }))).toEqual(['p2', 'p4']);
    expect(await ids(col.where({ 'dept.floor': ch(_.eq(1)).or(_.eq(3)), city: 'sx' }))).toEqual(['p1', 'p3']);
  });

  it('rejects undefined condition values instead of matching everything', () => {
    expect(() => db.collection('people').where({ city: undefined })).toThrow('undefined');
    expect(() => db.collection('people').where({ age: db.command.inc(1) })).toThrow();
  });

  it('orderBy with several keys and dot paths, skip, limit', async () => {
    const col = db.collection('people');
    expect(await ids(col.orderBy('age', 'asc').orderBy('name', 'desc'))).toEqual(['p4', 'p2', 'p1', 'p3']);
    expect(await ids(col.orderBy('dept.floor', 'desc').orderBy('age', 'asc'))).toEqual(['p1', 'p4', 'p2', 'p3']);
    expect(await ids(col.orderBy('at', 'desc').skip(1).limit(2))).toEqual(['p3', 'p2']);
    expect(await ids(col.where({ city: 'sx' }).orderBy('age', 'desc'))).toEqual(['p3', 'p1']);
    expect(() => col.orderBy('age', 'up' as 'asc')).toThrow();
  });

  it('queries are immutable builders', async () => {
    const base = db.collection('people').where({ city: 'sx' });
    const sorted = base.orderBy('age', 'desc');
    expect(await ids(base)).toEqual(['p1', 'p3']);
    expect(await ids(sorted)).toEqual(['p3', 'p1']);
  });

  it('field projection (inclusion with dot paths, exclusion, _id control)', async () => {
    const col = db.collection('people').where({ _id: 'p1' });
    expect((await col.field({ name: true, 'dept.code': true }).get()).data).toEqual([
      { _id: 'p1', name: '张三', dept: { code: 'A' } },
    ]);
    expect((await col.field({ name: true, _id: false }).get()).data).toEqual([{ name: '张三' }]);
    const excl = (await col.field({ tags: false, dept: false, at: false }).get()).data[0];
    expect(excl).toEqual({ _id: 'p1', name: '张三', age: 30, city: 'sx' });
    expect(() => col.field({ a: true, b: false })).toThrow();
  });

  it('count ignores limit and skip', async () => {
    const col = db.collection('people');
    expect((await col.count()).total).toBe(4);
    expect((await col.where({ age: 20 }).count()).total).toBe(2);
    expect((await col.where({ age: 20 }).limit(1).skip(1).count()).total).toBe(2);
    expect((await db.collection('empty').count()).total).toBe(0);
  });

  it('where().update() and where().remove() report stats', async () => {
    const _ = db.command;
    const col = db.collection('people');
    expect((await col.where({ age: 20 }).update({ data: { checked: true } })).stats.updated).toBe(2);
    // documents already holding the values are not counted as updated
    expect((await col.where({ age: 20 }).update({ data: { checked: true } })).stats.updated).toBe(0);
    expect((await col.where({ checked: true }).count()).total).toBe(2);
    expect((await col.where({ city: 'nowhere' }).update({ data: { x: 1 } })).stats.updated).toBe(0);
    expect((await col.where({ age: _.gte(30) }).remove()).stats.removed).toBe(2);
    expect(await ids(col)).toEqual(['p2', 'p4']);
  });
});

describe('cloud emulator database: update operators', () => {
  let h: Harness;
  let db: Database;
  beforeEach(async () => {
    h = memoryEmulator();
    db = h.emu.db;
    await db
      .collection('c')
      .doc('d')
      .set({
        data: { n: 1, s: 'a', obj: { x: 1, y: { z: 1 } }, list: [1], gone: 'bye', keep: { a: 1, b: 2 } },
      });
  });
  afterEach(() => h.emu.close());
  const read = async (): Promise<DocData> => (await db.collection('c').doc('d').get()).data;

  it('inc, set, remove, push', async () => {
    const _ = db.command;
    await db
      .collection('c')
      .doc('d')
      .update({
        data: {
          n: _.inc(2),
          fresh: _.inc(-1),
          keep: _.set({ only: true }),
          gone: _.remove(),
          list: _.push(2, 3),
          other: _.push([4, 5]),
        },
      });
    const d = await read();
    expect(d).toEqual({
      _id: 'd',
      n: 3,
      s: 'a',
      obj: { x: 1, y: { z: 1 } },
      list: [1, 2, 3],
      keep: { only: true },
      fresh: -1,
      other: [4, 5],
    });
    await db
      .collection('c')
      .doc('d')
      .update({ data: { list: _.push([9]), n: _.inc(0.5) } });
    expect(await read()).toEqual(expect.objectContaining({ list: [1, 2, 3, 9], n: 3.5 }));
  });

  it('nested objects merge by dot path; dotted keys and commands inside nested objects work', async () => {
    const _ = db.command;
    await db
      .collection('c')
      .doc('d')
      .update({ data: { obj: { y: { w: 2 }, x: _.inc(10) }, 'keep.c': 3, deep: { a: { b: 1 } } } });
    const d = await read();
    expect(d.obj).toEqual({ x: 11, y: { z: 1, w: 2 } });
    expect(d.keep).toEqual({ a: 1, b: 2, c: 3 });
    expect(d.deep).toEqual({ a: { b: 1 } });
    await db
      .collection('c')
      .doc('d')
      .update({ data: { 'obj.y.z': _.remove() } });
    expect((await read()).obj).toEqual({ x: 11, y: { w: 2 } });
  });

  it('serverDate in update, nested and inside _.set', async () => {
    h.now.value = new Date('2026-11-27T08:00:00.000Z');
    await db
      .collection('c')
      .doc('d')
      .update({
        data: {
          updatedAt: db.serverDate(),
          obj: { at: db.serverDate() },
          keep: db.command.set({ at: db.serverDate() }),
        },
      });
    const d = await read();
    expect(d.updatedAt).toEqual(h.now.value);
    expect((d.obj as { at: Date }).at).toEqual(h.now.value);
    expect(d.keep).toEqual({ at: h.now.value });
  });

  it('fails on inc of a non-number and push to a non-array, changing nothing', async () => {
    const _ = db.command;
    await expect(
      db
        .collection('c')
        .doc('d')
        .update({ data: { s: _.inc(1), n: 100 } }),
    ).rejects.toThrow('inc');
    await expect(
      db
        .collection('c')
        .doc('d')
        .update({ data: { n: _.push(1) } }),
    ).rejects.toThrow('push');
    expect((await read()).n).toBe(1);
  });

  it('rejects query operators in update data and update operators in add data', async () => {
    const _ = db.command;
    await expect(
      db
        .collection('c')
        .doc('d')
        .update({ data: { n: _.gt(1) } }),
    ).rejects.toThrow();
    await expect(db.collection('c').add({ data: { n: _.inc(1) } })).rejects.toThrow();
  });
});
