/**
 * 报告查询: a card's reports from the HIS, the last 6 months, newest first. The caller must hold
 * the card (another user's card, or another patient's report id, answers NOT_FOUND exactly like a
 * missing one); amounts of data come from the HIS only.
 */
import type { ReportCategory, ReportGetResponse, ReportListResponse } from '../../../typings/report';
import { notFound } from '../../core/errors';
import type { Caller } from '../../core/handler';
import { BookingCardReader } from '../../adapters/clouddb/booking-cards';
import { reportView, servable, summaryView, windowStart } from '../../domain/report/view';
import type { Database } from '../../ports/cloud-sdk';
import type { HisReportPort, HisReportSummary } from '../../ports/his-report';
import { callHis } from '../his-errors';

export interface ReportDeps {
  db: Database;
  his: HisReportPort;
}

/** At most this many listed (two HIS pages); more → `truncated`. */
const LIST_MAX = 100;

export class ReportService {
  private readonly cards: BookingCardReader;

  constructor(private readonly deps: ReportDeps) {
    this.cards = new BookingCardReader(deps.db);
  }

  private async patientOf(caller: Caller, cardId: string): Promise<string> {
    const card = await this.cards.findOwned(caller.openid, cardId);
    if (!card) throw notFound('就诊人不存在');
    return card.hisPatientId;
  }

  async list(
    caller: Caller,
    q: { cardId: string; category?: ReportCategory; months?: number },
  ): Promise<ReportListResponse> {
    const patientId = await this.patientOf(caller, q.cardId);
    const since = windowStart((caller.now ?? (() => new Date()))().getTime(), q.months);
    const found: HisReportSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await callHis('report.list', () =>
        this.deps.his.listReports({
          patientId,
          issuedSince: new Date(since.ms).toISOString(),
          ...(q.category ? { category: q.category } : {}),
          ...(cursor ? { cursor } : {}),
          limit: 50,
        }),
      );
      found.push(...page.reports);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && found.length <= LIST_MAX);
    const inWindow = found.filter((r) => Date.parse(r.issuedAt) >= since.ms);
    return {
      cardId: q.cardId,
      reports: inWindow.slice(0, LIST_MAX).map((r) => summaryView(r, q.cardId)),
      truncated: inWindow.length > LIST_MAX || cursor !== undefined,
      since: since.date,
    };
  }

  async get(caller: Caller, cardId: string, reportId: string): Promise<ReportGetResponse> {
    const patientId = await this.patientOf(caller, cardId);
    const r = await callHis('report.get', () => this.deps.his.getReport(patientId, reportId));
    const nowMs = (caller.now ?? (() => new Date()))().getTime();
    // Older than the window: not served, like a missing report.
    if (!r || r.patientId !== patientId || !servable(r, nowMs)) throw notFound('报告不存在或已超过查询期限');
    return reportView(r, cardId);
  }
}
