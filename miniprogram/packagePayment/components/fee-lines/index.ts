/**
 * The lines of one fee item (a drug, a test, the registration): name and amount, then the
 * spec and `quantity × unit price`. Property `lines`: FeeLineItem[] (../../utils/fee-view.ts).
 */
import type { FeeLineItem } from '../../utils/fee-view';

Component({
  properties: {
    lines: { type: Array, value: [] as FeeLineItem[] },
  },
});
