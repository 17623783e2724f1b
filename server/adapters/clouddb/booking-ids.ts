/**
 * The booking feature's collections and the ids of the mirror's documents (see ./booking-store.ts
 * for what each collection holds).
 */
export const BOOKING_COLLECTIONS = {
  sessions: 'booking_sessions',
  timepoints: 'booking_timepoints',
  seats: 'booking_seats',
  patients: 'booking_patients',
  requests: 'booking_requests',
  bookings: 'bookings',
  waitlist: 'booking_waitlist',
  sync: 'booking_sync',
} as const;

export const timepointId = (sessionId: string, time: string): string => `${sessionId}_${time.replace(':', '')}`;
export const seatId = (sessionId: string, seatNo: number): string => `${sessionId}_${seatNo}`;
