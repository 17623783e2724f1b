/**
 * wx.setClipboardData / wx.getClipboardData of the preview: the browser's clipboard where it
 * lets a page write (a secure context such as http://127.0.0.1), else a copy kept here; WeChat's
 * 内容已复制 toast either way.
 */
import * as ui from '../ui/index';
import { WxFail } from './wx-fail';

let kept = '';

export async function setClipboardData(opts: Record<string, unknown>, root: () => HTMLElement): Promise<void> {
  if (typeof opts.data !== 'string') throw new WxFail('setClipboardData:fail parameter error: data should be a string');
  kept = opts.data;
  try {
    await navigator.clipboard?.writeText(opts.data);
  } catch {
    console.debug('[preview] wx.setClipboardData: the browser refused the clipboard; kept in the preview');
  }
  ui.showToast(root(), { title: '内容已复制', icon: 'success', duration: 1500 });
}

export async function getClipboardData(): Promise<{ data: string }> {
  return { data: kept };
}
