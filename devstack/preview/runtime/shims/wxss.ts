/**
 * Replaces miniprogram-simulate's src/wxss.js in the browser bundle. The WXSS in the file map was
 * precompiled by scripts/build-preview.ts (imports inlined, rpx converted, selectors prefixed with
 * a placeholder); here the placeholder becomes the component's tag name, as simulate's postcss
 * plugin would have done.
 */
interface FileMapWindow {
  __FILE_MAP__?: Record<string, unknown>;
}

function readMap(filePath: string): string {
  const map = (window as unknown as FileMapWindow).__FILE_MAP__ ?? {};
  const v = map[filePath] ?? (filePath.startsWith('/') ? map[filePath.slice(1)] : undefined);
  return typeof v === 'string' ? v : '';
}

export function getContent(filePath: string): string {
  return readMap(filePath);
}

export function compile(wxss: string, options: { prefix?: string } = {}): string {
  const prefix = options.prefix || 'main';
  return wxss.split('.__MPX__--').join(`.${prefix}--`).split('__MPHOST__').join(prefix);
}

export function insert(wxss: string | string[], id: string): void {
  const list = Array.isArray(wxss) ? wxss : [wxss];
  document.querySelectorAll(`style#${id}`).forEach((s) => s.parentNode?.removeChild(s));
  const style = document.createElement('style');
  style.id = id;
  style.textContent = list.join('');
  document.head.appendChild(style);
}

export default { getContent, compile, insert };
