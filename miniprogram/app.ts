import { getConfig } from './config';
import { noteAppShow } from './utils/mini-program-return';

App<WechatMiniprogram.IAnyObject>({
  onLaunch() {
    const config = getConfig();
    if (config.target !== 'cloud') return;
    if (!wx.cloud) {
      console.error('请使用 2.2.3 或以上的基础库以使用云能力');
      return;
    }
    wx.cloud.init({ ...(config.cloudEnv ? { env: config.cloudEnv } : {}), traceUser: true });
  },

  /** Back from the 医保 or the contract-signing mini program: the waiting page takes the answer. */
  onShow(options: WechatMiniprogram.App.LaunchShowOption) {
    noteAppShow(options);
  },
});
