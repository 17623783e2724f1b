/**
 * Events the HIS sends to the cloud (docs/his-gateway.md, "Events (HIS → cloud)"): signed like
 * gateway requests, delivered at least once, retried until answered 2xx.
 */

export interface ChargesReadyData {
  patientId: string;
  visitId: string;
  deptCode: string;
  deptName: string;
  doctorName: string;
  itemIds: string[];
  totalFen: number;
}

export interface HisEvent {
  eventId: string;
  type: 'charges.ready';
  /** ISO instant */
  occurredAt: string;
  data: ChargesReadyData;
}
