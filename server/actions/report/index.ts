/**
 * The `report` function's actions (报告查询); routing, identity, validation and the envelope are
 * createMain's. Checked against typings/report.ts at compile time (defineActions).
 */
import type { ReportActions } from '../../../typings/report';
import { defineActions } from '../../core/contract';
import { userAction, type ActionMap } from '../../core/handler';
import { ReportService, type ReportDeps } from '../../services/report/report-service';
import { getSchema, listSchema } from './schemas';

export type { ReportDeps } from '../../services/report/report-service';

export function reportActions(deps: ReportDeps): ActionMap {
  const service = new ReportService(deps);
  return defineActions<ReportActions>()({
    list: userAction(listSchema, (i, c) => service.list(c, i)),
    get: userAction(getSchema, (i, c) => service.get(c, i.cardId, i.reportId)),
  });
}
