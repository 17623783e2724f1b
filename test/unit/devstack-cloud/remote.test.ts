/**
 * What is particular to the remote SDK (devstack/cloud/remote.ts) beyond the emulator tests it
 * also passes (jest project unit-remote-db): batching, requests that cannot be copied, the
 * identity of a call, and a transaction driven across the port.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { createCloudEmulator, createRemoteCloud, type CloudEmulator, type RemoteCloud } from '../../../devstack/cloud';
import { TEST_TEMPLATES } from './helpers';

let emu: CloudEmulator;
let remote: RemoteCloud;
let ports: MessagePort[];
let posted: number;
let served: { openTransactions(): number };

beforeEach(() => {
  emu = createCloudEmulator({ dbFile: ':memory:', templates: TEST_TEMPLATES });
  const { port1, port2 } = new MessageChannel();
  ports = [port1, port2];
  served = emu.serve(port1);
  posted = 0;
  const post = port2.postMessage.bind(port2);
  port2.postMessage = (m: unknown) => {
    posted++;
    post(m);
  };
  remote = createRemoteCloud(port2, { envId: 'devstack', appId: 'wx-app' });
});
afterEach(() => {
  for (const p of ports) p.close();
  emu.close();
});

describe('remote cloud SDK', () => {
  it('sends the operations of one event-loop turn as one message', async () => {
    const db = remote.sdk.database();
    await Promise.all(Array.from({ length: 50 }, (_, i) => db.collection('c').add({ data: { _id: `d${i}`, i } })));
    expect(posted).toBe(1);
    const { total } = await emu.db.collection('c').count();
    expect(total).toBe(50);
  });

  it('a request that cannot be copied fails alone; the others of its turn are answered', async () => {
    const db = remote.sdk.database();
    const [bad, good] = await Promise.allSettled([
      db.collection('c').add({ data: { f: () => 1 } as never }),
      db.collection('c').add({ data: { _id: 'ok', v: 1 } }),
    ]);
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason).toMatchObject({ errCode: -401002 });
    expect(String((bad as PromiseRejectedResult).reason.message)).toContain('cannot send the request');
    expect(good).toMatchObject({ status: 'fulfilled', value: { _id: 'ok' } });
  });

  it('conditional updates with command values are applied by the serving emulator', async () => {
    const db = remote.sdk.database();
    const _ = db.command;
    await db.collection('tp').add({ data: { _id: 't', remaining: 1 } });
    const take = () =>
      db
        .collection('tp')
        .where({ _id: 't', remaining: _.gt(0) })
        .update({ data: { remaining: _.inc(-1) } });
    const [a, b] = await Promise.all([take(), take()]);
    expect([a.stats.updated, b.stats.updated].sort()).toEqual([0, 1]);
    expect((await emu.db.collection('tp').doc('t').get()).data.remaining).toBe(0);
  });

  it('getWXContext answers the identity of the call it runs in', async () => {
    const ctx = await remote.runWithContext({ OPENID: 'o-9', SOURCE: 'wx_client' }, async () => {
      await remote.sdk.database().collection('c').count(); // across an await
      return remote.sdk.getWXContext();
    });
    expect(ctx).toEqual({ OPENID: 'o-9', APPID: 'wx-app', SOURCE: 'wx_client', ENV: 'devstack' });
    expect(remote.sdk.getWXContext()).toMatchObject({ OPENID: '', SOURCE: 'wx_trigger' });
  });

  it('runTransaction: reads and writes held on the serving side; a rollback writes nothing', async () => {
    const db = remote.sdk.database();
    await db.collection('acct').add({ data: { _id: 'a', fen: 100 } });
    const out = await db.runTransaction(async (tx) => {
      const { data } = await tx.collection('acct').doc('a').get();
      await tx
        .collection('acct')
        .doc('a')
        .update({ data: { fen: (data.fen as number) - 30 } });
      await tx.collection('log').add({ data: { _id: 'l1', fen: -30 } });
      return 'done';
    });
    expect(out).toBe('done');
    expect((await emu.db.collection('acct').doc('a').get()).data.fen).toBe(70);
    await expect(
      db.runTransaction(async (tx) => {
        await tx
          .collection('acct')
          .doc('a')
          .update({ data: { fen: 0 } });
        await tx.rollback('no');
      }),
    ).rejects.toBe('no');
    expect((await emu.db.collection('acct').doc('a').get()).data.fen).toBe(70);
    expect((await emu.db.collection('log').count()).total).toBe(1);
  });

  it('a transaction left open by an instance that went away is dropped with its channel', async () => {
    const db = remote.sdk.database();
    await db.collection('acct').add({ data: { _id: 'a', fen: 1 } });
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    void db
      .runTransaction(async (tx) => {
        await tx.collection('acct').doc('a').get();
        inside();
        await new Promise(() => undefined); // the instance dies here
      })
      .catch(() => undefined);
    await entered;
    expect(served.openTransactions()).toBe(1);
    ports[1]!.close(); // the instance's end of the channel goes away
    await new Promise((r) => setTimeout(r, 20));
    expect(served.openTransactions()).toBe(0);
  });
});
