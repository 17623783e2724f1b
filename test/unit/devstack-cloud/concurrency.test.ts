import type { Database } from '../../../server/ports/cloud-sdk';
import { memoryEmulator, rejection, type Harness } from './helpers';

describe('cloud emulator database: atomicity and transactions', () => {
  let h: Harness;
  let db: Database;
  beforeEach(() => {
    h = memoryEmulator();
    db = h.emu.db;
  });
  afterEach(() => h.emu.close());

  it('conditional decrement under 1000 concurrent calls never oversells 100 seats', async () => {
    const _ = db.command;
    await db
      .collection('slots')
      .doc('s1')
      .set({ data: { remaining: 100 } });
    // other documents in the collection do not matter for the _id fast path
    for (let i = 0; i < 50; i++) await db.collection('slots').add({ data: { remaining: 5 } });
    const results = await Promise.all(
      Array.from({ length: 1000 }, () =>
        db
          .collection('slots')
          .where({ _id: 's1', remaining: _.gt(0) })
          .update({ data: { remaining: _.inc(-1), lastTakenAt: db.serverDate() } }),
      ),
    );
    expect(results.filter((r) => r.stats.updated === 1)).toHaveLength(100);
    expect(results.filter((r) => r.stats.updated === 0)).toHaveLength(900);
    expect((await db.collection('slots').doc('s1').get()).data.remaining).toBe(0);
  });

  it('conditional update without _id (collection scan) is atomic too', async () => {
    const _ = db.command;
    await db.collection('slots').add({ data: { code: 'A', remaining: 10 } });
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        db
          .collection('slots')
          .where({ code: 'A', remaining: _.gt(0) })
          .update({ data: { remaining: _.inc(-1) } }),
      ),
    );
    expect(results.filter((r) => r.stats.updated === 1)).toHaveLength(10);
    expect((await db.collection('slots').where({ code: 'A' }).get()).data[0]!.remaining).toBe(0);
  });

  it('concurrent add with the same _id: exactly one wins', async () => {
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => db.collection('idem').add({ data: { _id: 'tap-1', i } })),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect((await db.collection('idem').count()).total).toBe(1);
  });

  it('runTransaction commits reads and writes across documents', async () => {
    await db
      .collection('acc')
      .doc('a')
      .set({ data: { bal: 100 } });
    await db
      .collection('acc')
      .doc('b')
      .set({ data: { bal: 0 } });
    const out = await db.runTransaction(async (tx) => {
      const a = await tx.collection('acc').doc('a').get();
      await tx
        .collection('acc')
        .doc('a')
        .update({ data: { bal: (a.data.bal as number) - 30 } });
      await tx
        .collection('acc')
        .doc('b')
        .update({ data: { bal: db.command.inc(30) } });
      const { _id } = await tx.collection('log').add({ data: { amount: 30, at: db.serverDate() } });
      // reads see the transaction's own writes
      expect((await tx.collection('acc').doc('a').get()).data.bal).toBe(70);
      await tx
        .collection('acc')
        .doc('c')
        .set({ data: { bal: 1 } });
      await tx.collection('acc').doc('c').remove();
      return _id;
    });
    expect(out).toMatch(/^[0-9a-f]{32}$/);
    expect((await db.collection('acc').doc('a').get()).data.bal).toBe(70);
    expect((await db.collection('acc').doc('b').get()).data.bal).toBe(30);
    expect((await db.collection('log').doc(out).get()).data.at).toEqual(h.now.value);
    await expect(db.collection('acc').doc('c').get()).rejects.toThrow('does not exist');
  });

  it('writes are invisible outside until commit', async () => {
    await db
      .collection('c')
      .doc('x')
      .set({ data: { v: 1 } });
    let seenInside: unknown;
    await db.runTransaction(async (tx) => {
      await tx
        .collection('c')
        .doc('x')
        .update({ data: { v: 2 } });
      seenInside = (await db.collection('c').doc('x').get()).data.v;
    });
    expect(seenInside).toBe(1);
    expect((await db.collection('c').doc('x').get()).data.v).toBe(2);
  });

  it('rollback(reason) rejects with the reason and applies nothing', async () => {
    await db
      .collection('c')
      .doc('x')
      .set({ data: { v: 1 } });
    const reason = { code: 'NO_SEAT' };
    const err = await rejection(
      db.runTransaction(async (tx) => {
        await tx
          .collection('c')
          .doc('x')
          .update({ data: { v: 2 } });
        await tx.collection('c').add({ data: { other: true } });
        await tx.rollback(reason);
      }),
    );
    expect(err).toBe(reason);
    expect((await db.collection('c').doc('x').get()).data.v).toBe(1);
    expect((await db.collection('c').count()).total).toBe(1);
  });

  it('an exception in the callback rejects and applies nothing', async () => {
    await db
      .collection('c')
      .doc('x')
      .set({ data: { v: 1 } });
    await expect(
      db.runTransaction(async (tx) => {
        await tx
          .collection('c')
          .doc('x')
          .update({ data: { v: 2 } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.collection('c').doc('x').get()).data.v).toBe(1);
  });

  it('a transaction add with an existing _id rejects with a duplicate error', async () => {
    await db.collection('c').add({ data: { _id: 'k' } });
    const err = await rejection(db.runTransaction(async (tx) => tx.collection('c').add({ data: { _id: 'k' } })));
    expect(err.message).toContain('duplicate');
    expect(err.errCode).toBe(-502001);
  });

  it('concurrent read-modify-write transactions never lose an update', async () => {
    await db
      .collection('c')
      .doc('n')
      .set({ data: { v: 0 } });
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        db.runTransaction(async (tx) => {
          const { data } = await tx.collection('c').doc('n').get();
          await tx
            .collection('c')
            .doc('n')
            .update({ data: { v: (data.v as number) + 1 } });
        }),
      ),
    );
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    for (const f of failed) {
      expect(f.reason.errCode).toBe(-502005);
      expect(f.reason.errMsg).toContain('conflict');
    }
    expect(ok).toBeGreaterThan(0);
    expect((await db.collection('c').doc('n').get()).data.v).toBe(ok);
  });

  it('with enough retries all contending transactions land', async () => {
    await db
      .collection('c')
      .doc('n')
      .set({ data: { v: 0 } });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.runTransaction(async (tx) => {
          const { data } = await tx.collection('c').doc('n').get();
          await tx
            .collection('c')
            .doc('n')
            .update({ data: { v: (data.v as number) + 1 } });
        }, 100),
      ),
    );
    expect((await db.collection('c').doc('n').get()).data.v).toBe(20);
  });

  it('a transaction that read a document as missing conflicts when it gets created', async () => {
    let attempts = 0;
    const result = await db.runTransaction(async (tx) => {
      attempts++;
      const exists = await tx
        .collection('c')
        .doc('lazy')
        .get()
        .then(() => true)
        .catch(() => false);
      if (attempts === 1)
        await db
          .collection('c')
          .doc('lazy')
          .set({ data: { by: 'other' } });
      if (!exists)
        await tx
          .collection('c')
          .doc('lazy')
          .set({ data: { by: 'tx' } });
      return exists;
    });
    expect(attempts).toBe(2);
    expect(result).toBe(true);
    expect((await db.collection('c').doc('lazy').get()).data.by).toBe('other');
  });
});
