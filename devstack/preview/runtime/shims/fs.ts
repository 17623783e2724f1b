/** miniprogram-simulate reads files from window.__FILE_MAP__ in the browser; `fs` must never be used. */
export function readFileSync(file: string): never {
  throw new Error(`[preview] fs.readFileSync(${file}) called in the browser`);
}
export default { readFileSync };
