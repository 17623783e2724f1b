/**
 * The `patient` function's actions (就诊人管理): list / bind / get / unbind / setDefault.
 * Routing, identity, validation and the envelope are createMain's (server/core/handler.ts); the
 * map is checked against typings/patient.ts at compile time (defineActions).
 */
import type { PatientActions } from '../../../typings/patient';
import { defineActions } from '../../core/contract';
import { userAction, type ActionMap } from '../../core/handler';
import { PatientService, type PatientServiceDeps } from '../../services/patient/patient-service';
import { bindSchema, getSchema, listSchema, setDefaultSchema, unbindSchema } from './schemas';

export type PatientActionDeps = PatientServiceDeps;

export function patientActions(deps: PatientActionDeps): ActionMap {
  const service = new PatientService(deps);
  return defineActions<PatientActions>()({
    list: userAction(listSchema, (_input, caller) => service.list(caller)),
    bind: userAction(bindSchema, (input, caller) => service.bind(caller, input)),
    get: userAction(getSchema, (input, caller) => service.get(caller, input.cardId)),
    unbind: userAction(unbindSchema, (input, caller) => service.unbind(caller, input.cardId)),
    setDefault: userAction(setDefaultSchema, (input, caller) => service.setDefault(caller, input.cardId)),
  });
}
