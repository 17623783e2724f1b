/**
 * The split of a 医保 order before it is paid (医保预结算): 总金额, 医保统筹支付, 个人账户支付,
 * 需现金支付, how 医保 priced it (全自费, 先行自付, 起付线), and 确认支付 / 改用自费支付.
 * Property `panel`: SplitPanel (../../utils/insurance-view.ts); `paying` disables the buttons.
 * Events `confirm` and `selfpay` are triggered from the tap itself, so the page can ask
 * subscription consent synchronously in its handler.
 */
import type { SplitPanel } from '../../utils/insurance-view';

Component({
  properties: {
    panel: { type: Object, value: null as SplitPanel | null },
    paying: { type: Boolean, value: false },
  },
  methods: {
    onConfirm() {
      if (!this.data.paying) this.triggerEvent('confirm');
    },
    onSelfPay() {
      if (!this.data.paying) this.triggerEvent('selfpay');
    },
  },
});
