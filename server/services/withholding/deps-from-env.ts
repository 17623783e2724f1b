/**
 * The withholding (代扣) deps of a function from its environment (server/config/papay.ts):
 * undefined when the deployment has no withholding configured.
 */
import type { FunctionEnv } from '../../config/env-vars';
import { papayConfigFromEnv } from '../../config/papay';
import { chargesReadyTemplateFromEnv } from '../../config/templates';
import { createPapayClient } from '../../core/wechatpay/papay-client';
import type { WithholdingDeps } from './context';

export function withholdingDepsFromEnv(env: FunctionEnv = process.env): WithholdingDeps | undefined {
  const config = papayConfigFromEnv(env);
  if (!config) return undefined;
  return { papay: createPapayClient(config), chargesReadyTemplate: chargesReadyTemplateFromEnv(env) };
}
