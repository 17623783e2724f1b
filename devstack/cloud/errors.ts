/**
 * Error helpers for the wx-server-sdk emulation. Real wx-server-sdk rejects with Error objects
 * carrying `errCode` and `errMsg`; the emulation does the same so callers' error handling is
 * exercised exactly as in production.
 */
export interface EmulatedCloudError extends Error {
  errCode: number;
  errMsg: string;
}

/** Generic database failure (also used by CloudBase for duplicate keys and missing documents). */
export const ERR_DB_REQUEST_FAILED = -502001;
/** Transaction could not commit because a document it read changed meanwhile. */
export const ERR_DB_TRANSACTION_CONFLICT = -502005;
/** SDK parameter error (wrong argument shape), like wx-server-sdk's -401002. */
export const ERR_SDK_INVALID_PARAM = -401002;

export function cloudError(errCode: number, errMsg: string): EmulatedCloudError {
  const err = new Error(`errCode: ${errCode} | errMsg: ${errMsg}`) as EmulatedCloudError;
  err.errCode = errCode;
  err.errMsg = errMsg;
  return err;
}

export function invalidParam(api: string, detail: string): EmulatedCloudError {
  return cloudError(ERR_SDK_INVALID_PARAM, `${api}:fail ${detail}`);
}

export function notEmulated(name: string): Error {
  return new Error(`wx-server-sdk emulation: ${name} is not emulated`);
}

/**
 * Property names that generic machinery probes on arbitrary objects (promise resolution,
 * JSON, util.inspect, jest matchers, ESM/CJS interop). Reading them must not throw.
 */
const PROBED = new Set([
  'then',
  'toJSON',
  'inspect',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  'tagName',
  '__esModule',
  '_isMockFunction',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
  '@@__IMMUTABLE_KEYED__@@',
  '@@__IMMUTABLE_ORDERED__@@',
  'toStringTag',
]);

const throwerCache = new Map<string, object>();

/**
 * A prototype object that throws "… is not emulated" for any property it does not know.
 * Placed at the end of an emulated object's prototype chain, it makes every access to an
 * API the emulation does not implement (e.g. `cloud.uploadFile`, `db.geo`, `_.geoNear`) fail
 * loudly instead of yielding `undefined`, including through bundler interop wrappers that
 * copy own properties onto an object inheriting from the module's prototype.
 */
export function strictPrototype(name: string): object {
  const cached = throwerCache.get(name);
  if (cached) return cached;
  const proxy = new Proxy(Object.create(Object.prototype) as object, {
    get(_target, key, receiver) {
      if (typeof key === 'symbol' || key in Object.prototype) return Reflect.get(Object.prototype, key, receiver);
      if (PROBED.has(key)) return undefined;
      throw notEmulated(`${name}.${key}`);
    },
  });
  throwerCache.set(name, proxy);
  return proxy;
}

/** Makes `obj` strict: missing properties throw (see strictPrototype). Returns `obj`. */
export function strict<T extends object>(name: string, obj: T): T {
  Object.setPrototypeOf(obj, strictPrototype(name));
  return obj;
}

/** Makes every instance of a class strict (call once per class). */
export function strictClass(name: string, cls: { prototype: object }): void {
  Object.setPrototypeOf(cls.prototype, strictPrototype(name));
}
