/**
 * Every HIS call of every feature passes the transport's concurrency gate: at most `concurrency`
 * requests of one client on the wire, the rest wait in arrival order; a retry's back-off holds no
 * place.
 */
import { createHisBookingClient } from '../../../server/adapters/his/booking-client';
import { createHisPatientClient } from '../../../server/adapters/his/patient-client';
import type { HisFetch } from '../../../server/adapters/his/node-http';
import { HIS_CONCURRENCY, type HisClientConfig } from '../../../server/adapters/his/transport';
import { silentLogger } from '../../../server/core/log';

const config: HisClientConfig = { baseUrl: 'http://his.test', appId: 'a', appSecret: 's', timeoutMs: 1000, retries: 0 };
const tick = () => new Promise((r) => setImmediate(r));

/** A gateway whose answers wait until released; records the methods in flight. */
function heldGateway(data: unknown) {
  const inFlight: string[] = [];
  let most = 0;
  const waiting: (() => void)[] = [];
  const fetch: HisFetch = async (url) => {
    const method = url.slice(url.lastIndexOf('/') + 1);
    inFlight.push(method);
    most = Math.max(most, inFlight.length);
    await new Promise<void>((r) => waiting.push(r));
    inFlight.splice(inFlight.indexOf(method), 1);
    return { status: 200, text: async () => JSON.stringify({ code: 'OK', data }) };
  };
  return {
    fetch,
    inFlight,
    most: () => most,
    /** Answers the oldest request on the wire. */
    release: () => waiting.shift()?.(),
  };
}

describe('HIS concurrency gate', () => {
  it('defaults to a bounded number per client', () => {
    expect(HIS_CONCURRENCY).toBe(48);
  });

  it('booking calls: at most `concurrency` on the wire, the others sent in arrival order', async () => {
    const gw = heldGateway({ departments: [], doctors: [], sessions: [] });
    const his = createHisBookingClient(config, { fetch: gw.fetch, log: silentLogger, concurrency: 2 });
    const calls = [
      his.listDepartments(),
      his.listDoctors(),
      his.querySchedule({ fromDate: '2026-06-15', toDate: '2026-06-16' }),
      his.listDepartments(),
    ];
    await tick();
    expect(gw.inFlight).toEqual(['dept.list', 'doctor.list']);
    gw.release();
    await tick();
    expect(gw.inFlight).toEqual(['doctor.list', 'schedule.query']);
    for (let i = 0; i < 3; i++) {
      gw.release();
      await tick();
    }
    await Promise.all(calls);
    expect(gw.most()).toBe(2);
  });

  it('patient calls pass the same kind of gate', async () => {
    const gw = heldGateway({ patient: null });
    const his = createHisPatientClient(config, { fetch: gw.fetch, log: silentLogger, concurrency: 1 });
    const calls = ['110101199003070011', '110101199003070012', '110101199003070013'].map((id) =>
      his.findPatientByIdNumber(id),
    );
    await tick();
    expect(gw.inFlight).toEqual(['patient.findByIdNumber']);
    for (let i = 0; i < 3; i++) {
      gw.release();
      await tick();
    }
    expect(await Promise.all(calls)).toEqual([null, null, null]);
    expect(gw.most()).toBe(1);
  });

  it('a retry waits its back-off outside the gate', async () => {
    let deptAttempts = 0;
    const fetch: HisFetch = async (url) => {
      const answer = (status: number, body: unknown) => ({ status, text: async () => JSON.stringify(body) });
      if (url.endsWith('doctor.list')) return answer(200, { code: 'OK', data: { doctors: [] } });
      return ++deptAttempts === 1
        ? answer(503, { code: 'UNAVAILABLE' })
        : answer(200, { code: 'OK', data: { departments: [] } });
    };
    let sleeping = 0;
    let wake: () => void = () => {};
    const sleep = () => {
      sleeping++;
      return new Promise<void>((r) => (wake = r));
    };
    const his = createHisBookingClient({ ...config, retries: 1 }, { fetch, sleep, log: silentLogger, concurrency: 1 });
    const first = his.listDepartments();
    await tick();
    expect(sleeping).toBe(1); // the first call backs off before its retry …
    await expect(his.listDoctors()).resolves.toEqual([]); // … while another call has the one place
    wake();
    await expect(first).resolves.toEqual([]);
    expect(deptAttempts).toBe(2);
  });
});
