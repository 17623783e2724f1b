/**
 * The `patient` function's actions (就诊人管理): list / bind / get / unbind / setDefault.
 * Routing, identity, validation and the envelope are createMain's (server/core/handler.ts); the
 * map is checked against typings/patient.ts at compile time (defineActions).
 */
import type {
  PatientActions,
  PatientBindResponse,
  PatientCardView,
  PatientListResponse,
  PatientUnbindResponse,
} from '../../../typings/patient';
import { defineActions } from '../../core/contract';
import { action, type ActionMap, type CallContext } from '../../core/handler';
import type { Caller } from '../../services/patient/patient-service';
import { PatientService, type PatientServiceDeps } from '../../services/patient/patient-service';
import { bindSchema, getSchema, listSchema, setDefaultSchema, unbindSchema } from './schemas';

export type PatientActionDeps = PatientServiceDeps;

const caller = (ctx: CallContext): Caller => ({ openid: ctx.openid, now: ctx.now });

export function patientActions(deps: PatientActionDeps): ActionMap {
  const service = new PatientService(deps);
  return defineActions<PatientActions>()({
    list: action({
      schema: listSchema,
      run: (_input, ctx): Promise<PatientListResponse> => service.list(caller(ctx)),
    }),
    bind: action({
      schema: bindSchema,
      run: (input, ctx): Promise<PatientBindResponse> => service.bind(caller(ctx), input),
    }),
    get: action({
      schema: getSchema,
      run: (input, ctx): Promise<PatientCardView> => service.get(caller(ctx), input.cardId),
    }),
    unbind: action({
      schema: unbindSchema,
      run: (input, ctx): Promise<PatientUnbindResponse> => service.unbind(caller(ctx), input.cardId),
    }),
    setDefault: action({
      schema: setDefaultSchema,
      run: (input, ctx): Promise<PatientCardView> => service.setDefault(caller(ctx), input.cardId),
    }),
  });
}
