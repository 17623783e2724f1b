import { getConfig } from './config';

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
});
