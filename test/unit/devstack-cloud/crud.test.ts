import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { types } from 'node:util';
import { createCloudEmulator } from '../../../devstack/cloud';
import { memoryEmulator, rejection, TEST_TEMPLATES, type Harness } from './helpers';

describe('cloud emulator database: CRUD', () => {
  let h: Harness;
  beforeEach(() => {
    h = memoryEmulator();
  });
  afterEach(() => h.emu.close());

  it('adds with a generated 32-hex _id and reads it back', async () => {
    const db = h.emu.sdk.database();
    const { _id } = await db.collection('patients').add({ data: { name: '张三', age: 30 } });
    expect(_id).toMatch(/^[0-9a-f]{32}$/);
    const { data } = await db.collection('patients').doc(_id).get();
    expect(data).toEqual({ _id, name: '张三', age: 30 });
  });

  it('uses a given _id and fails on a duplicate one with errCode -502001', async () => {
    const col = h.emu.db.collection('idem');
    await expect(col.add({ data: { _id: 'key-1', v: 1 } })).resolves.toEqual(expect.objectContaining({ _id: 'key-1' }));
    const err = await rejection(col.add({ data: { _id: 'key-1', v: 2 } }));
    expect(err.message).toContain('duplicate');
    expect(err.errCode).toBe(-502001);
    expect(err.errMsg).toContain('duplicate');
    expect((await col.doc('key-1').get()).data.v).toBe(1);
  });

  it('rejects doc().get() of a missing document like the real SDK', async () => {
    const err = await rejection(h.emu.db.collection('x').doc('nope').get());
    expect(err).toBeInstanceOf(Error);
    expect(err.errCode).toBe(-502001);
    expect(err.errMsg).toMatch(/document\.get:fail.*nope.*does not exist/);
  });

  it('doc().field() returns only the projected fields (and _id), like the SDK Document.field', async () => {
    const col = h.emu.db.collection('cards');
    await col.add({ data: { _id: 'c1', name: '张三', idNumber: '110101199001011234', dept: { code: 'A', floor: 3 } } });
    expect((await col.doc('c1').field({ name: true, 'dept.code': true }).get()).data).toEqual({
      _id: 'c1',
      name: '张三',
      dept: { code: 'A' },
    });
    expect((await col.doc('c1').field({ idNumber: false, dept: false }).get()).data).toEqual({
      _id: 'c1',
      name: '张三',
    });
    expect((await col.doc('c1').get()).data.idNumber).toBe('110101199001011234'); // field() made a new reference
    expect((await rejection(col.doc('nope').field({ name: true }).get())).errCode).toBe(-502001);
    expect(() => col.doc('c1').field({ name: true, idNumber: false })).toThrow();
  });

  it('set creates or replaces; update merges; remove deletes', async () => {
    const doc = h.emu.db.collection('c').doc('d1');
    expect((await doc.set({ data: { a: 1, b: { c: 2, d: 3 } } })).stats).toEqual({ updated: 0, created: 1 });
    expect((await doc.set({ data: { b: { c: 9 } } })).stats).toEqual({ updated: 1, created: 0 });
    expect((await doc.get()).data).toEqual({ _id: 'd1', b: { c: 9 } });
    expect((await doc.update({ data: { a: 5, b: { e: 1 } } })).stats.updated).toBe(1);
    expect((await doc.get()).data).toEqual({ _id: 'd1', a: 5, b: { c: 9, e: 1 } });
    expect((await doc.remove()).stats.removed).toBe(1);
    expect((await doc.remove()).stats.removed).toBe(0);
    await expect(doc.get()).rejects.toThrow('does not exist');
  });

  it('update of a missing document reports updated: 0 and creates nothing', async () => {
    const col = h.emu.db.collection('c');
    expect((await col.doc('ghost').update({ data: { a: 1 } })).stats.updated).toBe(0);
    expect((await col.count()).total).toBe(0);
  });

  it('refuses to change _id through update or set', async () => {
    const col = h.emu.db.collection('c');
    await col.doc('a').set({ data: { v: 1 } });
    await expect(col.doc('a').update({ data: { _id: 'b' } })).rejects.toThrow('_id');
    await expect(col.doc('a').set({ data: { _id: 'b', v: 2 } })).rejects.toThrow('_id');
    await expect(col.doc('a').update({ data: {} })).rejects.toThrow('non-empty');
  });

  it('round-trips Dates and serverDate (also nested, also in add/set)', async () => {
    const db = h.emu.db;
    const when = new Date('2026-01-02T03:04:05.006Z');
    const { _id } = await db.collection('c').add({
      data: { when, createdAt: db.serverDate(), nested: { at: db.serverDate({ offset: 1000 }) }, list: [when] },
    });
    const { data } = await db.collection('c').doc(_id).get();
    // types.isDate rather than toBeInstanceOf(Date): through the remote SDK (unit-remote-db) the
    // Date is deserialised in Node's realm, not jest's test realm.
    expect(types.isDate(data.when)).toBe(true);
    expect(data.when).toEqual(when);
    expect(data.createdAt).toEqual(h.now.value);
    expect((data.nested as { at: Date }).at).toEqual(new Date(h.now.value.getTime() + 1000));
    expect(types.isDate((data.list as Date[])[0])).toBe(true);
    h.now.value = new Date('2026-11-28T00:00:00.000Z');
    await db
      .collection('c')
      .doc(_id)
      .update({ data: { updatedAt: db.serverDate() } });
    expect((await db.collection('c').doc(_id).get()).data.updatedAt).toEqual(h.now.value);
  });

  it('returns at most 100 documents by default and caps limit at 1000', async () => {
    const col = h.emu.db.collection('many');
    for (let i = 0; i < 1100; i++) await col.add({ data: { i } });
    expect((await col.get()).data).toHaveLength(100);
    expect((await col.limit(5).get()).data.map((d) => d.i)).toEqual([0, 1, 2, 3, 4]);
    expect((await col.limit(1000).get()).data).toHaveLength(1000);
    expect((await col.limit(5000).get()).data).toHaveLength(1000);
    expect((await col.count()).total).toBe(1100);
    expect(() => col.limit(0)).toThrow();
    expect(() => col.skip(-1)).toThrow();
  });

  it('results are copies: mutating them does not change the store', async () => {
    const col = h.emu.db.collection('c');
    await col.doc('a').set({ data: { list: [1] } });
    const { data } = await col.doc('a').get();
    (data.list as number[]).push(2);
    expect((await col.doc('a').get()).data.list).toEqual([1]);
  });
});

describe('cloud emulator database: persistence and admin', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'devstack-cloud-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps documents, consents and outbox across close and reopen', async () => {
    const file = join(dir, 'cloud.sqlite');
    const a = createCloudEmulator({ dbFile: file, templates: TEST_TEMPLATES });
    const when = new Date('2026-03-04T05:06:07.000Z');
    await a.db
      .collection('p')
      .doc('x')
      .set({ data: { v: 1, when } });
    a.subscriptions.grant('o1', 'tmpl-one', 2);
    await a.sdk.openapi.subscribeMessage.send({
      touser: 'o1',
      templateId: 'tmpl-one',
      data: { thing1: { value: '张三' }, time2: { value: '2026-11-27 09:00' } },
    });
    a.close();

    const b = createCloudEmulator({ dbFile: file, templates: TEST_TEMPLATES });
    const { data } = await b.db.collection('p').doc('x').get();
    expect(data).toEqual({ _id: 'x', v: 1, when });
    expect(b.subscriptions.consents('o1')).toEqual([{ templateId: 'tmpl-one', remaining: 1 }]);
    expect(b.subscriptions.outbox()).toHaveLength(1);
    // revisions keep increasing after reopen: updates still work
    expect(
      (
        await b.db
          .collection('p')
          .doc('x')
          .update({ data: { v: 2 } })
      ).stats.updated,
    ).toBe(1);
    b.close();
  });

  it('lists collections and documents, and resets everything', async () => {
    const { emu } = memoryEmulator();
    await emu.db.collection('b').add({ data: { n: 1 } });
    await emu.db.collection('a').add({ data: { n: 1 } });
    await emu.db.collection('a').add({ data: { n: 2 } });
    emu.subscriptions.grant('o1', 'tmpl-one');
    expect(emu.admin.listCollections()).toEqual([
      { name: 'a', count: 2 },
      { name: 'b', count: 1 },
    ]);
    expect(emu.admin.listDocuments('a').map((d) => d.n)).toEqual([1, 2]);
    expect(emu.admin.listDocuments('a', { limit: 1, skip: 1 }).map((d) => d.n)).toEqual([2]);
    emu.admin.reset();
    expect(emu.admin.listCollections()).toEqual([]);
    expect(emu.subscriptions.consents('o1')).toEqual([]);
    emu.close();
  });
});
