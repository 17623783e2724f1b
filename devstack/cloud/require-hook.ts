/**
 * Makes `require('wx-server-sdk')` resolve to the emulation, from any file (including the
 * esbuild bundles under cloudfunctions/, which keep `wx-server-sdk` external). For the devstack
 * process (plain node / tsx); jest tests use createCloudEmulator directly.
 */
import Module from 'node:module';
import type { CloudSdk } from '../../server/ports/cloud-sdk';

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _cache: Record<string, unknown>;
}

/** The cache key the hooked resolver returns for 'wx-server-sdk'. */
export const WX_SERVER_SDK_ID = '\u0000wx-server-sdk-emulation';

let installed: { sdk: CloudSdk } | null = null;

export function installWxServerSdk(sdk: CloudSdk): () => void {
  if (installed) throw new Error('installWxServerSdk: already installed; call the uninstall function first');
  const M = Module as unknown as ModuleInternals;
  const origResolve = M._resolveFilename;
  const origLoad = M._load;
  const isSdk = (request: string): boolean => request === 'wx-server-sdk' || request.startsWith('wx-server-sdk/');

  // A pre-loaded cache entry: Module._load finds it after resolution and returns its exports.
  const fake = new Module(WX_SERVER_SDK_ID);
  fake.filename = WX_SERVER_SDK_ID;
  fake.loaded = true;
  fake.exports = sdk;
  M._cache[WX_SERVER_SDK_ID] = fake;

  const hookedResolve: ModuleInternals['_resolveFilename'] = function (
    this: unknown,
    request,
    parent,
    isMain,
    options,
  ) {
    if (request === 'wx-server-sdk') return WX_SERVER_SDK_ID;
    if (isSdk(request)) throw new Error(`wx-server-sdk emulation: ${request} is not emulated`);
    return origResolve.call(this, request, parent, isMain, options);
  };
  // Belt and braces for loaders that bypass the cache lookup.
  const hookedLoad: ModuleInternals['_load'] = function (this: unknown, request, parent, isMain) {
    if (request === 'wx-server-sdk') return sdk;
    return origLoad.call(this, request, parent, isMain);
  };
  M._resolveFilename = hookedResolve;
  M._load = hookedLoad;
  installed = { sdk };

  return () => {
    // Only unhook what is still ours (another loader may have wrapped us meanwhile).
    if (M._resolveFilename === hookedResolve) M._resolveFilename = origResolve;
    if (M._load === hookedLoad) M._load = origLoad;
    delete M._cache[WX_SERVER_SDK_ID];
    installed = null;
  };
}
