/**
 * The devstack's static files: the console (`/`, `/console/*`), the browser preview
 * (`/preview/*`: the page from devstack/preview/, its bundles from .build/preview/) and the Noto
 * Sans SC web font both use, so Chinese renders on machines without CJK system fonts.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { HttpError, sendJson, sendText } from './http-reply';

const CONSOLE_DIR = join(__dirname, 'console');
const CONSOLE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/console/pay.js': { file: 'pay.js', type: 'text/javascript; charset=utf-8' },
  '/console/identities.js': { file: 'identities.js', type: 'text/javascript; charset=utf-8' },
  '/console/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** @fontsource/noto-sans-sc: its 400.css and the woff2/woff subsets that CSS names (./files/…). */
const NOTO_DIR = dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));
const NOTO_FILE = /^\/fonts\/noto-sans-sc\/(400\.css|files\/noto-sans-sc-[a-z0-9-]+-400-normal\.woff2?)$/;

const PREVIEW_SOURCE_DIR = join(__dirname, 'preview');
const PREVIEW_BUILD_DIR = join(__dirname, '..', '.build', 'preview');
/** GET /preview[/...]: the page from devstack/preview/, the bundles from .build/preview/ (npm run build). */
const PREVIEW_FILES: Record<string, { dir: string; file: string; type: string }> = {
  '/preview': { dir: PREVIEW_SOURCE_DIR, file: 'index.html', type: 'text/html; charset=utf-8' },
  '/preview/': { dir: PREVIEW_SOURCE_DIR, file: 'index.html', type: 'text/html; charset=utf-8' },
  '/preview/preview.css': { dir: PREVIEW_SOURCE_DIR, file: 'preview.css', type: 'text/css; charset=utf-8' },
  '/preview/filemap.js': { dir: PREVIEW_BUILD_DIR, file: 'filemap.js', type: 'text/javascript; charset=utf-8' },
  '/preview/runtime.js': { dir: PREVIEW_BUILD_DIR, file: 'runtime.js', type: 'text/javascript; charset=utf-8' },
  '/preview/runtime.js.map': {
    dir: PREVIEW_BUILD_DIR,
    file: 'runtime.js.map',
    type: 'application/json; charset=utf-8',
  },
  '/preview/vant-icon.woff2': { dir: PREVIEW_BUILD_DIR, file: 'vant-icon.woff2', type: 'font/woff2' },
};
/** The preview evaluates the compiled mini program (new Function) and injects component styles. */
const PREVIEW_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; " +
  "font-src 'self' data:; connect-src 'self'; frame-src http: https:; base-uri 'none'; form-action 'none'";

function sendPreviewFile(res: ServerResponse, path: string): void {
  const entry = PREVIEW_FILES[path];
  if (!entry || !Object.prototype.hasOwnProperty.call(PREVIEW_FILES, path))
    throw new HttpError(404, `no preview file ${path}`);
  const file = join(entry.dir, entry.file);
  if (!existsSync(file)) {
    sendJson(res, 503, { error: `preview not built: ${file} is missing — run npm run build` });
    return;
  }
  res.writeHead(200, {
    'content-type': entry.type,
    'cache-control': 'no-store',
    'content-security-policy': PREVIEW_CSP,
    'x-content-type-options': 'nosniff',
  });
  res.end(readFileSync(file));
}

function sendFontFile(res: ServerResponse, rel: string): void {
  const file = join(NOTO_DIR, rel);
  if (!existsSync(file)) throw new HttpError(404, `no font file ${rel}`);
  const type = rel.endsWith('.css') ? 'text/css; charset=utf-8' : rel.endsWith('.woff2') ? 'font/woff2' : 'font/woff';
  // The files of a pinned package version never change: let the browser keep them for a day.
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'public, max-age=86400',
    'x-content-type-options': 'nosniff',
  });
  res.end(readFileSync(file));
}

/** Serves `path` if it is a static file (true), else leaves it to the other routes (false). */
export function createStaticFiles(): { serve(res: ServerResponse, method: string, path: string): boolean } {
  const consoleCache = new Map<string, Buffer>();
  const readConsoleFile = (file: string): Buffer => {
    let buf = consoleCache.get(file);
    if (!buf) {
      buf = readFileSync(join(CONSOLE_DIR, file));
      consoleCache.set(file, buf);
    }
    return buf;
  };
  const getOnly = (method: string): void => {
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'use GET');
  };
  return {
    serve(res, method, path) {
      if (path === '/preview' || path.startsWith('/preview/')) {
        getOnly(method);
        sendPreviewFile(res, path);
        return true;
      }
      const font = NOTO_FILE.exec(path);
      if (font) {
        getOnly(method);
        sendFontFile(res, font[1]!);
        return true;
      }
      const staticFile = Object.prototype.hasOwnProperty.call(CONSOLE_FILES, path) ? CONSOLE_FILES[path] : undefined;
      if (!staticFile) return false;
      getOnly(method);
      sendText(res, 200, staticFile.type, readConsoleFile(staticFile.file));
      return true;
    },
  };
}
