/**
 * The action maps are tied to typings/<fn>.ts by the compiler (server/core/contract.ts). The cases
 * marked `@ts-expect-error` are mismatches: `npm run typecheck` (tsc over test/) fails if any of
 * them compiles, i.e. if the tie stopped holding. At run time jest checks that the real maps have
 * exactly the contracts' actions.
 */
import { z } from 'zod';
import { bookingActions } from '../../../server/actions/booking';
import { patientActions } from '../../../server/actions/patient';
import { siteActions } from '../../../server/actions/site';
import { defineActions, type Equals } from '../../../server/core/contract';
import { action } from '../../../server/core/handler';
import type { Database, OpenApi } from '../../../server/ports/cloud-sdk';
import type { HisBookingPort } from '../../../server/ports/his-booking';
import type { HisPatientPort } from '../../../server/ports/his-patient';
import type { BookingActions } from '../../../typings/booking';
import type { PatientActions } from '../../../typings/patient';
import type { SiteActions } from '../../../typings/site';
import { DEVSTACK_BOOKING_TEMPLATES } from '../../../devstack/seed/subscribe-templates';

interface Demo {
  find: [{ action: 'find'; q: string; limit?: number }, { hits: string[] }];
  ping: [{ action: 'ping' }, { pong: true }];
}

const findSchema = z.strictObject({ q: z.string(), limit: z.number().optional() });
const hits = async (): Promise<{ hits: string[] }> => ({ hits: ['a'] });
const find = action({ schema: findSchema, run: hits });
const ping = action({ schema: z.strictObject({}), run: async () => ({ pong: true as const }) });

describe('defineActions', () => {
  it('accepts a map that matches its contract', () => {
    expect(Object.keys(defineActions<Demo>()({ find, ping }))).toEqual(['find', 'ping']);
  });

  it('refuses, at compile time, every kind of mismatch', () => {
    const define = defineActions<Demo>();
    const mismatches = [
      // @ts-expect-error an action of the contract is missing
      define({ find }),
      define({
        find,
        ping,
        // @ts-expect-error an action the contract does not have
        extra: ping,
      }),
      define({
        // @ts-expect-error the schema lacks a field of the request
        find: action({ schema: z.strictObject({ q: z.string() }), run: hits }),
        ping,
      }),
      define({
        // @ts-expect-error the schema has a field the request does not
        find: action({ schema: findSchema.extend({ page: z.number() }), run: hits }),
        ping,
      }),
      define({
        // @ts-expect-error the schema makes an optional field required
        find: action({ schema: z.strictObject({ q: z.string(), limit: z.number() }), run: hits }),
        ping,
      }),
      define({
        // @ts-expect-error a field of another type
        find: action({
          schema: z.strictObject({ q: z.number(), limit: z.number().optional() }),
          run: hits,
        }),
        ping,
      }),
      define({
        find,
        // @ts-expect-error the schema takes a payload where the request has none
        ping: action({ schema: z.strictObject({ x: z.string() }), run: async () => ({ pong: true as const }) }),
      }),
      define({
        // @ts-expect-error the handler answers more than the response type
        find: action({ schema: findSchema, run: async () => ({ hits: ['a'], total: 1 }) }),
        ping,
      }),
      define({
        find,
        // @ts-expect-error the handler answers another type
        ping: action({ schema: z.strictObject({}), run: async () => ({ pong: 'yes' }) }),
      }),
    ];
    expect(mismatches).toHaveLength(9);
  });

  it('compares types exactly, not by assignability', () => {
    const same: Equals<{ a?: string }, { a?: string | undefined }> = true;
    const wider: Equals<{ a: string }, { a: string; b?: number }> = false;
    const narrower: Equals<'x', string> = false;
    expect([same, wider, narrower]).toEqual([true, false, false]);
  });
});

describe("the functions' action maps", () => {
  const db = {} as Database;
  const his = {} as HisBookingPort & HisPatientPort;
  const openapi = {} as OpenApi;
  const piiHashKey = 'contracts-test-key-contracts-test-key';
  // Every action of each contract, once (the compiler refuses a missing or unknown name here).
  const booking = {
    departments: 1,
    doctors: 1,
    schedule: 1,
    session: 1,
    rules: 1,
    book: 1,
    cancel: 1,
    list: 1,
    get: 1,
    checkIn: 1,
    queue: 1,
    joinWaitlist: 1,
    leaveWaitlist: 1,
  } satisfies Record<keyof BookingActions, 1>;
  const patient = { list: 1, bind: 1, get: 1, unbind: 1, setDefault: 1 } satisfies Record<keyof PatientActions, 1>;
  const site = { hospital: 1, announcements: 1, announcement: 1, guide: 1 } satisfies Record<keyof SiteActions, 1>;

  it.each([
    ['booking', bookingActions({ db, his, openapi, piiHashKey, templates: DEVSTACK_BOOKING_TEMPLATES }), booking],
    ['patient', patientActions({ db, his, piiHashKey }), patient],
    ['site', siteActions({ db }), site],
  ])('%s has exactly its contract’s actions', (_fn, map, contract) => {
    expect(Object.keys(map).sort()).toEqual(Object.keys(contract).sort());
  });
});
