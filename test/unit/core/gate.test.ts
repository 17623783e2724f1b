import { Gate } from '../../../server/core/gate';

describe('Gate (FIFO counting semaphore)', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  it('runs at most `limit` at once and starts the waiting ones in arrival order', async () => {
    const gate = new Gate(2);
    const started: number[] = [];
    const release = new Map<number, () => void>();
    const runs = [1, 2, 3, 4].map((id) =>
      gate.run(async () => {
        started.push(id);
        await new Promise<void>((r) => release.set(id, r));
        return id;
      }),
    );
    await tick();
    expect(started).toEqual([1, 2]);
    expect(gate.load).toEqual({ active: 2, waiting: 2 });
    release.get(2)!();
    await tick();
    expect(started).toEqual([1, 2, 3]);
    release.get(1)!();
    await tick();
    expect(started).toEqual([1, 2, 3, 4]);
    release.get(3)!();
    release.get(4)!();
    await expect(Promise.all(runs)).resolves.toEqual([1, 2, 3, 4]);
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });

  it('a run that throws frees its place', async () => {
    const gate = new Gate(1);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new Gate(0)).toThrow(/positive integer/);
    expect(() => new Gate(1.5)).toThrow(/positive integer/);
  });
});
