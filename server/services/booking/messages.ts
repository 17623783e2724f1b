/**
 * The booking feature's subscription messages: one per booking and kind (a deterministic outbox
 * id, so a flow that runs twice sends once), rendered by server/domain/booking/messages.ts and
 * sent through the outbox, which never throws (a booking never fails because of a message).
 */
import type { BookingRules } from '../../config/booking-rules';
import type { BookingTemplates } from '../../config/templates';
import {
  bookingPage,
  renderBookingCancelled,
  renderBookingConfirmed,
  renderVisitReminder,
  renderWaitlistSuccess,
  type BookingRecord,
  type MessageData,
} from '../../domain/booking';
import type { MessageOutbox, SendSummary } from '../messages/outbox';

export type BookingMessageKind =
  | 'bookingConfirmed'
  | 'waitlistSuccess'
  | 'visitReminder'
  | 'bookingCancelled'
  | 'sessionStopped'
  | 'cancelledAtWindow';

interface Spec {
  /** Outbox id prefix: `msg_<prefix>_<bookingId>`. */
  prefix: string;
  templateId: (t: BookingTemplates) => string;
  render: (b: BookingRecord, r: BookingRules) => MessageData;
}

const SPECS: Record<BookingMessageKind, Spec> = {
  bookingConfirmed: { prefix: 'bc', templateId: (t) => t.bookingConfirmed, render: renderBookingConfirmed },
  waitlistSuccess: { prefix: 'wl', templateId: (t) => t.waitlistSuccess, render: renderWaitlistSuccess },
  visitReminder: { prefix: 'rm', templateId: (t) => t.visitReminder, render: renderVisitReminder },
  bookingCancelled: {
    prefix: 'cx',
    templateId: (t) => t.bookingCancelled,
    render: (b) => renderBookingCancelled(b, 'patient'),
  },
  sessionStopped: {
    prefix: 'st',
    templateId: (t) => t.bookingCancelled,
    render: (b) => renderBookingCancelled(b, 'stopped'),
  },
  cancelledAtWindow: {
    prefix: 'cw',
    templateId: (t) => t.bookingCancelled,
    render: (b) => renderBookingCancelled(b, 'window'),
  },
};

export class BookingMessages {
  constructor(
    private readonly outbox: MessageOutbox,
    private readonly templates: BookingTemplates,
    private readonly rules: BookingRules,
  ) {}

  async send(b: BookingRecord, kind: BookingMessageKind, nowMs: number): Promise<void> {
    const spec = SPECS[kind];
    await this.outbox.enqueueAndSend(
      {
        id: `msg_${spec.prefix}_${b._id}`,
        kind,
        touser: b._openid,
        templateId: spec.templateId(this.templates),
        page: bookingPage(b._id),
        data: spec.render(b, this.rules),
      },
      nowMs,
    );
  }

  /** The `sendMessages` timer: due messages (retried with back-off). */
  sendDue(nowMs: number): Promise<SendSummary> {
    return this.outbox.sendDue(nowMs);
  }
}
