/**
 * The sandbox's e-receipt page (电子票据查验页), `GET /receipts/{billNo}`: what a receipt's
 * `viewUrl` opens. Sandbox-only and unsigned, like the hospital's e-receipt platform's public
 * verification page; it shows the patient's name and card number masked only.
 */
import { yuanDigits } from '../../common/money';
import { maskMiddle, maskName } from '../../common/mask';
import { inBusinessTz } from '../../server/core/time';
import type { FeeItemKind } from '../../typings/payment';
import type { SandboxDb } from './db';
import { feeItemRow, feeLines, settledItemIds, settlementByBillNo } from './fee-store';
import { OUTPATIENT_POLICY } from './insurance-data';
import { splitOf, type InsuranceOrderRow } from './insurance-store';

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const GROUP_UNITS = ['', '万', '亿', '万亿'];

/** 0–9999 in financial numerals, without leading zero (`1005` → `壹仟零伍`). */
function groupUpper(g: number): string {
  let s = '';
  let zero = false;
  for (let i = 3; i >= 0; i--) {
    const digit = Math.floor(g / 10 ** i) % 10;
    if (digit === 0) {
      zero = s !== '';
    } else {
      if (zero) s += '零';
      zero = false;
      s += DIGITS[digit]! + SMALL_UNITS[i]!;
    }
  }
  return s;
}

/** An amount in fen as written on Chinese receipts: `12345` → `壹佰贰拾叁元肆角伍分`. */
export function rmbUpper(fen: number): string {
  if (!Number.isInteger(fen) || fen < 0) throw new RangeError('rmbUpper: fen must be a non-negative integer');
  if (fen === 0) return '零元整';
  let whole = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cent = fen % 10;
  let s = '';
  if (whole > 0) {
    const groups: number[] = [];
    while (whole > 0) {
      groups.unshift(whole % 10_000);
      whole = Math.floor(whole / 10_000);
    }
    let gap = false;
    groups.forEach((g, i) => {
      if (g === 0) {
        gap = true;
        return;
      }
      if (s !== '' && (gap || g < 1000)) s += '零';
      gap = false;
      s += groupUpper(g) + GROUP_UNITS[groups.length - 1 - i]!;
    });
    s += '元';
  }
  if (jiao === 0 && cent === 0) return `${s}整`;
  if (jiao > 0) s += `${DIGITS[jiao]!}角`;
  else if (s !== '') s += '零';
  return cent > 0 ? `${s}${DIGITS[cent]!}分` : `${s}整`;
}

const yuan = yuanDigits;

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const when = (iso: string): string => inBusinessTz(iso).format('YYYY-MM-DD HH:mm:ss');

function category(kind: FeeItemKind, title: string): string {
  if (kind === 'registration') return '诊察费';
  if (kind === 'lab') return '化验费';
  if (kind === 'exam') return '检查费';
  return title.startsWith('中成药') ? '中成药费' : '西药费';
}

const STYLE = `
body{margin:0;background:#f2f3f5;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2329}
.sheet{max-width:720px;margin:16px auto;background:#fffdf7;border:1px solid #d9c9a8;padding:20px 18px 132px;position:relative}
h1{margin:0 0 4px;text-align:center;font-size:20px;color:#a3262a;letter-spacing:2px}
.sub{text-align:center;color:#8f959e;font-size:12px;margin-bottom:14px}
.meta{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;font-size:13px;margin-bottom:12px}
.meta b{color:#646a73;font-weight:normal}
table{width:100%;border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #e0d5bf;padding:5px 6px;text-align:left}
th{background:#f7efdf;font-weight:normal;color:#646a73;white-space:nowrap}
td.n{text-align:right;white-space:nowrap}tr.group td{background:#fbf6ea;color:#646a73}
.total{display:flex;justify-content:space-between;flex-wrap:wrap;border-top:2px solid #a3262a;padding-top:8px;font-size:15px}
.stamp{position:absolute;right:28px;bottom:20px;width:96px;height:96px;border:3px solid rgba(200,30,30,.6);border-radius:50%;
color:rgba(200,30,30,.7);font-size:12px;display:flex;align-items:center;justify-content:center;text-align:center;transform:rotate(-16deg)}
.notice{margin-top:18px;font-size:12px;color:#8f959e}
`;

const INSU_NAMES = { '310': '职工基本医疗保险', '390': '城乡居民基本医疗保险' } as const;

/** 医保类型 and, for a 医保 settlement, how it was paid (统筹, 个人账户, 现金). */
function insuranceMeta(db: SandboxDb, settlementId: string): [string, string][] {
  const order = db.prepare('SELECT * FROM insurance_orders WHERE settlement_id = ?').get(settlementId) as
    InsuranceOrderRow | undefined;
  const split = order ? splitOf(order) : null;
  if (!order || !split) return [['医保类型', '自费']];
  return [
    ['医保类型', INSU_NAMES[OUTPATIENT_POLICY[order.scheme].insuType]],
    ['医保结算号', order.setl_id ?? '—'],
    ['医保统筹基金支付', `¥${yuan(split.fundPay)}`],
    ['个人账户支付', `¥${yuan(split.psnAcctPay)}`],
    ['个人现金支付', `¥${yuan(split.ownPayAmt)}`],
    ['全自费金额', `¥${yuan(split.fulamtOwnpayAmt)}`],
  ];
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>${STYLE}</style></head><body>${body}</body></html>`;
}

function notFound(message: string): { status: number; html: string } {
  const body = `<div class="sheet"><h1>电子票据查验</h1><p class="sub">${esc(message)}</p>
<p class="notice">HIS 沙箱：票据为虚构测试数据。</p></div>`;
  return { status: 404, html: page('电子票据查验', body) };
}

/** The receipt page for `billNo`: 200 with the receipt, or 404 (unknown, or not issued yet). */
export function renderReceiptPage(db: SandboxDb, billNo: string, now: Date): { status: number; html: string } {
  const s = /^\d{10}$/.test(billNo) ? settlementByBillNo(db, billNo) : undefined;
  if (!s) return notFound('未查询到该票据，请核对票据号码。');
  if (now.getTime() < Date.parse(s.receipt_issued_at)) return notFound('票据正在开具中，请稍后再查看。');
  const hospital = db.prepare('SELECT name, short_name AS shortName, code FROM hospital').get() as {
    name: string;
    shortName: string;
    code: string;
  };
  const patient = db.prepare('SELECT name, card_no FROM patients WHERE patient_id = ?').get(s.patient_id) as
    { name: string; card_no: string } | undefined;
  const items = settledItemIds(db, s.settlement_id).map((id) => feeItemRow(db, id)!);

  const byCategory = new Map<string, number>();
  for (const it of items) {
    const c = category(it.kind, it.title);
    byCategory.set(c, (byCategory.get(c) ?? 0) + it.amount_fen);
  }
  const categoryRows = [...byCategory]
    .map(([c, fen]) => `<tr><td>${esc(c)}</td><td class="n">${yuan(fen)}</td></tr>`)
    .join('');
  const detailRows = items
    .map((it) => {
      // `挂号费·眼科` already names its department.
      const label = it.title.includes(it.dept_name) ? it.title : `${it.title} · ${it.dept_name}`;
      const head = `<tr class="group"><td colspan="5">${esc(label)} · 开单 ${esc(when(it.ordered_at))}</td></tr>`;
      const lines = feeLines(db, it.item_id)
        .map(
          (l) =>
            `<tr><td>${esc(l.name)}</td><td>${esc(l.spec)}</td><td class="n">${l.quantity}</td>` +
            `<td class="n">${yuan(l.unitPriceFen)}</td><td class="n">${yuan(l.amountFen)}</td></tr>`,
        )
        .join('');
      return head + lines;
    })
    .join('');
  const tx = s.transaction_id;
  const meta: [string, string][] = [
    ['票据代码', s.bill_batch_code],
    ['票据号码', s.bill_no],
    ['校验码', s.random],
    ['开票日期', when(s.receipt_issued_at)],
    ['交款人', patient ? maskName(patient.name) : '—'],
    ['就诊卡号', patient ? maskMiddle(patient.card_no, 3, 3) : '—'],
    ['收款单位', hospital.name],
    ...insuranceMeta(db, s.settlement_id),
    ['业务流水号', s.settlement_id],
    ['支付方式', `微信支付（${tx.length > 10 ? `${tx.slice(0, 6)}…${tx.slice(-4)}` : tx}）`],
  ];
  const body = `<div class="sheet">
<h1>浙江省医疗门诊收费票据（电子）</h1>
<div class="sub">${esc(hospital.name)} · 单位编码 ${esc(hospital.code)}</div>
<div class="meta">${meta.map(([k, v]) => `<div><b>${k}：</b>${esc(v)}</div>`).join('')}</div>
<table><thead><tr><th>项目</th><th>金额（元）</th></tr></thead><tbody>${categoryRows}</tbody></table>
<table><thead><tr><th>明细项目</th><th>规格</th><th>数量</th><th>单价（元）</th><th>金额（元）</th></tr></thead>
<tbody>${detailRows}</tbody></table>
<div class="total"><span>合计（大写）：${rmbUpper(s.total_fen)}</span><span>（小写）¥${yuan(s.total_fen)}</span></div>
<div class="stamp">${esc(hospital.shortName)}<br>收费专用章</div>
<p class="notice">结算时间 ${esc(when(s.settled_at))}。本票据由 HIS 沙箱模拟开具，医院与患者均为虚构测试数据，不具法律效力。</p>
</div>`;
  return { status: 200, html: page(`电子票据 ${s.bill_no}`, body) };
}
