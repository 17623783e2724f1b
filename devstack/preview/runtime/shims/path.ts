/** The few `path` functions miniprogram-simulate uses, POSIX semantics (browser bundle only). */
function normalizeParts(parts: string[], absolute: boolean): string {
  const out: string[] = [];
  for (const part of parts) {
    if (!part || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

export function normalize(p: string): string {
  return normalizeParts(p.split('/'), p.startsWith('/'));
}

export function join(...segments: string[]): string {
  const all = segments.filter((s) => s !== '').join('/');
  return all ? normalize(all) : '.';
}

export function dirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : p.slice(0, i);
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

export function relative(from: string, to: string): string {
  const a = normalize(from).split('/').filter(Boolean);
  const b = normalize(to).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

export const sep = '/';
export default { normalize, join, dirname, isAbsolute, relative, sep };
