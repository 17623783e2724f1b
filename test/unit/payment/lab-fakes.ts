/**
 * The fake HIS's 自助检验 side (HisLabPort) for the payment harness (./fakes.ts): a small catalog,
 * and lab.createOrder idempotent by requestId like the gateway, whose charges become unpaid items
 * of the FakeHisFee it is given (so listUnpaid and settle see them).
 */
import { HisError } from '../../../server/ports/his-error';
import type { HisLabOrderInput, HisLabPort, HisLabTest } from '../../../server/ports/his-lab';
import type { HisFeeItem } from '../../../server/ports/his-payment';
import type { FakeHisFee } from './fakes';

/** The fake HIS's 自助检验 catalog: HOR6 has no hospital rule, the rules' HCY no HIS test. */
export const FAKE_LAB_TESTS: readonly HisLabTest[] = [
  { code: 'GLU', name: '血糖（空腹）', category: '血液检查', priceFen: 600, specimen: '静脉血' },
  { code: 'CBC', name: '血常规', category: '血液检查', priceFen: 2500, specimen: '静脉血' },
  { code: 'LIP4', name: '血脂四项', category: '血液检查', priceFen: 2600, specimen: '静脉血' },
  { code: 'URT', name: '尿常规', category: '尿液检查', priceFen: 1500, specimen: '晨尿' },
  { code: 'HOR6', name: '性激素六项', category: '血液检查', priceFen: 15000, specimen: '静脉血' },
];

/** lab.catalog / lab.createOrder over FakeHisFee: created charges become its unpaid items. */
export class FakeHisLab implements HisLabPort {
  tests: HisLabTest[] = FAKE_LAB_TESTS.map((t) => ({ ...t }));
  /** requestId → the body and the charges it created (the gateway's idempotency). */
  requests = new Map<string, { body: string; items: HisFeeItem[] }>();
  createCalls = 0;
  /** 'unavailable': nothing done; 'lost': created, answer lost. */
  mode: 'ok' | 'unavailable' | 'lost' = 'ok';
  catalogDown = false;
  private seq = 0;

  constructor(private readonly fee: FakeHisFee) {}

  async catalog(): Promise<HisLabTest[]> {
    if (this.catalogDown) throw new HisError('unavailable', 'TIMEOUT', 'down');
    return this.tests.map((t) => ({ ...t }));
  }

  async createOrder(input: HisLabOrderInput): Promise<HisFeeItem[]> {
    this.createCalls++;
    if (this.mode === 'unavailable') throw new HisError('unavailable', 'TIMEOUT', 'down');
    const body = JSON.stringify([input.patientId, input.codes]);
    const prior = this.requests.get(input.requestId);
    if (prior && prior.body !== body) throw new HisError('rejected', 'INVALID_REQUEST', 'requestId reused');
    if (!prior && input.codes.some((c) => !this.tests.some((t) => t.code === c))) {
      throw new HisError('rejected', 'INVALID_REQUEST', 'unknown code');
    }
    const items = prior?.items ?? input.codes.map((code) => this.charge(input.patientId, code));
    this.requests.set(input.requestId, { body, items });
    if (this.mode === 'lost') throw new HisError('unavailable', 'TIMEOUT', 'answer lost');
    return items.map((i) => ({ ...i, lines: i.lines.map((l) => ({ ...l })) }));
  }

  private charge(patientId: string, code: string): HisFeeItem {
    const t = this.tests.find((x) => x.code === code)!;
    const item: HisFeeItem = {
      itemId: `L${++this.seq}`,
      patientId,
      kind: 'lab',
      title: t.name,
      deptCode: '9001',
      deptName: '检验科',
      doctorName: '',
      orderedAt: new Date().toISOString(),
      amountFen: t.priceFen,
      lines: [{ name: t.name, spec: '项', quantity: 1, unitPriceFen: t.priceFen, amountFen: t.priceFen }],
      guide: '门诊楼3楼检验科采血处',
    };
    this.fee.items.set(item.itemId, { ...item, paid: false });
    return item;
  }
}
