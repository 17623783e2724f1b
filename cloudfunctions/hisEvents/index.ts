/**
 * Cloud function `hisEvents`: events the HIS sends (HTTP access path `/hisEvents`), verified with
 * the HIS gateway's signature. Flow: server/services/his-events/intake.ts; protocol:
 * docs/his-gateway.md ("Events (HIS → cloud)"). With withholding (代扣) configured, charges.ready
 * of a contracted patient is deducted first (server/services/withholding/deductions.ts), which
 * needs the payment side too: the HIS fee calls and WeChat Pay (v3 and v2).
 */
import cloud from 'wx-server-sdk';
import { createHisFeeClient } from '../../server/adapters/his/fee-client';
import { createHisInsuranceClient } from '../../server/adapters/his/insurance-client';
import { hisConfigFromEnv } from '../../server/config/his';
import { chargesReadyTemplateFromEnv } from '../../server/config/templates';
import { wechatPayConfigFromEnv } from '../../server/config/wechatpay';
import { createHttpMain } from '../../server/core/http-main';
import { createWechatPayClient } from '../../server/core/wechatpay/client';
import { HisEventIntake } from '../../server/services/his-events/intake';
import { PaymentService } from '../../server/services/payment/payment-service';
import { WithholdingDeductions } from '../../server/services/withholding/deductions';
import { withholdingDepsFromEnv } from '../../server/services/withholding/deps-from-env';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });

function withholding(his: ReturnType<typeof hisConfigFromEnv>): WithholdingDeductions | undefined {
  const deps = withholdingDepsFromEnv();
  if (!deps) return undefined;
  const service = new PaymentService({
    db: cloud.database(),
    his: createHisFeeClient(his),
    // 医生站 医保: charges the HIS pre-settled with the patient's 医保 card (only the cash is deducted).
    hisInsurance: createHisInsuranceClient(his),
    pay: createWechatPayClient(wechatPayConfigFromEnv()),
    withholding: deps,
    openapi: cloud.openapi,
  });
  return new WithholdingDeductions(service.ctx, service.confirmation, service.settlement);
}

export const main = createHttpMain(
  cloud,
  () => {
    const his = hisConfigFromEnv();
    const intake = new HisEventIntake({
      db: cloud.database(),
      openapi: cloud.openapi,
      his: { appId: his.appId, appSecret: his.appSecret },
      chargesReadyTemplate: chargesReadyTemplateFromEnv(),
      withholding: withholding(his),
    });
    return (req) => intake.handle(req);
  },
  { fn: 'hisEvents' },
);
