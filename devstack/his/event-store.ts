/**
 * The HIS sandbox's outgoing events (docs/his-gateway.md, "Events (HIS → cloud)"): each event with
 * the exact JSON it is delivered as, its delivery state and schedule (so a restart resumes pending
 * deliveries), the fee items it covers, and a log of every delivery. Synchronous, like all
 * sandbox storage; the delivery itself is event-delivery.ts.
 */
import { randomInt } from 'node:crypto';
import type { SandboxDb } from './db';
import type { FeeItemRow } from './fee-store';

export const EVENT_SCHEMA = `
-- Events the HIS delivers to the cloud (docs/his-gateway.md, "Events (HIS → cloud)").
CREATE TABLE IF NOT EXISTS his_events (
  seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
  patient_id TEXT NOT NULL, visit_id TEXT, occurred_at TEXT NOT NULL,
  -- The exact JSON every delivery sends (a retry is signed anew, its body is the same).
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','delivered','failed')),
  -- Scheduled deliveries so far (redeliveries are only logged).
  attempts INTEGER NOT NULL DEFAULT 0,
  -- Real-time ms of the next scheduled delivery; NULL: due at once (as soon as a URL is set).
  next_at INTEGER,
  last_status INTEGER, last_error TEXT, delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS his_events_state ON his_events(state, seq);
-- The fee items an event covers (no foreign key to fee_items: deleting charges never depends on events).
CREATE TABLE IF NOT EXISTS his_event_items (
  event_id TEXT NOT NULL REFERENCES his_events(event_id), item_id TEXT NOT NULL,
  PRIMARY KEY (event_id, item_id)
);
CREATE INDEX IF NOT EXISTS his_event_items_item ON his_event_items(item_id);
CREATE TABLE IF NOT EXISTS his_event_deliveries (
  seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL REFERENCES his_events(event_id),
  kind TEXT NOT NULL CHECK (kind IN ('scheduled','manual')), attempt INTEGER NOT NULL,
  at TEXT NOT NULL, url TEXT NOT NULL, status INTEGER, ms INTEGER NOT NULL, error TEXT
);
CREATE INDEX IF NOT EXISTS his_event_deliveries_event ON his_event_deliveries(event_id, seq);
`;

/** In creation order (dropped in reverse). */
export const EVENT_TABLES = ['his_events', 'his_event_items', 'his_event_deliveries'] as const;

export type EventState = 'pending' | 'delivered' | 'failed';
export type DeliveryKind = 'scheduled' | 'manual';

export interface EventRow {
  seq: number;
  event_id: string;
  type: string;
  patient_id: string;
  visit_id: string | null;
  occurred_at: string;
  body: string;
  state: EventState;
  attempts: number;
  next_at: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

interface DeliveryRow {
  event_id: string;
  kind: DeliveryKind;
  attempt: number;
  at: string;
  url: string;
  status: number | null;
  ms: number;
  error: string | null;
}

/** `charges.ready`: the doctor finished ordering, the patient has new unpaid charges. */
export interface ChargesReadyEvent {
  eventId: string;
  type: 'charges.ready';
  occurredAt: string;
  data: {
    patientId: string;
    visitId: string;
    deptCode: string;
    deptName: string;
    doctorName: string;
    itemIds: string[];
    totalFen: number;
    /** The 医保 order the HIS pre-settled with the card read at the 医生站; null when there is none. */
    insurance: ChargesReadyInsurance | null;
  };
}

/** `charges.ready`'s 医保 part: the cloud reads the split with insurance.query (6301). */
export interface ChargesReadyInsurance {
  payOrdId: string;
}

/** `EV` + the UTC instant to the second (14 digits) + 6 random digits; unique in the store. */
function newEventId(db: SandboxDb, at: Date): string {
  const stamp = at.toISOString().replace(/\D/g, '').slice(0, 14);
  for (;;) {
    const id = `EV${stamp}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    if (!db.prepare('SELECT 1 FROM his_events WHERE event_id = ?').get(id)) return id;
  }
}

/**
 * Stores a `charges.ready` event (state pending) for items of one patient — their rows, in the
 * event's order. The visit is the one an earlier event named for any of these items, else a new
 * one; department and doctor are the first item's. `insurance` names the 医保 order the items were
 * pre-settled in at the 医生站, if any.
 */
export function insertChargesReady(
  db: SandboxDb,
  items: FeeItemRow[],
  at: Date,
  insurance: ChargesReadyInsurance | null,
): ChargesReadyEvent {
  const first = items[0];
  if (!first) throw new Error('charges.ready needs at least one item');
  const { n } = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM his_events').get() as { n: number };
  const placeholders = items.map(() => '?').join(', ');
  const known = db
    .prepare(
      `SELECT e.visit_id AS visitId FROM his_event_items i JOIN his_events e ON e.event_id = i.event_id
       WHERE i.item_id IN (${placeholders}) AND e.visit_id IS NOT NULL ORDER BY e.seq DESC LIMIT 1`,
    )
    .get(...items.map((r) => r.item_id)) as { visitId: string } | undefined;
  const event: ChargesReadyEvent = {
    eventId: newEventId(db, at),
    type: 'charges.ready',
    occurredAt: at.toISOString(),
    data: {
      patientId: first.patient_id,
      visitId: known?.visitId ?? `V${String(100_000_000_000 + n)}`,
      deptCode: first.dept_code,
      deptName: first.dept_name,
      doctorName: first.doctor_name,
      itemIds: items.map((r) => r.item_id),
      totalFen: items.reduce((sum, r) => sum + r.amount_fen, 0),
      insurance,
    },
  };
  db.prepare(
    `INSERT INTO his_events (seq, event_id, type, patient_id, visit_id, occurred_at, body, state)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
  ).run(n, event.eventId, event.type, first.patient_id, event.data.visitId, event.occurredAt, JSON.stringify(event));
  const link = db.prepare('INSERT INTO his_event_items (event_id, item_id) VALUES (?, ?)');
  for (const r of items) link.run(event.eventId, r.item_id);
  return event;
}

export function eventRow(db: SandboxDb, eventId: string): EventRow | undefined {
  return db.prepare('SELECT * FROM his_events WHERE event_id = ?').get(eventId) as EventRow | undefined;
}

export function pendingEvents(db: SandboxDb): EventRow[] {
  return db.prepare("SELECT * FROM his_events WHERE state = 'pending' ORDER BY seq").all() as EventRow[];
}

export function updateEvent(
  db: SandboxDb,
  eventId: string,
  change: Partial<Pick<EventRow, 'state' | 'attempts' | 'next_at' | 'last_status' | 'last_error' | 'delivered_at'>>,
): void {
  const keys = Object.keys(change) as (keyof typeof change)[];
  if (keys.length === 0) return;
  db.prepare(`UPDATE his_events SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE event_id = ?`).run(
    ...keys.map((k) => change[k] ?? null),
    eventId,
  );
}

export function insertDelivery(db: SandboxDb, d: DeliveryRow): void {
  db.prepare(
    `INSERT INTO his_event_deliveries (event_id, kind, attempt, at, url, status, ms, error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(d.event_id, d.kind, d.attempt, d.at, d.url, d.status, d.ms, d.error);
}

export function eventCounts(db: SandboxDb): Record<EventState | 'total', number> {
  const rows = db.prepare('SELECT state, COUNT(*) AS n FROM his_events GROUP BY state').all() as {
    state: EventState;
    n: number;
  }[];
  const counts = { total: 0, pending: 0, delivered: 0, failed: 0 };
  for (const r of rows) {
    counts[r.state] = r.n;
    counts.total += r.n;
  }
  return counts;
}

/** What GET /sandbox/events shows of one event: its state, the event as sent and every delivery. */
export function eventView(db: SandboxDb, r: EventRow): Record<string, unknown> {
  const deliveries = db
    .prepare('SELECT * FROM his_event_deliveries WHERE event_id = ? ORDER BY seq')
    .all(r.event_id) as DeliveryRow[];
  return {
    eventId: r.event_id,
    type: r.type,
    patientId: r.patient_id,
    occurredAt: r.occurred_at,
    state: r.state,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    nextAttemptAt: r.state === 'pending' && r.next_at !== null ? new Date(r.next_at).toISOString() : null,
    deliveredAt: r.delivered_at,
    event: JSON.parse(r.body) as unknown,
    deliveries: deliveries.map((d) => ({
      kind: d.kind,
      attempt: d.attempt,
      at: d.at,
      url: d.url,
      status: d.status,
      ms: d.ms,
      error: d.error,
    })),
  };
}

/** The newest `limit` events, newest first. */
export function listEvents(db: SandboxDb, limit: number): EventRow[] {
  return db.prepare('SELECT * FROM his_events ORDER BY seq DESC LIMIT ?').all(limit) as EventRow[];
}
