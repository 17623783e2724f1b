/** View model of 自动缴费 (the card's withholding contract): its state, WeChat's limits, dates. */
import type { ContractStatus, WithholdingContractView } from '../../../typings/payment';
import { formatDateTime } from '../../utils/format';
import { formatYuan } from '../../utils/money';
import type { TagType } from './order-view';

const STATUS: Record<ContractStatus, { text: string; type: TagType }> = {
  none: { text: '未开通', type: 'default' },
  signing: { text: '开通中', type: 'primary' },
  active: { text: '已开通', type: 'success' },
  terminated: { text: '已解除', type: 'default' },
};

export interface ContractItem {
  status: ContractStatus;
  statusText: string;
  statusType: TagType;
  /** `就诊卡尾号1234`: how it shows in WeChat Pay. */
  displayAccount: string;
  /** `每笔不超过¥500.00` */
  perDeduction: string;
  /** `每天不超过¥2,500.00，最多5笔` */
  perDay: string;
  signedAt: string;
  terminatedAt: string;
  canSign: boolean;
  canCancel: boolean;
}

export function toContractItem(c: WithholdingContractView): ContractItem {
  const status = STATUS[c.status] ?? STATUS.none;
  const count = c.perDayCount > 0 ? `，最多${c.perDayCount}笔` : '';
  return {
    status: c.status,
    statusText: status.text,
    statusType: status.type,
    displayAccount: c.displayAccount,
    perDeduction: `每笔不超过${formatYuan(c.perDeductionLimitFen)}`,
    perDay: `每天不超过${formatYuan(c.perDayLimitFen)}${count}`,
    signedAt: formatDateTime(c.signedAt),
    terminatedAt: formatDateTime(c.terminatedAt),
    canSign: c.status === 'none' || c.status === 'terminated',
    canCancel: c.status === 'active',
  };
}
