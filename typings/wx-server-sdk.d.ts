// The project uses wx-server-sdk only through the typed subset in server/ports/cloud-sdk.ts.
declare module 'wx-server-sdk' {
  import type { CloudSdk } from '../server/ports/cloud-sdk';
  const sdk: CloudSdk;
  export = sdk;
}
