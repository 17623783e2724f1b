/** HIS charges as the mini program sees them. */
import type { FeeItemView } from '../../../typings/payment';
import type { HisFeeItem } from '../../ports/his-payment';

export function toItemView(i: HisFeeItem): FeeItemView {
  return {
    itemId: i.itemId,
    kind: i.kind,
    title: i.title,
    deptName: i.deptName,
    doctorName: i.doctorName,
    orderedAt: i.orderedAt,
    amountFen: i.amountFen,
    lines: i.lines.map((l) => ({ ...l })),
    guide: i.guide,
  };
}
