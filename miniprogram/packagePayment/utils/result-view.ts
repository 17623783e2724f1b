/** What 缴费结果 says for each order status (the icon, the title, one line of what happens next). */
import type { PaymentOrderStatus } from '../../../typings/payment';

export type ResultKind = 'pending' | 'paid' | 'settled' | 'refund' | 'closed';

export interface ResultView {
  kind: ResultKind;
  title: string;
  text: string;
  icon: string;
  color: string;
}

const GREEN = '#0f9d76';
const BLUE = '#1677b3';
const ORANGE = '#ed6a0c';
const GREY = '#969799';

export function resultKind(status: PaymentOrderStatus): ResultKind {
  switch (status) {
    case 'paid':
      return 'paid';
    case 'settled':
      return 'settled';
    case 'refunding':
    case 'refunded':
      return 'refund';
    case 'closed':
      return 'closed';
    default:
      return 'pending';
  }
}

export function resultView(status: PaymentOrderStatus): ResultView {
  switch (resultKind(status)) {
    case 'paid':
      return {
        kind: 'paid',
        title: '缴费成功，医院确认中…',
        text: '医院确认后将生成取单码，请稍候',
        icon: 'clock',
        color: BLUE,
      };
    case 'settled':
      return { kind: 'settled', title: '缴费成功', text: '请按以下指引前往取药或检查', icon: 'checked', color: GREEN };
    case 'refund':
      return {
        kind: 'refund',
        title: '医院未能确认本次缴费，款项将原路退回',
        text: status === 'refunded' ? '款项已原路退回，请留意微信支付通知' : '退款处理中，一般1-3个工作日原路到账',
        icon: 'warning',
        color: ORANGE,
      };
    case 'closed':
      return {
        kind: 'closed',
        title: '订单已关闭',
        text: '本订单未支付，未扣款；如需缴费请重新选择项目',
        icon: 'clear',
        color: GREY,
      };
    default:
      return {
        kind: 'pending',
        title: '支付结果确认中，请勿重复支付',
        text: '如已完成支付，请稍后点击刷新查看结果',
        icon: 'underway',
        color: BLUE,
      };
  }
}
