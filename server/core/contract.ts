/**
 * Ties a function's action map to its contract in typings/<fn>.ts at compile time:
 *
 *   export const bookingActions = (…) => defineActions<BookingActions>()({ book: action({…}), … });
 *
 * does not compile unless
 * - the map has exactly the contract's actions (none missing, none extra);
 * - each action's schema accepts exactly the contract's request minus `action`: `z.input` of the
 *   schema (what a caller may send) equals it — optional stays optional, no field more or less.
 *   (`z.infer` is what the handler gets: the same, but after the schema's transforms, e.g. a
 *   default page size, so it is not the wire contract);
 * - each handler resolves to exactly the contract's response type.
 *
 * A mismatch surfaces as a missing property named `contract: …` on the offending action, saying
 * what differs. test/unit/core/contracts.test.ts proves each case fails to compile.
 */
import type { z } from 'zod';
import type { ActionDef, ActionMap } from './handler';

/** True only when A and B are the same type (not merely assignable either way). */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** An object type with its intersections and mapped types flattened (so Equals compares shapes). */
type Flat<T> = { [K in keyof T]: T[K] };

/** What a schema accepts (zod types an empty object's input as Record<string, never>: that is `{}`). */
type SchemaPayload<S extends z.ZodType> = string extends keyof z.input<S>
  ? [z.input<S>[string]] extends [never]
    ? Record<never, never>
    : Flat<z.input<S>>
  : Flat<z.input<S>>;

/** A contract (typings/<fn>.ts `…Actions`): action name → [request with that `action`, response]. */
export type Contract<C> = { [A in keyof C]: [{ action: A }, unknown] };

export type ContractPayload<C, A extends keyof C> = C[A] extends [infer Req, unknown]
  ? Flat<Omit<Req, 'action'>>
  : never;
export type ContractResult<C, A extends keyof C> = C[A] extends [unknown, infer Res] ? Res : never;

/** What is wrong with one action against the contract (unknown when nothing). */
type Check<C, A extends keyof C, D> =
  D extends ActionDef<infer S, infer R>
    ? Equals<SchemaPayload<S>, ContractPayload<C, A>> extends false
      ? { 'contract: the schema payload is not the request type': ContractPayload<C, A> }
      : Equals<R, ContractResult<C, A>> extends false
        ? { 'contract: the handler result is not the response type': ContractResult<C, A> }
        : unknown
    : never;

type Checked<C, M> = {
  [A in keyof M]: A extends keyof C ? M[A] & Check<C, A, M[A]> : 'contract: no such action';
} & { [A in Exclude<keyof C, keyof M>]: 'contract: this action is missing' };

/**
 * `defineActions<Contract>()(map)`: the map, checked against the contract (see above). Curried so
 * the contract is named and the map's own types are inferred.
 */
export function defineActions<C extends Contract<C>>() {
  return <M extends Record<string, ActionDef<z.ZodType, unknown>>>(map: M & Checked<C, M>): ActionMap => map;
}
