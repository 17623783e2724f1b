/**
 * Cloud function `site` (微官网). Thin entry: the actions live in server/actions/site.
 * Bundled by scripts/build.ts into index.js with wx-server-sdk external.
 */
import cloud from 'wx-server-sdk';
import { siteActions } from '../../server/actions/site';
import { createMain } from '../../server/core/handler';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

export const main = createMain(cloud, () => siteActions({ db: cloud.database() }), { fn: 'site' });
