/**
 * 缴费详情 (query `orderId`, or `id` as a subscription message's page path): the items with their
 * lines, how it was paid (医保, 自费, 自动扣费) and the split (医保统筹 / 个人账户 / 自费 or 自动扣费,
 * with 医保's 全自费 / 先行自付 / 起付线; or all 自费), refunds and their status, the e-receipt
 * (电子票据: 票据代码, 票据号码, 校验码; 查看票据 copies its link, since a web-view of the receipt
 * platform's domain needs the mini program's 业务域名 configured) and, once settled, the pickup code.
 */
import type { PaymentOrderView } from '../../../../typings/payment';
import { getOrder } from '../../services/payment';
import { toOrderDetail } from '../../utils/order-view';
import type { OrderDetail } from '../../utils/order-view';
import { paymentIndexUrl, PAYMENT_ROUTES } from '../../../utils/payment-nav';
import { queryValue } from '../../../utils/booking-nav';
import { keepShownOnFailure, loadFailure, showLoaded } from '../../../utils/load-state';
import type { FailureView } from '../../../utils/load-state';
import { toast } from '../../../utils/nav';
import { pageLoad } from '../../../behaviors/page-load';
import { definePage } from '../../../utils/page';

interface DetailData {
  status: 'loading' | 'ready' | 'notFound' | 'error';
  order: OrderDetail | null;
  errorMessage: string;
}

const initialData: DetailData = { status: 'loading', order: null, errorMessage: '' };

/** Not rendered: the order of the query, its card and the receipt's link. */
interface DetailFields {
  _orderId: string;
  _cardId: string;
  _receiptUrl: string;
}

/** 不存在 for NOT_FOUND; otherwise a failed reload keeps what is shown. */
const showFailure: FailureView = (page, err) => {
  const failure = loadFailure(err);
  if (failure.status === 'notFound') page.setData({ status: 'notFound', order: null });
  else keepShownOnFailure(page, err);
};

definePage<DetailFields>(() => ({ _orderId: '', _cardId: '', _receiptUrl: '' }))({
  behaviors: [pageLoad],
  data: initialData,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this._orderId = queryValue(query, 'orderId') || queryValue(query, 'id');
      if (!this._orderId) {
        this.setData({ status: 'notFound' });
        return;
      }
      void this.load();
    },

    async load(): Promise<void> {
      if (!this._orderId) return;
      await showLoaded(this, showFailure, async () => this.viewOf(await getOrder(this._orderId)));
    },

    viewOf(order: PaymentOrderView): { order: OrderDetail } {
      this._cardId = order.cardId;
      this._receiptUrl = order.receipt?.viewUrl ?? '';
      return { order: toOrderDetail(order) };
    },

    /**
     * 查看票据: says where the receipt opens, then copies its link (WeChat confirms the copy with
     * its own 内容已复制 toast).
     */
    onViewReceipt() {
      const url = this._receiptUrl;
      if (!url) return;
      wx.showModal({
        title: '查看电子票据',
        content: '将复制电子票据的链接，请在手机浏览器中粘贴打开查看',
        confirmText: '复制链接',
        cancelText: '取消',
        success: (res) => {
          if (res.confirm) wx.setClipboardData({ data: url, fail: () => toast('复制失败，请稍后重试') });
        },
      });
    },

    /** A pending order is paid on 门诊缴费, among the card's open orders. */
    goPay() {
      wx.navigateTo({ url: paymentIndexUrl(this._cardId) });
    },

    goRecords() {
      wx.redirectTo({ url: PAYMENT_ROUTES.records });
    },
  },
});
