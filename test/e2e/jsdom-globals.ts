/** jsdom globals for the jsdom half of fidelity.test.ts (a node-environment test). */
import { JSDOM } from 'jsdom';

/**
 * Makes this node-environment test look like jest-environment-jsdom for miniprogram-simulate: a
 * JSDOM window's properties become globals (only those node does not have already). Returns a
 * function removing them again.
 */
export function installJsdomGlobals(): () => void {
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
    url: 'http://localhost/',
    pretendToBeVisual: true,
  });
  const g = globalThis as unknown as Record<string, unknown>;
  const win = dom.window as unknown as Record<string, unknown>;
  const added: string[] = [];
  for (const key of Object.getOwnPropertyNames(dom.window)) {
    // Web storage is a Proxy that jest's global cleanup walks into endlessly; nothing here uses it.
    if (key in g || key === 'localStorage' || key === 'sessionStorage') continue;
    try {
      g[key] = win[key];
      added.push(key);
    } catch {
      // a few window getters refuse to be read outside their window; simulate does not use them
    }
  }
  return () => {
    for (const key of added) delete g[key];
    dom.window.close();
  };
}
