/**
 * `db.command` values and `db.serverDate()`. Command values are opaque objects the query and
 * update translators (query.ts) recognise with `instanceof`.
 */
import type { Command } from '../../server/ports/cloud-sdk';
import { invalidParam, strict, strictClass } from './errors';

export type QueryOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin' | 'exists';
export type LogicOp = 'and' | 'or';
export type UpdateOp = 'inc' | 'set' | 'remove' | 'push';

export class CommandValue {
  readonly __isCommand = true as const;
  constructor(
    readonly kind: 'query' | 'logic' | 'update',
    readonly op: QueryOp | LogicOp | UpdateOp,
    readonly operand: unknown,
  ) {}
}

/** A query or logic value: these chain (`_.gt(1).and(_.lt(5))`); update values do not, as in the SDK. */
export class QueryCommandValue extends CommandValue {
  /** Field-level chaining: `_.gt(1).and(_.lt(5))`. */
  and(...conds: unknown[]): QueryCommandValue {
    return new QueryCommandValue('logic', 'and', [this, ...flattenArgs(conds)]);
  }

  /** Field-level chaining: `_.eq(1).or(_.gt(10))`. */
  or(...conds: unknown[]): QueryCommandValue {
    return new QueryCommandValue('logic', 'or', [this, ...flattenArgs(conds)]);
  }
}
strictClass('db.command value', CommandValue);

export class ServerDate {
  readonly __isServerDate = true as const;
  constructor(readonly offset: number) {}
}
strictClass('db.serverDate value', ServerDate);

/** `_.and([a, b])` and `_.and(a, b)` are both accepted by the real SDK. */
function flattenArgs(conds: unknown[]): unknown[] {
  if (conds.length === 1 && Array.isArray(conds[0])) return conds[0] as unknown[];
  return conds;
}

function requireArray(op: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw invalidParam(`db.command.${op}`, `${op} expects an array`);
  return v;
}

export function createCommand(): Command {
  const q = (op: QueryOp, v: unknown): QueryCommandValue => new QueryCommandValue('query', op, v);
  const command: Command = {
    eq: (v) => q('eq', v),
    neq: (v) => q('neq', v),
    gt: (v) => q('gt', v),
    gte: (v) => q('gte', v),
    lt: (v) => q('lt', v),
    lte: (v) => q('lte', v),
    in: (v) => q('in', requireArray('in', v)),
    nin: (v) => q('nin', requireArray('nin', v)),
    exists: (v) => {
      if (typeof v !== 'boolean') throw invalidParam('db.command.exists', 'exists expects a boolean');
      return q('exists', v);
    },
    and: (...conds) => new QueryCommandValue('logic', 'and', flattenArgs(conds)),
    or: (...conds) => new QueryCommandValue('logic', 'or', flattenArgs(conds)),
    inc: (n) => {
      if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidParam('db.command.inc', 'inc expects a number');
      return new CommandValue('update', 'inc', n);
    },
    set: (v) => new CommandValue('update', 'set', v),
    remove: () => new CommandValue('update', 'remove', undefined),
    push: (...values) => {
      if (values.length === 1 && Array.isArray(values[0])) return new CommandValue('update', 'push', values[0]);
      if (values.length === 1 && values[0] !== null && typeof values[0] === 'object' && 'each' in values[0]) {
        const spec = values[0] as Record<string, unknown>;
        const extra = Object.keys(spec).filter((k) => k !== 'each');
        if (extra.length > 0)
          throw invalidParam('db.command.push', `push options ${extra.join(', ')} are not emulated`);
        return new CommandValue('update', 'push', requireArray('push', spec.each));
      }
      return new CommandValue('update', 'push', values);
    },
  };
  return strict('db.command', command);
}
