import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WaitingCount } from './waiting-count';

/** A collection whose count the test answers by hand, to order it against pulls. */
function heldCounts() {
  const pending: Array<{ name: string; answer(n: number): void }> = [];
  const published: Array<Record<string, number>> = [];
  const counter = new WaitingCount<string>(
    (name) => new Promise<number>((resolve) => pending.push({ name, answer: resolve })),
    (counts) => published.push(counts),
    500,
  );
  return { counter, pending, published };
}

async function settle() {
  await vi.advanceTimersByTimeAsync(0);
}

describe('the waiting count', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts once for a burst of local writes', async () => {
    const { counter, pending, published } = heldCounts();
    counter.changed('patients');
    counter.changed('patients');
    counter.changed('readings');
    await vi.advanceTimersByTimeAsync(500);
    expect(pending.map((p) => p.name)).toEqual(['patients']);
    pending.shift()?.answer(2);
    await settle();
    expect(pending.map((p) => p.name)).toEqual(['readings']);
    pending.shift()?.answer(1);
    await settle();
    expect(published).toEqual([{ patients: 2, readings: 1 }]);
  });

  it('ignores pulled documents where nothing waits', async () => {
    const { counter, pending } = heldCounts();
    counter.pulled('readings');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pending).toEqual([]);
  });

  it('counts again when the county stamp lands while a count is running', async () => {
    const { counter, pending, published } = heldCounts();
    counter.changed('referralCommands');
    await vi.advanceTimersByTimeAsync(500);
    // The count read the collection before the county's copy came back ...
    const first = pending.shift();
    // ... which lands now, while nothing is recorded as waiting yet.
    counter.pulled('referralCommands');
    first?.answer(1);
    await settle();
    expect(published.at(-1)).toEqual({ referralCommands: 1 });
    await vi.advanceTimersByTimeAsync(500);
    expect(pending.map((p) => p.name)).toEqual(['referralCommands']);
    pending.shift()?.answer(0);
    await settle();
    expect(published.at(-1)).toEqual({ referralCommands: 0 });
  });

  it('recounts on a pull where something waits, and stops publishing once stopped', async () => {
    const { counter, pending, published } = heldCounts();
    counter.changed('patients');
    await vi.advanceTimersByTimeAsync(500);
    pending.shift()?.answer(3);
    await settle();
    counter.pulled('patients');
    await vi.advanceTimersByTimeAsync(500);
    expect(pending).toHaveLength(1);
    counter.stop();
    pending.shift()?.answer(0);
    await settle();
    expect(published).toEqual([{ patients: 3 }]);
  });
});
