/**
 * What can be checked about the mini program upload without the network: project.config.json
 * (root, compile type, manual npm build, appid placeholder vs MP_APPID), the build output
 * (miniprogram_npm with every component the pages use, recursively; the copy of common/), and the
 * private key file. Shared by `npm run upload` and the deploy's dry run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';

export const MINIPROGRAM_CI = 'miniprogram-ci@2.1.42';
/** The appid committed in project.config.json; the real one comes from MP_APPID. */
export const PLACEHOLDER_APPID = 'wx0000000000000000';

export interface ComponentRef {
  from: string;
  ref: string;
  /** path below miniprogramRoot, without extension */
  path: string;
  exists: boolean;
}

export interface MiniprogramFacts {
  projectConfig: Record<string, unknown> | null;
  root: string | null;
  appJsonFound: boolean;
  missingPages: string[];
  npmDirFound: boolean;
  components: ComponentRef[];
  /** common/*.ts not copied into miniprogram/common (or differing) */
  commonStale: string[];
  /** CLOUD_ENV of miniprogram/config.ts, null when not found */
  cloudEnv: string | null;
}

export interface UploadEnv {
  appid: string | undefined;
  privateKeyPath: string | undefined;
  privateKeyFound: boolean;
}

export interface MiniprogramCheck {
  problems: string[];
  warnings: string[];
  lines: string[];
}

const readJson = (file: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
};

export function gatherMiniprogramFacts(repoRoot: string): MiniprogramFacts {
  const projectConfig = readJson(join(repoRoot, 'project.config.json'));
  const rootRel = typeof projectConfig?.miniprogramRoot === 'string' ? projectConfig.miniprogramRoot : null;
  const root = rootRel ? join(repoRoot, rootRel) : null;
  const app = root ? readJson(join(root, 'app.json')) : null;
  const pages = app ? pagesOf(app) : [];
  return {
    projectConfig,
    root: rootRel,
    appJsonFound: app !== null,
    missingPages: root ? pages.filter((p) => !pageFilesExist(root, p)) : [],
    npmDirFound: root !== null && existsSync(join(root, 'miniprogram_npm')),
    components: root && app ? componentRefs(root, pages) : [],
    commonStale: root ? staleCommon(repoRoot, root) : [],
    cloudEnv: root ? cloudEnvOf(join(root, 'config.ts')) : null,
  };
}

function pagesOf(app: Record<string, unknown>): string[] {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
  const subs = [app.subPackages, app.subpackages].flatMap((v) => (Array.isArray(v) ? v : []));
  const subPages = subs.flatMap((s: { root?: unknown; pages?: unknown }) =>
    strings(s.pages).map((p) => posix.join(String(s.root ?? ''), p)),
  );
  return [...strings(app.pages), ...subPages];
}

function pageFilesExist(root: string, page: string): boolean {
  const base = join(root, page);
  return existsSync(`${base}.wxml`) && [`${base}.ts`, `${base}.js`].some(existsSync);
}

/** Every usingComponents entry reachable from app.json and the pages, resolved as DevTools does. */
function componentRefs(root: string, pages: readonly string[]): ComponentRef[] {
  const out: ComponentRef[] = [];
  const seen = new Set<string>();
  const queue = ['app', ...pages];
  for (let owner = queue.shift(); owner !== undefined; owner = queue.shift()) {
    const using = readJson(join(root, `${owner}.json`))?.usingComponents;
    if (!using || typeof using !== 'object') continue;
    for (const ref of Object.values(using as Record<string, unknown>)) {
      if (typeof ref !== 'string' || ref.startsWith('plugin://')) continue;
      const path = resolveComponent(owner, ref);
      const exists =
        existsSync(join(root, `${path}.json`)) && [`${path}.js`, `${path}.ts`].some((f) => existsSync(join(root, f)));
      out.push({ from: `${owner}.json`, ref, path, exists });
      if (exists && !seen.has(path)) queue.push(path);
      seen.add(path);
    }
  }
  return out;
}

function resolveComponent(owner: string, ref: string): string {
  if (ref.startsWith('/')) return posix.normalize(ref.slice(1));
  if (ref.startsWith('.')) return posix.join(posix.dirname(owner), ref);
  const bare = posix.join('miniprogram_npm', ref);
  return bare.endsWith('/index') ? bare : `${bare}/index`;
}

function staleCommon(repoRoot: string, root: string): string[] {
  const src = join(repoRoot, 'common');
  if (!existsSync(src)) return [];
  return readdirSync(src)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => {
      const copy = join(root, 'common', f);
      return !existsSync(copy) || readFileSync(copy, 'utf8') !== readFileSync(join(src, f), 'utf8');
    });
}

function cloudEnvOf(configTs: string): string | null {
  if (!existsSync(configTs)) return null;
  const m = /const CLOUD_ENV\s*=\s*'([^']*)'/.exec(readFileSync(configTs, 'utf8'));
  return m ? m[1]! : null;
}

/** `strict`: a real upload, where a missing MP_APPID / key is a problem, not "to be supplied". */
export function checkMiniprogram(f: MiniprogramFacts, env: UploadEnv, strict: boolean): MiniprogramCheck {
  const out: MiniprogramCheck = { problems: [], warnings: [], lines: [] };
  out.problems.push(...projectProblems(f), ...buildProblems(f), ...credentialProblems(f, env, strict));
  const vant = new Set(f.components.filter((c) => c.path.includes('miniprogram_npm/@vant/')).map((c) => c.path));
  const direct = new Set(f.components.filter((c) => !c.from.includes('miniprogram_npm/')).map((c) => c.path));
  const unset = strict ? 'missing' : 'to be supplied';
  out.lines.push(
    `mini program (project.config.json): root ${f.root ?? '?'}, ${direct.size} components used by the pages, ` +
      `${vant.size} Vant components in miniprogram_npm incl. their dependencies` +
      (f.components.every((c) => c.exists) ? ', all present' : ''),
    `  appid: ${env.appid ? `${env.appid} from MP_APPID` : `MP_APPID ${unset}`}` +
      ` (project.config.json has ${String(f.projectConfig?.appid ?? '?')})`,
    `  private key: MP_PRIVATE_KEY_PATH ${env.privateKeyPath ? (env.privateKeyFound ? 'found' : 'not found') : unset}`,
    `  CLOUD_ENV (miniprogram/config.ts): ${f.cloudEnv ? JSON.stringify(f.cloudEnv) : "'' (the account's default environment)"}`,
  );
  return out;
}

function projectProblems(f: MiniprogramFacts): string[] {
  const p = f.projectConfig;
  if (!p) return ['project.config.json: missing or not JSON'];
  const problems: string[] = [];
  if (!f.root) problems.push('project.config.json: miniprogramRoot is not set');
  else if (!f.appJsonFound) problems.push(`project.config.json: miniprogramRoot ${f.root} has no app.json`);
  if (p.compileType !== 'miniprogram') problems.push('project.config.json: compileType must be "miniprogram"');
  const setting = (p.setting ?? {}) as Record<string, unknown>;
  if (setting.packNpmManually !== true) {
    problems.push('project.config.json: setting.packNpmManually must be true (npm run build makes miniprogram_npm)');
  }
  for (const page of f.missingPages) problems.push(`app.json: page ${page} has no .wxml or no .ts/.js file`);
  return problems;
}

function buildProblems(f: MiniprogramFacts): string[] {
  const problems: string[] = [];
  if (f.root && !f.npmDirFound) problems.push(`${f.root}miniprogram_npm is missing: run npm run build`);
  for (const c of f.components.filter((x) => !x.exists)) {
    problems.push(`${c.from}: component ${c.ref} not found (${c.path}.json/.js): run npm run build`);
  }
  for (const file of f.commonStale) {
    problems.push(`${f.root ?? ''}common/${file} is missing or differs from common/${file}: run npm run build`);
  }
  return problems;
}

function credentialProblems(f: MiniprogramFacts, env: UploadEnv, strict: boolean): string[] {
  const problems: string[] = [];
  const committed = String(f.projectConfig?.appid ?? '');
  if (env.appid !== undefined) {
    if (!/^wx[0-9a-f]{16}$/.test(env.appid)) problems.push('MP_APPID is not a mini program appid (wx + 16 hex)');
    else if (env.appid === PLACEHOLDER_APPID) problems.push('MP_APPID is the placeholder appid');
    if (committed !== PLACEHOLDER_APPID && committed !== env.appid) {
      problems.push(`project.config.json: appid ${committed} differs from MP_APPID ${env.appid}`);
    }
  } else if (strict) problems.push('MP_APPID is not set (the mini program appid)');
  if (env.privateKeyPath !== undefined && !env.privateKeyFound) {
    problems.push('MP_PRIVATE_KEY_PATH: no file there (the code upload key from mp.weixin.qq.com)');
  } else if (env.privateKeyPath === undefined && strict) {
    problems.push('MP_PRIVATE_KEY_PATH is not set (path of the code upload key)');
  }
  return problems;
}

export function uploadEnvFrom(env: NodeJS.ProcessEnv, cwd: string): UploadEnv {
  const key = env.MP_PRIVATE_KEY_PATH || undefined;
  return {
    appid: env.MP_APPID || undefined,
    privateKeyPath: key,
    privateKeyFound: key !== undefined && existsSync(resolve(cwd, key)),
  };
}

export interface UploadArgs {
  projectPath: string;
  appid: string;
  privateKeyPath: string;
  version: string;
  desc: string;
  robot: number;
}

/** Arguments for `npx`: miniprogram-ci runs on demand (it is ~275 MB, not a dependency). */
export function uploadCommand(a: UploadArgs): string[] {
  return [
    '--yes',
    MINIPROGRAM_CI,
    'upload',
    '--project-path',
    a.projectPath,
    '--private-key-path',
    a.privateKeyPath,
    '--appid',
    a.appid,
    '--upload-version',
    a.version,
    '--upload-description',
    a.desc,
    '--robot',
    String(a.robot),
    // compile settings (es6, enhance, minified, the TypeScript plugin) from project.config.json
    '--use-project-config',
  ];
}

/** For printing only. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
