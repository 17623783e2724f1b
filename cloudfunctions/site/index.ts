/**
 * Cloud function `site` (微官网). Thin entry: everything lives in server/functions/site.
 * Bundled by scripts/build.ts into index.js with wx-server-sdk external.
 */
import cloud from 'wx-server-sdk';
import { createMain } from '../../server/core/handler';
import { siteActions } from '../../server/functions/site';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

export const main = createMain(cloud, () => siteActions({ db: cloud.database() }), { fn: 'site' });
