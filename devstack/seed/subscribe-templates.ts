/**
 * Subscription message templates of the devstack (what the hospital's mini program would have
 * picked in the MP console, medical category). Ids are stable names instead of WeChat's random
 * template ids; production ids come from configuration (TMPL_*, server/config/templates.ts).
 *
 * Key prefixes are WeChat data types and decide the value rules (thing ≤ 20 chars, time/date
 * formats, amount `¥12.50`, character_string ASCII ≤ 32, phrase ≤ 5 Chinese chars, ...).
 */
import type { BookingTemplates, PaymentTemplates } from '../../server/config/templates';
import type { SubscribeTemplate } from '../cloud';

/**
 * The booking function's templates here (the devstack sets them as TMPL_* before loading the
 * functions, devstack/stack.ts; tests hand them to the booking service directly).
 */
export const DEVSTACK_BOOKING_TEMPLATES: Readonly<BookingTemplates> = Object.freeze({
  bookingConfirmed: 'tmpl-booking-confirmed',
  visitReminder: 'tmpl-visit-reminder',
  waitlistSuccess: 'tmpl-waitlist-success',
  bookingCancelled: 'tmpl-booking-cancelled',
});

/** The payment functions' templates here (set as TMPL_PAYMENT_* by devstack/stack.ts). */
export const DEVSTACK_PAYMENT_TEMPLATES: Readonly<PaymentTemplates> = Object.freeze({
  paymentSuccess: 'tmpl-payment-success',
  refund: 'tmpl-refund-notice',
});

/** The hisEvents function's template (TMPL_CHARGES_READY). */
export const DEVSTACK_CHARGES_READY_TEMPLATE = 'tmpl-charges-ready';

export const DEVSTACK_TEMPLATES: SubscribeTemplate[] = [
  {
    id: 'tmpl-booking-confirmed',
    title: '预约成功通知',
    kind: 'one-time',
    keys: {
      thing1: '就诊人',
      thing2: '就诊科室',
      thing3: '医生',
      time4: '就诊时间',
      thing5: '就诊地点',
      thing6: '温馨提示',
    },
  },
  {
    id: 'tmpl-visit-reminder',
    title: '就诊提醒',
    kind: 'one-time',
    keys: {
      thing1: '就诊人',
      thing2: '就诊科室',
      time3: '就诊时间',
      character_string4: '就诊序号',
      thing5: '温馨提示',
    },
  },
  {
    id: 'tmpl-booking-cancelled',
    title: '预约取消通知',
    kind: 'one-time',
    keys: {
      thing1: '就诊人',
      thing2: '就诊科室',
      time3: '原就诊时间',
      thing4: '取消原因',
    },
  },
  {
    id: 'tmpl-waitlist-success',
    title: '候补成功通知',
    kind: 'one-time',
    keys: {
      thing1: '就诊人',
      thing2: '就诊科室',
      thing3: '医生',
      time4: '就诊时间',
      thing5: '温馨提示',
    },
  },
  {
    id: 'tmpl-payment-success',
    title: '缴费成功通知',
    kind: 'one-time',
    keys: {
      thing1: '就诊人',
      amount2: '缴费金额',
      thing3: '缴费项目',
      time4: '缴费时间',
      character_string5: '取单码',
      thing6: '温馨提示',
    },
  },
  {
    id: 'tmpl-charges-ready',
    title: '待缴费提醒',
    kind: 'one-time',
    keys: {
      thing1: '就诊人',
      thing2: '就诊科室',
      amount3: '待缴金额',
      time4: '开单时间',
      thing5: '温馨提示',
    },
  },
  {
    id: 'tmpl-refund-notice',
    title: '退款通知',
    kind: 'one-time',
    keys: {
      thing1: '就诊人',
      amount2: '退款金额',
      thing3: '退款原因',
      time4: '退款时间',
      thing5: '温馨提示',
    },
  },
  {
    id: 'tmpl-report-ready',
    title: '报告出具通知',
    kind: 'long-term',
    keys: {
      thing1: '就诊人',
      thing2: '报告名称',
      time3: '出具时间',
      thing4: '温馨提示',
    },
  },
  {
    id: 'tmpl-exam-reminder',
    title: '检查预约提醒',
    kind: 'long-term',
    keys: {
      thing1: '就诊人',
      thing2: '检查项目',
      time3: '检查时间',
      thing4: '检查地点',
      thing5: '注意事项',
    },
  },
  {
    id: 'tmpl-deposit-topup',
    title: '住院押金充值成功',
    kind: 'one-time',
    keys: {
      thing1: '住院人',
      amount2: '充值金额',
      amount3: '押金余额',
      time4: '充值时间',
    },
  },
  {
    id: 'tmpl-discharge-settlement',
    title: '出院结算通知',
    kind: 'one-time',
    keys: {
      thing1: '住院人',
      amount2: '住院总费用',
      amount3: '结算金额',
      phrase4: '结算状态',
      time5: '结算时间',
    },
  },
];
