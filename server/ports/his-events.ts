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
  /**
   * The 医保 order the HIS pre-settled for these items with the card read at the 医生站 (the cloud
   * reads its split with insurance.query and deducts only the cash part); null when there is none.
   * Optional: HIS builds before the field was added do not send it.
   */
  insurance?: { payOrdId: string } | null;
}

export interface HisEvent {
  eventId: string;
  type: 'charges.ready';
  /** ISO instant */
  occurredAt: string;
  data: ChargesReadyData;
}
