/** The HIS sandbox's SQLite store (better-sqlite3): schema, seeding and row mapping. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { HisPatient } from '../../server/ports/his-patient';
import { EVENT_SCHEMA, EVENT_TABLES } from './event-store';
import { seedFees } from './fee-gen';
import { FEE_SCHEMA, FEE_TABLES, migrateFeeSchema } from './fee-store';
import { seedInsurance } from './insurance-gen';
import { INSURANCE_SCHEMA, INSURANCE_TABLES } from './insurance-store';
import { generateSeed, type PatientRow } from './seed';

export type SandboxDb = Database.Database;

const TABLES = [
  'meta',
  'hospital',
  'departments',
  'doctors',
  'patients',
  'idempotency',
  'schedule_days',
  'sessions',
  'time_points',
  'bookings',
  'booking_tombstones',
  ...FEE_TABLES,
  ...INSURANCE_TABLES,
  ...EVENT_TABLES,
] as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hospital (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  code TEXT NOT NULL, name TEXT NOT NULL, short_name TEXT NOT NULL, level TEXT NOT NULL,
  address TEXT NOT NULL, phone TEXT NOT NULL, notice TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS departments (
  code TEXT PRIMARY KEY, name TEXT NOT NULL, location TEXT NOT NULL, intro TEXT NOT NULL, sort INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS doctors (
  doctor_id TEXT PRIMARY KEY, name TEXT NOT NULL, gender TEXT NOT NULL CHECK (gender IN ('M','F')),
  title TEXT NOT NULL, level TEXT NOT NULL CHECK (level IN ('expert','specialist')),
  dept_code TEXT NOT NULL REFERENCES departments(code), specialty TEXT NOT NULL, intro TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS doctors_dept ON doctors(dept_code);
CREATE TABLE IF NOT EXISTS patients (
  seq INTEGER PRIMARY KEY, patient_id TEXT NOT NULL UNIQUE, card_no TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL, id_number TEXT NOT NULL UNIQUE, phone TEXT NOT NULL,
  gender TEXT NOT NULL CHECK (gender IN ('M','F')), birth_date TEXT NOT NULL,
  social_security_no TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
  app_id TEXT NOT NULL, request_id TEXT NOT NULL, method TEXT NOT NULL, body_hash TEXT NOT NULL,
  response TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (app_id, request_id)
);
-- Schedules and bookings (docs/his-gateway.md, "Schedules and bookings").
-- Dates whose seeded sessions exist (generated at startup and lazily by schedule.query).
CREATE TABLE IF NOT EXISTS schedule_days (date TEXT PRIMARY KEY, generated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  session_id TEXT PRIMARY KEY, date TEXT NOT NULL, period TEXT NOT NULL CHECK (period IN ('AM','PM')),
  kind TEXT NOT NULL CHECK (kind IN ('specialist','expert')),
  dept_code TEXT NOT NULL REFERENCES departments(code), doctor_id TEXT REFERENCES doctors(doctor_id),
  fee_fen INTEGER NOT NULL, location TEXT NOT NULL, release_at TEXT NOT NULL,
  starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','stopped')), origin TEXT NOT NULL CHECK (origin IN ('seed','staged')),
  -- Set by POST /sandbox/queue/advance: nowServing then comes from here instead of the clock.
  queue_manual INTEGER NOT NULL DEFAULT 0, queue_now_serving INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_date ON sessions(date, dept_code);
CREATE TABLE IF NOT EXISTS time_points (
  session_id TEXT NOT NULL REFERENCES sessions(session_id), idx INTEGER NOT NULL,
  time TEXT NOT NULL, end_time TEXT NOT NULL, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
  seat_from INTEGER NOT NULL, seat_count INTEGER NOT NULL CHECK (seat_count > 0),
  PRIMARY KEY (session_id, time)
);
CREATE TABLE IF NOT EXISTS bookings (
  seq INTEGER PRIMARY KEY, his_booking_id TEXT NOT NULL UNIQUE,
  -- 'gateway': booking.confirm (app_id, confirm_request_id, patient_id set); 'window': a seat used at the window.
  source TEXT NOT NULL CHECK (source IN ('gateway','window')), app_id TEXT, confirm_request_id TEXT,
  session_id TEXT NOT NULL REFERENCES sessions(session_id), time TEXT NOT NULL, seat_no INTEGER NOT NULL,
  patient_id TEXT, status TEXT NOT NULL CHECK (status IN ('booked','cancelled','checkedIn','completed')),
  queue_no INTEGER, created_at TEXT NOT NULL, cancelled_at TEXT, checked_in_at TEXT
);
-- The sandbox itself can never double-book a seat.
CREATE UNIQUE INDEX IF NOT EXISTS bookings_active_seat ON bookings(session_id, seat_no) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX IF NOT EXISTS bookings_confirm ON bookings(app_id, confirm_request_id)
  WHERE confirm_request_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS bookings_queue ON bookings(session_id, queue_no) WHERE queue_no IS NOT NULL;
CREATE INDEX IF NOT EXISTS bookings_session_patient ON bookings(session_id, patient_id);
-- booking.cancel for a confirm requestId that never booked: that confirm may never book later.
CREATE TABLE IF NOT EXISTS booking_tombstones (
  app_id TEXT NOT NULL, confirm_request_id TEXT NOT NULL, cancel_request_id TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (app_id, confirm_request_id)
);
`;

export interface OpenOptions {
  dbFile: string;
  seed: number;
  reset: boolean;
  /** The sandbox clock's now: seeded charges are recent at this instant. Default: the system clock. */
  now?: Date;
}

/**
 * Memoizes `db.prepare` by SQL text: the sandbox's methods prepare their statements inline, and
 * compiling one costs more than running it. Safe because no statement is iterated or switched to
 * pluck/raw mode (a cached statement is shared by every caller of the same SQL).
 */
function cacheStatements(db: SandboxDb): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      if (cache.size >= 500) cache.clear();
      st = prepare(sql);
      cache.set(sql, st);
    }
    return st;
  }) as SandboxDb['prepare'];
}

/** Opens (creating if needed) the store; seeds it when empty or when `reset` is set. */
export function openSandboxDb(opts: OpenOptions): SandboxDb {
  if (opts.dbFile !== ':memory:') mkdirSync(dirname(opts.dbFile), { recursive: true });
  const db = new Database(opts.dbFile);
  if (opts.dbFile !== ':memory:') db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives a crash of the process (not of the OS) without an fsync each.
  db.pragma('synchronous = NORMAL');
  cacheStatements(db);
  db.pragma('foreign_keys = ON');
  if (opts.reset) {
    db.exec('PRAGMA foreign_keys = OFF');
    for (const t of [...TABLES].reverse()) db.exec(`DROP TABLE IF EXISTS ${t}`);
    db.exec('PRAGMA foreign_keys = ON');
  }
  db.exec(SCHEMA);
  db.exec(FEE_SCHEMA);
  migrateFeeSchema(db);
  db.exec(INSURANCE_SCHEMA);
  db.exec(EVENT_SCHEMA);
  const seeded = db.prepare('SELECT COUNT(*) AS n FROM hospital').get() as { n: number };
  if (seeded.n === 0) seedDb(db, opts.seed);
  // Charges came later than the rest of the seed: a database seeded before them gets them now, once.
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'seed'").get() as { value: string } | undefined;
  seedFees(db, Number(stored?.value) || opts.seed, opts.now ?? new Date());
  // So did 医保: accounts of the seeded insured patients, once.
  seedInsurance(db, Number(stored?.value) || opts.seed, opts.now ?? new Date());
  return db;
}

function seedDb(db: SandboxDb, seed: number): void {
  const data = generateSeed(seed);
  db.transaction(() => {
    const h = data.hospital;
    db.prepare(
      'INSERT INTO hospital (id, code, name, short_name, level, address, phone, notice) VALUES (1, ?, ?, ?, ?, ?, ?, ?)',
    ).run(h.code, h.name, h.shortName, h.level, h.address, h.phone, h.notice);
    const dept = db.prepare('INSERT INTO departments (code, name, location, intro, sort) VALUES (?, ?, ?, ?, ?)');
    for (const d of data.departments) dept.run(d.code, d.name, d.location, d.intro, d.sort);
    const doc = db.prepare(
      'INSERT INTO doctors (doctor_id, name, gender, title, level, dept_code, specialty, intro) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const d of data.doctors)
      doc.run(d.doctorId, d.name, d.gender, d.title, d.level, d.deptCode, d.specialty, d.intro);
    for (const p of data.patients) insertPatient(db, p);
    const meta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    meta.run('seed', String(seed));
    meta.run('schemaVersion', '1');
  })();
}

export function insertPatient(db: SandboxDb, p: PatientRow): void {
  db.prepare(
    `INSERT INTO patients (seq, patient_id, card_no, name, id_number, phone, gender, birth_date, social_security_no, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    p.seq,
    p.patientId,
    p.cardNo,
    p.name,
    p.idNumber,
    p.phone,
    p.gender,
    p.birthDate,
    p.socialSecurityNo,
    p.createdAt,
  );
}

interface PatientDbRow {
  seq: number;
  patient_id: string;
  card_no: string;
  name: string;
  id_number: string;
  phone: string;
  gender: 'M' | 'F';
  birth_date: string;
  social_security_no: string | null;
  created_at: string;
}

export function toHisPatient(r: PatientDbRow): HisPatient {
  return {
    patientId: r.patient_id,
    cardNo: r.card_no,
    name: r.name,
    idNumber: r.id_number,
    phone: r.phone,
    gender: r.gender,
    birthDate: r.birth_date,
    socialSecurityNo: r.social_security_no,
    createdAt: r.created_at,
  };
}

export function patientByIdNumber(db: SandboxDb, idNumber: string): HisPatient | null {
  const r = db.prepare('SELECT * FROM patients WHERE id_number = ?').get(idNumber) as PatientDbRow | undefined;
  return r ? toHisPatient(r) : null;
}

export function patientById(db: SandboxDb, patientId: string): HisPatient | null {
  const r = db.prepare('SELECT * FROM patients WHERE patient_id = ?').get(patientId) as PatientDbRow | undefined;
  return r ? toHisPatient(r) : null;
}

export function listPatients(
  db: SandboxDb,
  opts: { limit: number; offset: number; q?: string },
): {
  total: number;
  items: HisPatient[];
} {
  const q = opts.q?.trim();
  const where = q ? 'WHERE name LIKE ? OR patient_id = ? OR card_no = ? OR id_number = ? OR phone = ?' : '';
  const args = q ? [`%${q}%`, q, q, q.toUpperCase(), q] : [];
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM patients ${where}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM patients ${where} ORDER BY seq LIMIT ? OFFSET ?`)
    .all(...args, opts.limit, opts.offset) as PatientDbRow[];
  return { total, items: rows.map(toHisPatient) };
}

export function tableCounts(db: SandboxDb): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of ['departments', 'doctors', 'patients', 'idempotency'] as const) {
    counts[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  }
  return counts;
}
