/**
 * Translation of CloudBase `where` conditions to Mongo-style criteria (evaluated by mingo),
 * application of `update` data (field merge by dot path + update commands), projection and sort.
 */
import { Query as MingoQuery } from 'mingo';
import type { DocData } from '../../server/ports/cloud-sdk';
import { CommandValue, ServerDate } from './commands';
import { deepClone, isPlainObject } from './codec';
import { cloudError, ERR_DB_REQUEST_FAILED, invalidParam } from './errors';

type Criteria = Record<string, unknown>;

const MONGO_OP: Record<string, string> = {
  eq: '$eq',
  neq: '$ne',
  gt: '$gt',
  gte: '$gte',
  lt: '$lt',
  lte: '$lte',
  in: '$in',
  nin: '$nin',
  exists: '$exists',
};

export interface CompiledWhere {
  /** Mongo-style criteria; `{}` matches everything. */
  criteria: Criteria;
  /** When the condition pins `_id` to one or a few values: those ids (primary-key fast path). */
  ids: string[] | null;
  test(doc: DocData): boolean;
}

export function compileWhere(cond: unknown, now: Date): CompiledWhere {
  // The commonest condition — one document by `_id` — needs no translation.
  if (isPlainObject(cond) && typeof cond._id === 'string') {
    let only = true;
    for (const k in cond) if (k !== '_id') only = false;
    if (only) {
      const id = cond._id;
      return { criteria: { _id: { $eq: id } }, ids: [id], test: (doc) => doc._id === id };
    }
  }
  const criteria = cond === undefined ? {} : translateWhere(cond, now);
  const ids = cond === undefined ? null : pinnedIds(cond);
  const leaves = simpleLeaves(criteria);
  if (leaves) {
    // Building a mingo Query costs far more than testing the few documents a by-id condition
    // touches: decide directly where the answer is plain, and ask mingo (built once, lazily)
    // for everything else (arrays, objects, dates, mixed types, null ordering).
    let mingo: MingoQuery | undefined;
    const slow = (doc: DocData): boolean => (mingo ??= new MingoQuery(criteria, {})).test(doc);
    return {
      criteria,
      ids,
      test: (doc) => {
        for (const leaf of leaves) {
          const v = Object.prototype.hasOwnProperty.call(doc, leaf.field) ? doc[leaf.field] : undefined;
          const r = leafTest(leaf, v);
          if (r === undefined) return slow(doc);
          if (!r) return false;
        }
        return true;
      },
    };
  }
  const query = new MingoQuery(criteria, {});
  return { criteria, ids, test: (doc) => query.test(doc) };
}

/** One `{ field: { $op: operand } }` clause of a plain conjunction. */
interface Leaf {
  field: string;
  op: string;
  operand: unknown;
}

const SIMPLE_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isScalar = (v: unknown): boolean =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The clauses of a conjunction of top-level scalar comparisons; null for anything else. */
function simpleLeaves(criteria: Criteria): Leaf[] | null {
  const keys = Object.keys(criteria);
  let clauses: unknown[];
  if (keys.length === 0) clauses = [];
  else if (keys.length === 1 && keys[0] === '$and' && Array.isArray(criteria.$and)) clauses = criteria.$and;
  else clauses = [criteria];
  const out: Leaf[] = [];
  for (const clause of clauses) {
    if (!isPlainObject(clause)) return null;
    const ck = Object.keys(clause);
    if (ck.length !== 1) return null;
    const field = ck[0]!;
    if (!SIMPLE_FIELD.test(field) || field in Object.prototype) return null;
    const spec = clause[field];
    if (!isPlainObject(spec)) return null;
    const sk = Object.keys(spec);
    if (sk.length !== 1) return null;
    const op = sk[0]!;
    const operand = spec[op];
    if (op === '$in') {
      if (!Array.isArray(operand) || !operand.every((x) => typeof x === 'string')) return null;
    } else if (op === '$eq' || op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') {
      if (!isScalar(operand)) return null;
    } else {
      return null;
    }
    out.push({ field, op, operand });
  }
  return out;
}

/** true/false when plain; undefined when mingo must decide (non-scalar value, mixed types, null ordering). */
function leafTest(leaf: Leaf, v: unknown): boolean | undefined {
  if (v !== null && v !== undefined && typeof v === 'object') return undefined;
  const { op, operand } = leaf;
  if (op === '$eq') {
    if (operand === null) return v === null || v === undefined;
    if (v === null || v === undefined) return false;
    return typeof v === typeof operand ? v === operand : undefined;
  }
  if (v === null || v === undefined) return undefined;
  if (op === '$in') return typeof v === 'string' ? (operand as string[]).includes(v) : undefined;
  if (operand === null || typeof v !== typeof operand || typeof v === 'boolean') return undefined;
  const a = v as string | number;
  const b = operand as string | number;
  if (op === '$gt') return a > b;
  if (op === '$gte') return a >= b;
  if (op === '$lt') return a < b;
  return a <= b;
}

/** True when `cond` holds a `serverDate()` anywhere: its compiled form depends on the clock. */
export function dependsOnClock(cond: unknown): boolean {
  if (cond instanceof ServerDate) return true;
  if (cond instanceof CommandValue) return dependsOnClock(cond.operand);
  if (Array.isArray(cond)) return cond.some(dependsOnClock);
  if (isPlainObject(cond)) return Object.values(cond).some(dependsOnClock);
  return false;
}

/** Throws what `compileWhere` would throw for a malformed condition, without compiling it. */
export function checkWhere(cond: unknown): void {
  translateWhere(cond, new Date(0));
}

function translateWhere(cond: unknown, now: Date): Criteria {
  if (cond instanceof CommandValue) {
    if (cond.kind !== 'logic') throw invalidParam('collection.where', 'a field operator cannot be the whole condition');
    const parts = (cond.operand as unknown[]).map((c) => translateWhere(c, now));
    return { [cond.op === 'and' ? '$and' : '$or']: parts };
  }
  if (!isPlainObject(cond)) throw invalidParam('collection.where', 'condition must be an object');
  const clauses: Criteria[] = [];
  for (const [key, value] of Object.entries(cond)) {
    if (value === undefined) {
      // The real SDK rejects undefined values in a query; silently dropping them would turn
      // `where({ openid: undefined })` into "match everything".
      throw invalidParam('collection.where', `value of field "${key}" is undefined`);
    }
    translateField(key, value, now, clauses);
  }
  if (clauses.length === 0) return {};
  return clauses.length === 1 ? clauses[0]! : { $and: clauses };
}

function translateField(path: string, value: unknown, now: Date, out: Criteria[]): void {
  if (value instanceof CommandValue) {
    out.push(translateFieldCommand(path, value, now));
    return;
  }
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    // CloudBase: a nested object in a query matches sub-fields (flattened to dot paths),
    // not whole-object equality. Use `_.eq({...})` for whole-object equality.
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) throw invalidParam('collection.where', `value of field "${path}.${k}" is undefined`);
      translateField(`${path}.${k}`, v, now, out);
    }
    return;
  }
  out.push({ [path]: fieldValueCriteria(value, now) });
}

function fieldValueCriteria(value: unknown, now: Date): unknown {
  if (value instanceof RegExp) return { $regex: value };
  return { $eq: resolveValue(value, now, 'collection.where') };
}

function translateFieldCommand(path: string, cmd: CommandValue, now: Date): Criteria {
  if (cmd.kind === 'query') {
    const operand = cmd.op === 'exists' ? cmd.operand : resolveValue(cmd.operand, now, 'collection.where');
    return { [path]: { [MONGO_OP[cmd.op]!]: operand } };
  }
  if (cmd.kind === 'logic') {
    const parts = (cmd.operand as unknown[]).map((c) => {
      if (c instanceof CommandValue) return translateFieldCommand(path, c, now);
      const sub: Criteria[] = [];
      translateField(path, c, now, sub);
      return sub.length === 1 ? sub[0]! : { $and: sub };
    });
    return { [cmd.op === 'and' ? '$and' : '$or']: parts };
  }
  throw invalidParam('collection.where', `update operator "${cmd.op}" cannot be used in a query`);
}

/**
 * Ids when the condition pins `_id`: `_id: 'x'`, `_id: _.eq('x')` or `_id: _.in([...])` at the top
 * level; `_.or([...])` whose every branch pins `_id` (the union); `_.and([...])` with a branch that
 * pins it. A superset of the matching documents' ids: the full condition is still tested on each.
 */
function pinnedIds(cond: unknown): string[] | null {
  if (cond instanceof CommandValue && cond.kind === 'logic') {
    const parts = (cond.operand as unknown[]).map(pinnedIds);
    if (cond.op === 'or') {
      if (parts.length === 0 || parts.some((p) => p === null)) return null;
      return [...new Set(parts.flatMap((p) => p!))];
    }
    return parts.find((p) => p !== null) ?? null;
  }
  if (!isPlainObject(cond)) return null;
  const v = cond._id;
  if (typeof v === 'string') return [v];
  if (v instanceof CommandValue && v.kind === 'query') {
    if (v.op === 'eq' && typeof v.operand === 'string') return [v.operand];
    if (v.op === 'in' && Array.isArray(v.operand) && v.operand.every((x) => typeof x === 'string')) {
      return [...new Set(v.operand as string[])];
    }
  }
  return null;
}

/**
 * Replaces `serverDate()` by the clock's time (deeply); rejects command values, which are only
 * allowed as field values in `where`/`update`.
 */
export function resolveValue(value: unknown, now: Date, api: string): unknown {
  if (value instanceof ServerDate) return new Date(now.getTime() + value.offset);
  if (value instanceof CommandValue) throw invalidParam(api, `operator "${value.op}" is not allowed here`);
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, now, api));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = resolveValue(v, now, api);
    return out;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof RegExp)) {
    throw invalidParam(api, `unsupported value type ${Object.prototype.toString.call(value)}`);
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw invalidParam(api, `unsupported value type ${typeof value}`);
  }
  return value;
}

/** Document data for add/set: serverDate resolved, no operators, no `_id` handling. */
export function resolveDocData(data: unknown, now: Date, api: string): DocData {
  if (!isPlainObject(data)) throw invalidParam(api, 'data must be an object');
  return resolveValue(data, now, api) as DocData;
}

type UpdateStep =
  | { kind: 'set'; path: string[]; value: unknown }
  | { kind: 'unset'; path: string[] }
  | { kind: 'inc'; path: string[]; by: number }
  | { kind: 'push'; path: string[]; values: unknown[] };

/** Flattens update data into steps (nested plain objects merge by dot path, as CloudBase does). */
export function compileUpdate(data: unknown, now: Date, api: string): UpdateStep[] {
  if (!isPlainObject(data) || Object.keys(data).length === 0) {
    throw invalidParam(api, 'update data must be a non-empty object');
  }
  const steps: UpdateStep[] = [];
  const walk = (prefix: string[], obj: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(obj)) {
      if (value === undefined) continue;
      const path = [...prefix, ...key.split('.')];
      if (path[0] === '_id') throw invalidParam(api, '_id cannot be updated');
      if (value instanceof CommandValue) {
        if (value.kind !== 'update')
          throw invalidParam(api, `query operator "${value.op}" cannot be used in an update`);
        switch (value.op) {
          case 'inc':
            steps.push({ kind: 'inc', path, by: value.operand as number });
            break;
          case 'set':
            steps.push({ kind: 'set', path, value: resolveValue(value.operand, now, api) });
            break;
          case 'remove':
            steps.push({ kind: 'unset', path });
            break;
          case 'push':
            steps.push({ kind: 'push', path, values: resolveValue(value.operand, now, api) as unknown[] });
            break;
          default:
            throw invalidParam(api, `operator "${value.op}" is not an update operator`);
        }
      } else if (isPlainObject(value) && Object.keys(value).length > 0) {
        walk(path, value);
      } else {
        steps.push({ kind: 'set', path, value: resolveValue(value, now, api) });
      }
    }
  };
  walk([], data);
  return steps;
}

function pathError(api: string, path: string[], why: string): Error {
  return cloudError(ERR_DB_REQUEST_FAILED, `${api}:fail cannot apply update to field "${path.join('.')}": ${why}`);
}

/** Returns the container holding the last path segment, creating plain objects on the way. */
function containerFor(
  doc: DocData,
  path: string[],
  create: boolean,
  api: string,
): Record<string, unknown> | unknown[] | null {
  let cur: unknown = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const holder = cur as Record<string, unknown>;
    let next = Array.isArray(holder) ? (holder as unknown[])[Number(seg)] : holder[seg];
    if (next === undefined || next === null) {
      if (!create) return null;
      next = {};
      if (Array.isArray(holder)) (holder as unknown[])[Number(seg)] = next;
      else holder[seg] = next;
    } else if (typeof next !== 'object' || next instanceof Date) {
      throw pathError(api, path, `"${path.slice(0, i + 1).join('.')}" is not an object`);
    }
    cur = next;
  }
  return cur as Record<string, unknown> | unknown[];
}

function readAt(c: Record<string, unknown> | unknown[], key: string): unknown {
  return Array.isArray(c) ? c[Number(key)] : c[key];
}
function writeAt(c: Record<string, unknown> | unknown[], key: string, v: unknown): void {
  if (Array.isArray(c)) c[Number(key)] = v;
  else c[key] = v;
}

/** Applies update steps to a copy of `doc`; returns the new document. */
/**
 * `doc` with the update applied. A copy, unless `owned`: the caller's own throwaway object (a
 * document just decoded from the store), changed in place — possibly partly when a step throws.
 */
export function applyUpdate(doc: DocData, steps: UpdateStep[], api: string, owned = false): DocData {
  const next = owned ? doc : deepClone(doc);
  for (const step of steps) {
    const last = step.path[step.path.length - 1]!;
    if (step.kind === 'unset') {
      const c = containerFor(next, step.path, false, api);
      if (c && !Array.isArray(c)) delete c[last];
      else if (c) c[Number(last)] = null;
      continue;
    }
    const c = containerFor(next, step.path, true, api)!;
    const cur = readAt(c, last);
    if (step.kind === 'set') {
      writeAt(c, last, deepClone(step.value));
    } else if (step.kind === 'inc') {
      if (cur === undefined || cur === null) writeAt(c, last, step.by);
      else if (typeof cur === 'number') writeAt(c, last, cur + step.by);
      else throw pathError(api, step.path, 'inc on a non-number');
    } else {
      if (cur === undefined || cur === null) writeAt(c, last, deepClone(step.values));
      else if (Array.isArray(cur)) cur.push(...deepClone(step.values));
      else throw pathError(api, step.path, 'push on a non-array');
    }
  }
  return next;
}

/** BSON-like type rank for sorting mixed values. */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (Array.isArray(v)) return 4;
  if (v instanceof Date) return 6;
  if (typeof v === 'boolean') return 5;
  return 3;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (cur as unknown[])[Number(seg)] : (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export interface SortKey {
  field: string;
  dir: 1 | -1;
}

export function sortDocs(docs: DocData[], keys: SortKey[]): DocData[] {
  if (keys.length === 0) return docs;
  return [...docs].sort((a, b) => {
    for (const k of keys) {
      const c = compareValues(getPath(a, k.field), getPath(b, k.field));
      if (c !== 0) return c * k.dir;
    }
    return 0; // stable: insertion order breaks ties
  });
}

/** `field({...})` projection: inclusion (`true`) or exclusion (`false`) by dot path; `_id` kept unless excluded. */
export function project(doc: DocData, projection: Record<string, boolean>): DocData {
  const entries = Object.entries(projection);
  const includes = entries.filter(([k, v]) => v && k !== '_id').map(([k]) => k);
  const excludes = entries.filter(([, v]) => !v).map(([k]) => k);
  if (includes.length > 0) {
    const out: DocData = {};
    if (projection._id !== false && doc._id !== undefined) out._id = doc._id;
    for (const path of includes) {
      const v = getPath(doc, path);
      if (v === undefined) continue;
      const segs = path.split('.');
      let cur = out;
      for (const seg of segs.slice(0, -1)) {
        if (!isPlainObject(cur[seg])) cur[seg] = {};
        cur = cur[seg] as DocData;
      }
      cur[segs[segs.length - 1]!] = deepClone(v);
    }
    return out;
  }
  const out = deepClone(doc);
  for (const path of excludes) {
    const segs = path.split('.');
    const parent = segs.length === 1 ? out : getPath(out, segs.slice(0, -1).join('.'));
    if (isPlainObject(parent)) delete parent[segs[segs.length - 1]!];
  }
  return out;
}
