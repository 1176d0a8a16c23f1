import bcrypt from 'bcrypt';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { eventLoopBusy, HashPool } from './hash-pool';
import { Passwords } from './passwords';

describe('HashPool', () => {
  const pool = new HashPool({ size: 2, niceness: 10 });
  afterAll(() => pool.close());

  it('hashes and verifies with bcrypt, compatible both ways', async () => {
    const hash = await pool.hash('Correct#Horse1', 4);
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(await pool.compare('Correct#Horse1', hash)).toBe(true);
    expect(await pool.compare('Wrong#Horse1', hash)).toBe(false);
    expect(bcrypt.compareSync('Correct#Horse1', hash)).toBe(true);
    expect(await pool.compare('x', bcrypt.hashSync('x', 4))).toBe(true);
  });

  it('answers a malformed stored hash with false, as bcrypt.compare does, and a bad cost with an error', async () => {
    expect(await pool.compare('x', 'not-a-hash')).toBe(false);
    await expect(pool.hash('x', 99)).rejects.toThrow(/salt/i);
    // The thread survives a failed call.
    expect(await pool.compare('x', bcrypt.hashSync('x', 4))).toBe(true);
  });

  it('runs many calls on at most `size` threads, each answered with its own result', async () => {
    const threadsBefore = readdirSync('/proc/self/task').length;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.hash(`pw-${i}`, 4).then((h) => pool.compare(`pw-${i}`, h))));
    expect(results).toEqual(Array(12).fill(true));
    expect(readdirSync('/proc/self/task').length).toBeLessThanOrEqual(threadsBefore + 2);
  });

  it.runIf(process.platform === 'linux')('hashes on one thread fewer while the request thread is busy, and on all of them once it is not', async () => {
    let busy = true;
    const gated = new HashPool({ size: 2, requestThreadBusy: () => busy });
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    const hash = bcrypt.hashSync('x', 6);
    try {
      // Six at once while busy: one after another on a single thread (the pool starts threads as it needs them).
      expect(await Promise.all(Array.from({ length: 6 }, () => gated.compare('x', hash)))).toEqual(Array(6).fill(true));
      expect(threads()).toBe(before + 1);
      busy = false;
      expect(await Promise.all(Array.from({ length: 6 }, () => gated.compare('x', hash)))).toEqual(Array(6).fill(true));
      expect(threads()).toBe(before + 2);
    } finally {
      await gated.close();
    }
  });

  it('never holds work back on a one-thread pool, busy or not', async () => {
    const single = new HashPool({ size: 1, requestThreadBusy: () => true });
    try {
      expect(await Promise.all(Array.from({ length: 3 }, (_, i) => single.hash(`pw-${i}`, 4)))).toHaveLength(3);
    } finally {
      await single.close();
    }
  });

  it('tells a busy event loop from an idle one', async () => {
    const busy = eventLoopBusy(50);
    const spinUntil = performance.now() + 120;
    while (performance.now() < spinUntil) {
      // the request thread running callbacks without a pause
    }
    expect(busy()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(busy()).toBe(false);
  });

  it.runIf(process.platform === 'linux')('runs below the request thread’s priority', async () => {
    await pool.hash('x', 4);
    const niceness = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
    const tasks = readdirSync('/proc/self/task');
    expect(niceness(String(process.pid))).toBe(0);
    expect(tasks.map(niceness)).toContain(10);
  });

  it('refuses work once closed', async () => {
    const other = new HashPool({ size: 1 });
    await other.hash('x', 4);
    await other.close();
    await expect(other.compare('x', 'y')).rejects.toThrow(/closed/);
  });

  it('backs Passwords, including the dummy comparison for unknown emails', async () => {
    const passwords = new Passwords(4, pool);
    await passwords.warmUp();
    const hash = await passwords.hash('Correct#Horse1');
    expect(await passwords.verify('Correct#Horse1', hash)).toBe(true);
    expect(await passwords.verifyAgainstDummy('Correct#Horse1')).toBe(false);
  });
});
