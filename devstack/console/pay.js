// 智慧医院 devstack console: the WeChat Pay sandbox (through the devstack's /paysandbox proxy) and
// the payment reconciliation reports (collection payment_reconciliations). Uses app.js's helpers.
'use strict';

(function () {
  const { $, el, api, table, errorBox, cellText } = window.devConsole;
  const loadFunctions = () => window.devConsole.refresh();
  const loadCollections = () => {};

  /** Integer fen → "12.34" for display. */
  const yuan = (fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

  async function loadPaySummary() {
    const target = $('#pay-summary');
    try {
      const m = await api('/paysandbox/merchant');
      const chips = { mchid: m.mchid, appid: m.appid, signWith: m.signWith, notifyUrl: m.notifyUrl };
      target.replaceChildren(
        el(
          'div',
          { class: 'row chips' },
          Object.entries(chips).map(([k, v]) => el('span', {}, `${k}: ${cellText(v)}`)),
        ),
      );
    } catch (err) {
      errorBox(target, err);
    }
  }

  function notificationCell(n) {
    const state = n.state === 'delivered' ? 'ok' : n.state === 'pending' ? 'warn' : 'bad';
    const status = n.last_status ? ` · HTTP ${n.last_status}` : '';
    return el('span', { class: state }, `${n.event_type} · ${n.state} · ${n.attempts} 次${status}`);
  }

  function payButtons(order) {
    const button = (label, onclick) => el('button', { type: 'button', onclick }, label);
    const no = order.out_trade_no;
    return el(
      'span',
      { class: 'row' },
      order.trade_state === 'NOTPAY' ? button('支付', () => payAction(no, 'pay')) : null,
      order.trade_state === 'NOTPAY' ? button('拒绝', () => payAction(no, 'refuse')) : null,
      button('详情', () => showPayOrder(no)),
    );
  }

  async function loadPay() {
    const target = $('#pay-body');
    try {
      const { orders } = await api('/paysandbox/orders?limit=20');
      target.replaceChildren(
        table(orders, {
          columns: ['created_at', 'out_trade_no', 'description', 'total', 'trade_state', 'refunds', 'notification', ''],
          render: {
            created_at: (v) => new Date(v).toLocaleString(),
            total: (v) => `¥${yuan(v)}`,
            trade_state: (v, r) =>
              el('span', { class: v === 'SUCCESS' ? 'ok' : undefined }, `${v} ${r.trade_state_desc}`),
            refunds: (v, r) => (v ? `${v} 笔 · 已退 ¥${yuan(r.refunded)}` : ''),
            notification: (n) => (n ? notificationCell(n) : ''),
            '': (_v, r) => payButtons(r),
          },
          empty: '暂无订单 no orders yet (the payment function places them)',
        }),
      );
    } catch (err) {
      errorBox(target, err);
    }
  }

  async function payAction(no, action) {
    try {
      await api(`/paysandbox/orders/${encodeURIComponent(no)}/${action}`, { method: 'POST' });
    } catch (err) {
      alert(`${action === 'pay' ? '支付' : '拒绝'} failed: ${err.message}`);
    }
    loadPay();
    // The notification is delivered (and answered by payNotify) just after the payment.
    setTimeout(() => {
      loadPay();
      loadFunctions();
      loadCollections();
    }, 800);
  }

  async function showPayOrder(no) {
    const out = $('#pay-detail');
    out.hidden = false;
    try {
      out.textContent = JSON.stringify(await api(`/paysandbox/orders/${encodeURIComponent(no)}`), null, 2);
    } catch (err) {
      out.textContent = `加载失败 ${err.message}`;
    }
  }

  // ---------- Reconciliation reports ----------
  async function loadRecon() {
    const target = $('#recon-body');
    try {
      // The collection exists once the first report was written (asking for a missing one is a 404).
      const { collections } = await api('/devstack/api/collections');
      const exists = collections.some((c) => c.name === 'payment_reconciliations');
      const { documents: items } = exists
        ? await api('/devstack/api/collections/payment_reconciliations?limit=30')
        : { documents: [] };
      const reports = (items || []).sort((a, b) => String(b._id).localeCompare(String(a._id)));
      const rows = reports.flatMap((r) =>
        (r.issues || []).length === 0
          ? [{ date: r._id, kind: '无异常 clean', outTradeNo: '', detail: summary(r) }]
          : r.issues.map((i) => ({ date: r._id, kind: i.kind, outTradeNo: i.outTradeNo, detail: i.detail })),
      );
      target.replaceChildren(
        table(rows, {
          columns: ['date', 'kind', 'outTradeNo', 'detail'],
          render: { kind: (v) => el('span', { class: v.startsWith('无异常') ? 'ok' : 'bad' }, v) },
          empty: '暂无对账报告 no reconciliation yet (timer reconcileDaily)',
        }),
      );
    } catch (err) {
      errorBox(target, err);
    }
  }

  function summary(r) {
    const c = r.counts || {};
    const fixed = (r.fixes || []).map((f) => `${f.kind} ${f.orderId} → ${f.outcome}`).join('; ');
    return `账单 ${c.billPayments ?? 0} 笔支付 / ${c.billRefunds ?? 0} 笔退款，订单 ${c.orders ?? 0}，HIS 结算 ${c.hisSettlements ?? 0}${fixed ? `；已处理 ${fixed}` : ''}`;
  }

  async function runRecon() {
    const date = $('#recon-date').value;
    const q = date ? `&message=${encodeURIComponent(JSON.stringify({ date }))}` : '';
    try {
      await api(`/timers/payment?trigger=reconcileDaily${q}`, { method: 'POST' });
    } catch (err) {
      alert(`对账失败 ${err.message}`);
    }
    loadRecon();
  }

  $('#recon-run').addEventListener('click', runRecon);
  window.devConsolePay = {
    refresh() {
      loadPaySummary();
      loadPay();
      loadRecon();
    },
  };
  window.devConsolePay.refresh();
})();
