/** 就诊人管理: typed calls to the `patient` cloud function. */
import type {
  PatientBindRequest,
  PatientBindResponse,
  PatientCardView,
  PatientListResponse,
  PatientUnbindResponse,
} from '../../typings/patient';
import { callCloud } from './cloud';

export type BindCardInput = Omit<PatientBindRequest, 'action'>;

export function listCards(): Promise<PatientListResponse> {
  return callCloud('patient', 'list', {});
}

export function bindCard(input: BindCardInput): Promise<PatientBindResponse> {
  return callCloud('patient', 'bind', input);
}

export function getCard(cardId: string): Promise<PatientCardView> {
  return callCloud('patient', 'get', { cardId });
}

export function unbindCard(cardId: string): Promise<PatientUnbindResponse> {
  return callCloud('patient', 'unbind', { cardId });
}

export function setDefaultCard(cardId: string): Promise<PatientCardView> {
  return callCloud('patient', 'setDefault', { cardId });
}
