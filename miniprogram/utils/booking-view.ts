/**
 * View models of the 门诊服务 pages: display text only, computed from the `booking` contract.
 * Money arrives as integer fen; dates are business dates in Asia/Shanghai.
 */
import type {
  BookingStatus,
  BookingView,
  DepartmentView,
  DoctorView,
  Period,
  SessionView,
  SlotKind,
  TimePointView,
  WaitlistStatus,
  WaitlistView,
} from '../../typings/booking';

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Integer fen → `¥15.00` (integer arithmetic, no floats). */
export function formatFee(fen: number): string {
  const value = Math.max(0, Math.round(fen));
  return `¥${Math.floor(value / 100)}.${pad2(value % 100)}`;
}

export function periodText(period: Period): string {
  return period === 'AM' ? '上午' : '下午';
}

export function kindText(kind: SlotKind): string {
  return kind === 'expert' ? '专家号' : '专科号';
}

/** `YYYY-MM-DD` → its weekday `周一` (calendar arithmetic, independent of the device zone). */
export function weekdayOf(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return '';
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return WEEKDAYS[day] ?? '';
}

/** `2024-05-06` → `05-06` */
export function monthDay(date: string): string {
  return date.length >= 10 ? date.slice(5, 10) : date;
}

/** ISO instant → `YYYY-MM-DD HH:mm` in Asia/Shanghai; '' when unparsable. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`
  );
}

/** `请于08:30至09:00到院签到/取号` */
export function arrivalText(arrival: { from: string; to: string }): string {
  return `请于${arrival.from}至${arrival.to}到院签到/取号`;
}

/** `专家号 · 张三 主任医师` or `专科号` */
export function doctorLine(kind: SlotKind, doctorName: string | null, doctorTitle: string | null): string {
  if (kind === 'expert' && doctorName) return [doctorName, doctorTitle].filter(Boolean).join(' ');
  return '专科号（普通门诊）';
}

// ---- departments / doctors ----

export interface DepartmentItem {
  code: string;
  name: string;
  location: string;
  intro: string;
  doctorCount: number;
}

export function toDepartmentItem(d: DepartmentView): DepartmentItem {
  return { code: d.code, name: d.name, location: d.location, intro: d.intro, doctorCount: d.doctorCount };
}

/** Local search over name, intro and location (case-insensitive, trimmed). */
export function filterDepartments<T extends DepartmentItem>(items: readonly T[], q: string): T[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return items.slice();
  return items.filter((d) => `${d.name}\n${d.intro}\n${d.location}`.toLowerCase().includes(needle));
}

export interface DoctorItem {
  doctorId: string;
  name: string;
  title: string;
  specialty: string;
  intro: string;
  deptCode: string;
  deptName: string;
  isExpert: boolean;
  gender: string;
}

export function toDoctorItem(d: DoctorView): DoctorItem {
  return {
    doctorId: d.doctorId,
    name: d.name,
    title: d.title,
    specialty: d.specialty,
    intro: d.intro,
    deptCode: d.deptCode,
    deptName: d.deptName,
    isExpert: d.level === 'expert',
    gender: d.gender === 'M' ? '男' : '女',
  };
}

// ---- schedule ----

export type DayState = 'available' | 'full' | 'notReleased' | 'closed' | 'none';

const DAY_STATE_TEXT: Record<DayState, string> = {
  available: '有号',
  full: '约满',
  notReleased: '未放号',
  closed: '已停约',
  none: '无号',
};

export interface DateItem {
  date: string;
  monthDay: string;
  /** `今天` / `明天` / `周三` */
  weekday: string;
  state: DayState;
  stateText: string;
}

function isBookableSession(s: SessionView): boolean {
  return s.closedReason === null && s.released && s.seatsRemaining > 0;
}

export function dayState(sessions: readonly SessionView[]): DayState {
  if (sessions.length === 0) return 'none';
  if (sessions.some(isBookableSession)) return 'available';
  if (sessions.some((s) => s.closedReason === 'notReleased' || !s.released)) return 'notReleased';
  if (sessions.some((s) => s.closedReason === 'full' || s.seatsRemaining === 0)) return 'full';
  return 'closed';
}

/** The date strip: every date of the bookable window (today … today+7), with its state. */
export function toDateItems(dates: readonly string[], sessions: readonly SessionView[]): DateItem[] {
  return dates.map((date, i) => {
    const state = dayState(sessions.filter((s) => s.date === date));
    return {
      date,
      monthDay: monthDay(date),
      weekday: i === 0 ? '今天' : i === 1 ? '明天' : weekdayOf(date),
      state,
      stateText: DAY_STATE_TEXT[state],
    };
  });
}

/** The date to show first: the requested one if in the window, else the first with seats, else today. */
export function initialDate(items: readonly DateItem[], wanted: string): string {
  if (wanted && items.some((d) => d.date === wanted)) return wanted;
  return (items.find((d) => d.state === 'available') ?? items[0])?.date ?? '';
}

export interface TimeChip {
  time: string;
  /** `09:00（余3）` / `09:00（满）` */
  label: string;
  disabled: boolean;
}

export function toTimeChip(tp: TimePointView, released: boolean): TimeChip {
  const label = !released
    ? `${tp.time}（未放号）`
    : tp.seatsRemaining > 0
      ? `${tp.time}（余${tp.seatsRemaining}）`
      : `${tp.time}（满）`;
  return { time: tp.time, label, disabled: !tp.bookable };
}

export interface SessionItem {
  sessionId: string;
  date: string;
  period: string;
  kind: SlotKind;
  kindText: string;
  deptCode: string;
  deptName: string;
  doctorId: string | null;
  /** `张三 主任医师` or `专科号（普通门诊）` */
  doctorLine: string;
  fee: string;
  location: string;
  remaining: number;
  /** `余12` / `约满` / `07:00放号` / `已停诊` */
  statusText: string;
  statusType: 'primary' | 'danger' | 'default' | 'warning';
  full: boolean;
  waitlistOpen: boolean;
  waiting: number;
  chips: TimeChip[];
}

function sessionStatus(s: SessionView, releaseText: string): Pick<SessionItem, 'statusText' | 'statusType'> {
  if (s.closedReason === 'notReleased' || !s.released) return { statusText: releaseText, statusType: 'default' };
  if (s.closedReason === 'started') return { statusText: '已停约', statusType: 'default' };
  if (s.closedReason === 'full' || s.seatsRemaining <= 0) return { statusText: '约满', statusType: 'danger' };
  return { statusText: `余${s.seatsRemaining}`, statusType: 'primary' };
}

/** `05-13 07:00放号`, or `未放号` when the instant is unknown. */
function releaseText(releaseAt: string): string {
  const at = formatDateTime(releaseAt);
  return at ? `${at.slice(5)}放号` : '未放号';
}

export function toSessionItem(s: SessionView): SessionItem {
  const full = s.released && (s.closedReason === 'full' || (s.closedReason === null && s.seatsRemaining <= 0));
  return {
    sessionId: s.sessionId,
    date: s.date,
    period: periodText(s.period),
    kind: s.kind,
    kindText: kindText(s.kind),
    deptCode: s.deptCode,
    deptName: s.deptName,
    doctorId: s.doctorId,
    doctorLine: doctorLine(s.kind, s.doctorName, s.doctorTitle),
    fee: formatFee(s.feeFen),
    location: s.location,
    remaining: s.seatsRemaining,
    ...sessionStatus(s, releaseText(s.releaseAt)),
    full,
    waitlistOpen: full && s.waitlist.open,
    waiting: s.waitlist.waiting,
    chips: s.timePoints.map((tp) => toTimeChip(tp, s.released)),
  };
}

/** Sessions of one date, morning first, then by doctor. */
export function sessionsOn(sessions: readonly SessionView[], date: string): SessionItem[] {
  return sessions
    .filter((s) => s.date === date)
    .slice()
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || (a.doctorName ?? '').localeCompare(b.doctorName ?? ''))
    .map(toSessionItem);
}

/** `每日07:00放出第7日号源` */
export function releaseNote(releaseTime: string): string {
  return `每日${releaseTime || '07:00'}放出第7日号源`;
}

// ---- bookings ----

type TagType = 'primary' | 'success' | 'danger' | 'warning' | 'default';

const BOOKING_STATUS: Record<BookingStatus, { text: string; type: TagType }> = {
  booked: { text: '已预约', type: 'primary' },
  cancelled: { text: '已取消', type: 'default' },
  checkedIn: { text: '已签到', type: 'success' },
  completed: { text: '已就诊', type: 'success' },
  missed: { text: '已过号', type: 'danger' },
};

const STOPPED_STATUS: { text: string; type: TagType } = { text: '医生停诊', type: 'warning' };

const WAITLIST_STATUS: Record<WaitlistStatus, { text: string; type: TagType }> = {
  waiting: { text: '候补中', type: 'warning' },
  fulfilled: { text: '候补成功', type: 'success' },
  expired: { text: '已过期', type: 'default' },
  left: { text: '已退出', type: 'default' },
};

export function bookingStatusText(status: BookingStatus): string {
  return BOOKING_STATUS[status].text;
}

export interface BookingItem {
  bookingId: string;
  status: BookingStatus;
  statusText: string;
  statusType: TagType;
  patientName: string;
  deptName: string;
  doctorLine: string;
  kindText: string;
  isExpert: boolean;
  /** `2024-05-06 周一 上午` */
  when: string;
  /** `09:00（16号）` */
  display: string;
  location: string;
  fee: string;
  fromWaitlist: boolean;
}

const CANCEL_NOTICE: Partial<Record<NonNullable<BookingView['cancelReason']>, string>> = {
  stopped: '因医生停诊，本次预约已由医院取消，给您带来不便敬请谅解。可重新预约其他时段或医生。',
  window: '本次预约已在医院窗口取消。如非本人办理，请咨询门诊服务台。',
};

export function toBookingItem(b: BookingView): BookingItem {
  // 停诊: the hospital cancelled it, which the patient must not mistake for their own cancellation.
  const status = b.status === 'cancelled' && b.cancelReason === 'stopped' ? STOPPED_STATUS : BOOKING_STATUS[b.status];
  return {
    bookingId: b.bookingId,
    status: b.status,
    statusText: status.text,
    statusType: status.type,
    patientName: b.patientName,
    deptName: b.deptName,
    doctorLine: doctorLine(b.kind, b.doctorName, b.doctorTitle),
    kindText: kindText(b.kind),
    isExpert: b.kind === 'expert',
    when: `${b.date} ${weekdayOf(b.date)} ${periodText(b.period)}`,
    display: b.display,
    location: b.location,
    fee: formatFee(b.feeFen),
    fromWaitlist: b.source === 'waitlist',
  };
}

export interface BookingDetail extends BookingItem {
  cardId: string;
  arrival: string;
  cancellableUntil: string;
  canCancel: boolean;
  canCheckIn: boolean;
  queueNo: number | null;
  createdAt: string;
  cancelledAt: string;
  /** Why the hospital's side cancelled it (医生停诊, or at the window); empty when the patient did in the app. */
  cancelNotice: string;
  checkedInAt: string;
}

export function toBookingDetail(b: BookingView): BookingDetail {
  return {
    ...toBookingItem(b),
    cardId: b.cardId,
    arrival: arrivalText(b.arrival),
    cancellableUntil: formatDateTime(b.cancellableUntil),
    canCancel: b.canCancel,
    canCheckIn: b.canCheckIn,
    queueNo: b.queueNo,
    createdAt: formatDateTime(b.createdAt),
    cancelledAt: formatDateTime(b.cancelledAt),
    cancelNotice: b.status === 'cancelled' && b.cancelReason ? (CANCEL_NOTICE[b.cancelReason] ?? '') : '',
    checkedInAt: formatDateTime(b.checkedInAt),
  };
}

/** Newest visit first (date, then time point), ties by creation. */
export function sortBookings(bookings: readonly BookingView[]): BookingView[] {
  return bookings
    .slice()
    .sort(
      (a, b) => b.date.localeCompare(a.date) || b.time.localeCompare(a.time) || b.createdAt.localeCompare(a.createdAt),
    );
}

export interface WaitlistItem {
  waitlistId: string;
  status: WaitlistStatus;
  statusText: string;
  statusType: TagType;
  patientName: string;
  deptName: string;
  doctorName: string;
  when: string;
  /** `排队第2位` while waiting */
  positionText: string;
  bookingId: string | null;
  closesAt: string;
  canLeave: boolean;
}

export function toWaitlistItem(w: WaitlistView): WaitlistItem {
  const status = WAITLIST_STATUS[w.status];
  return {
    waitlistId: w.waitlistId,
    status: w.status,
    statusText: status.text,
    statusType: status.type,
    patientName: w.patientName,
    deptName: w.deptName,
    doctorName: w.doctorName ?? '专科号',
    when: `${w.date} ${weekdayOf(w.date)} ${periodText(w.period)}`,
    positionText: w.status === 'waiting' && w.position !== null ? `排队第${w.position}位` : '',
    bookingId: w.bookingId,
    closesAt: formatDateTime(w.closesAt),
    canLeave: w.status === 'waiting',
  };
}

export function sortWaitlist(items: readonly WaitlistView[]): WaitlistView[] {
  return items.slice().sort((a, b) => b.date.localeCompare(a.date) || b.createdAt.localeCompare(a.createdAt));
}

/** `当前叫号 12，您前面还有 3 人` */
export function queueText(nowServing: number | null, ahead: number): string {
  if (nowServing === null) return `尚未开始叫号，您前面还有 ${ahead} 人`;
  if (ahead <= 0) return `当前叫号 ${nowServing}，请留意叫号，准备就诊`;
  return `当前叫号 ${nowServing}，您前面还有 ${ahead} 人`;
}

/** The booking rules shown on 确认预约. */
export const BOOKING_RULES: readonly string[] = [
  '同一就诊人同一天同一科室只能预约 1 个号；同一就诊人未就诊的预约最多 5 个。',
  '就诊前 2 小时以前可在“预约记录”中取消预约，之后不可取消。',
  '90 天内爽约（未取消也未就诊）累计 3 次，将暂停预约挂号资格。',
  '请在预约时间点前 30 分钟内到院签到/取号，过时未签到视为过号。',
];
