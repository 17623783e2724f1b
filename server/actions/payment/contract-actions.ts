/**
 * The `payment` function's withholding (代扣) contract actions: `contract`, `signContract`,
 * `cancelContract` (typings/payment.ts). Spread into paymentActions (./index.ts); the flow is
 * server/services/withholding/contracts.ts.
 */
import { z } from 'zod';
import type {
  PaymentCancelContractResponse,
  PaymentContractResponse,
  PaymentSignContractResponse,
} from '../../../typings/payment';
import { userAction } from '../../core/handler';
import type { PaymentService } from '../../services/payment/payment-service';
import { WithholdingContracts } from '../../services/withholding/contracts';
import { cardIdSchema } from './schemas';

export const contractSchema = z.strictObject({ cardId: cardIdSchema });

export function contractActions(service: PaymentService) {
  const contracts = new WithholdingContracts(service.ctx);
  return {
    contract: userAction(contractSchema, (i, c): Promise<PaymentContractResponse> => contracts.view(c, i.cardId)),
    signContract: userAction(contractSchema, (i, c): Promise<PaymentSignContractResponse> =>
      contracts.sign(c, i.cardId),
    ),
    cancelContract: userAction(contractSchema, (i, c): Promise<PaymentCancelContractResponse> =>
      contracts.cancel(c, i.cardId),
    ),
  };
}
