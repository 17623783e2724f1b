/**
 * Small in-memory fakes for the patient tests: a `Database` (only what the patient code uses:
 * equality `where`, orderBy, limit, doc get/set/update/remove, add, serialized transactions with
 * rollback) and a `HisPatientPort` with switchable failures. actions.test.ts runs against this
 * `Database` and, as a second backend, the devstack emulator.
 */
import type {
  AddResult,
  CollectionRef,
  Command,
  Database,
  DocData,
  DocumentRef,
  GetOneResult,
  GetResult,
  Query,
  Transaction,
  TransactionCollection,
} from '../../../server/ports/cloud-sdk';
import { HisError } from '../../../server/ports/his-error';
import type { HisCreatePatientInput, HisPatient, HisPatientPort } from '../../../server/ports/his-patient';
import { idCheckChar } from '../../../common/idcard';

type Store = Map<string, Map<string, DocData>>;

function dbError(msg: string): Error {
  return Object.assign(new Error(`errCode: -502001 | errMsg: ${msg}`), { errCode: -502001, errMsg: msg });
}

const clone = <T>(v: T): T => structuredClone(v);

class FakeDocRef implements DocumentRef {
  constructor(
    private readonly db: FakeDatabase,
    private readonly coll: string,
    private readonly id: string,
  ) {}
  private docs() {
    return this.db.table(this.coll);
  }
  field(): DocumentRef {
    throw new Error('fake db: doc().field() is not supported');
  }
  async get(): Promise<GetOneResult<DocData & { _id: string }>> {
    await tick();
    const d = this.docs().get(this.id);
    if (!d) throw dbError(`document.get:fail document with _id ${this.id} does not exist`);
    return { data: clone(d) as DocData & { _id: string } };
  }
  async set(opts: { data: DocData }) {
    await tick();
    const existed = this.docs().has(this.id);
    this.docs().set(this.id, { ...clone(opts.data), _id: this.id });
    return { _id: this.id, stats: { updated: existed ? 1 : 0, created: existed ? 0 : 1 } };
  }
  async update(opts: { data: DocData }) {
    await tick();
    const d = this.docs().get(this.id);
    if (!d) return { stats: { updated: 0 } };
    for (const [k, v] of Object.entries(opts.data)) {
      if (k.includes('.') || (typeof v === 'object' && v !== null && !Array.isArray(v))) {
        throw new Error('fake db: only flat scalar/array updates are supported');
      }
      d[k] = clone(v);
    }
    return { stats: { updated: 1 } };
  }
  async remove() {
    await tick();
    return { stats: { removed: this.docs().delete(this.id) ? 1 : 0 } };
  }
}

class FakeQuery implements Query {
  constructor(
    protected readonly db: FakeDatabase,
    protected readonly coll: string,
    private readonly cond: DocData = {},
    private readonly order: [string, 'asc' | 'desc'][] = [],
    private readonly max = 100,
  ) {}
  where(cond: DocData): Query {
    for (const v of Object.values(cond)) {
      if (typeof v === 'object' && v !== null) throw new Error('fake db: only equality where() is supported');
    }
    return new FakeQuery(this.db, this.coll, { ...this.cond, ...cond }, this.order, this.max);
  }
  orderBy(field: string, order: 'asc' | 'desc'): Query {
    return new FakeQuery(this.db, this.coll, this.cond, [...this.order, [field, order]], this.max);
  }
  limit(n: number): Query {
    return new FakeQuery(this.db, this.coll, this.cond, this.order, Math.min(n, 1000));
  }
  skip(): Query {
    throw new Error('fake db: skip not supported');
  }
  field(): Query {
    throw new Error('fake db: field not supported');
  }
  private matches(): DocData[] {
    const rows = [...this.db.table(this.coll).values()].filter((d) =>
      Object.entries(this.cond).every(([k, v]) => d[k] === v),
    );
    rows.sort((a, b) => {
      for (const [f, o] of this.order) {
        const x = a[f] as number | string;
        const y = b[f] as number | string;
        if (x < y) return o === 'asc' ? -1 : 1;
        if (x > y) return o === 'asc' ? 1 : -1;
      }
      return 0;
    });
    return rows.slice(0, this.max);
  }
  async get(): Promise<GetResult<DocData & { _id: string }>> {
    await tick();
    return { data: clone(this.matches()) as (DocData & { _id: string })[] };
  }
  async count() {
    return { total: this.matches().length };
  }
  async update(): Promise<never> {
    throw new Error('fake db: query update not supported');
  }
  async remove(): Promise<never> {
    throw new Error('fake db: query remove not supported');
  }
}

class FakeCollection extends FakeQuery implements CollectionRef {
  doc(id: string): DocumentRef {
    return new FakeDocRef(this.db, this.coll, id);
  }
  async add(opts: { data: DocData }): Promise<AddResult> {
    await tick();
    const id = typeof opts.data._id === 'string' ? opts.data._id : `auto_${++this.db.seq}`;
    const t = this.db.table(this.coll);
    if (t.has(id))
      throw dbError(
        `collection.add:fail E11000 duplicate key error collection: ${this.coll} dup key: { _id: "${id}" }`,
      );
    t.set(id, { ...clone(opts.data), _id: id });
    return { _id: id };
  }
}

const tick = () => new Promise<void>((r) => setImmediate(r));

export class FakeDatabase implements Database {
  readonly store: Store = new Map();
  seq = 0;
  private lock: Promise<void> = Promise.resolve();

  readonly command: Command = new Proxy({} as Command, {
    get() {
      throw new Error('fake db: commands are not supported');
    },
  });

  table(name: string): Map<string, DocData> {
    let t = this.store.get(name);
    if (!t) this.store.set(name, (t = new Map()));
    return t;
  }

  collection<T = DocData>(name: string): CollectionRef<T> {
    return new FakeCollection(this, name) as unknown as CollectionRef<T>;
  }

  serverDate(): unknown {
    return new Date();
  }

  /** Serializable: one transaction at a time; a throwing transaction leaves no trace. */
  runTransaction<R>(fn: (tx: Transaction) => Promise<R>): Promise<R> {
    const run = async (): Promise<R> => {
      const snapshot = new Map([...this.store].map(([k, v]) => [k, clone(v)]));
      const tx: Transaction = {
        collection: <T = DocData>(name: string): TransactionCollection<T> => {
          const c = new FakeCollection(this, name);
          return {
            doc: (id: string) => c.doc(id) as unknown as DocumentRef<T>,
            add: (o: { data: DocData }) => c.add(o),
          };
        },
        rollback: async (reason?: unknown) => {
          throw reason ?? new Error('rollback');
        },
      };
      try {
        return await fn(tx);
      } catch (err) {
        this.store.clear();
        for (const [k, v] of snapshot) this.store.set(k, v);
        throw err;
      }
    };
    const result = this.lock.then(run);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Everything stored, for "nothing changed" assertions. */
  dump(): Record<string, DocData[]> {
    const out: Record<string, DocData[]> = {};
    for (const [k, v] of this.store) if (v.size) out[k] = clone([...v.values()]);
    return out;
  }
}

/** A valid ID number: region + YYYYMMDD + 3-digit sequence + check char. */
export function makeIdNumber(birth: string, seq = 123, region = '330602'): string {
  const first17 = `${region}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** A valid ID number whose check character is X. */
export function makeIdNumberEndingX(birth: string, region = '110105'): string {
  for (let seq = 0; seq < 1000; seq++) {
    const id = makeIdNumber(birth, seq, region);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X id found');
}

export class FakeHisPatient implements HisPatientPort {
  readonly patients = new Map<string, HisPatient>();
  private readonly byRequestId = new Map<string, string>();
  private seq = 1000;
  calls: string[] = [];
  /** When set, every call rejects with it. */
  failWith: Error | null = null;

  seed(p: {
    name: string;
    idNumber: string;
    phone?: string;
    gender?: 'M' | 'F';
    birthDate?: string;
    socialSecurityNo?: string | null;
  }): HisPatient {
    const id = p.idNumber.toUpperCase();
    const patient: HisPatient = {
      patientId: `P${++this.seq}`,
      cardNo: `C${900000 + this.seq}`,
      name: p.name,
      idNumber: id,
      phone: p.phone ?? '13900001111',
      gender: p.gender ?? (Number(id[16]) % 2 === 1 ? 'M' : 'F'),
      birthDate: p.birthDate ?? `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      socialSecurityNo: p.socialSecurityNo ?? null,
      createdAt: '2020-01-01T00:00:00.000Z',
    };
    this.patients.set(patient.patientId, patient);
    return patient;
  }

  private async enter(op: string): Promise<void> {
    this.calls.push(op);
    await tick();
    if (this.failWith) throw this.failWith;
  }

  async findPatientByIdNumber(idNumber: string): Promise<HisPatient | null> {
    await this.enter('findPatientByIdNumber');
    for (const p of this.patients.values()) if (p.idNumber === idNumber) return { ...p };
    return null;
  }

  async createPatient(input: HisCreatePatientInput): Promise<HisPatient> {
    await this.enter('createPatient');
    const prior = this.byRequestId.get(input.requestId);
    if (prior) return { ...this.patients.get(prior)! };
    for (const p of this.patients.values()) {
      if (p.idNumber === input.idNumber) throw new HisError('rejected', 'PATIENT_EXISTS', 'patient exists');
    }
    const patient = this.seed({ ...input });
    this.byRequestId.set(input.requestId, patient.patientId);
    return { ...patient };
  }

  async getPatient(patientId: string): Promise<HisPatient | null> {
    await this.enter('getPatient');
    const p = this.patients.get(patientId);
    return p ? { ...p } : null;
  }
}
