/**
 * The 无卡取单 pickup code of a settled order, big and readable: 8 digits in two groups of four,
 * the kiosk hint and the validity. Property `pickup`: PickupItem (../../utils/order-view.ts).
 * A screen reader hears the digits one by one.
 */
import type { PickupItem } from '../../utils/order-view';

Component({
  properties: {
    pickup: { type: Object, value: null as PickupItem | null },
  },
});
