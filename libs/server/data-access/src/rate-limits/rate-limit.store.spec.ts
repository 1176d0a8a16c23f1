import { countsAfterOneMore, createTestDatabase, sleep, type TestDatabase, threeCounters } from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, PostgresRateLimitStore, type RateLimitStore } from './rate-limit.store';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

const stores: [string, () => RateLimitStore][] = [
  ['in the database', () => new PostgresRateLimitStore(database.handle.db)],
  ['in memory', () => new MemoryRateLimitStore()],
];

describe.each(stores)('rate-limit counters %s', (_, newStore) => {
  it('counts a hit on each counter in turn, and answers each one with the end of its window', async () => {
    const store = newStore();
    const counts = threeCounters();
    const started = Date.now();
    expect((await store.hitInTurn(counts)).map((hit) => hit.count)).toEqual([1, 1, 1]);
    const hits = await store.hitInTurn(counts);
    expect(hits.map((hit) => hit.count)).toEqual([2, 2, 2]);
    for (const hit of hits) {
      // The database's clock and this one agree to within a second here.
      expect(hit.resetAt.getTime()).toBeGreaterThan(started + 59_000);
      expect(hit.resetAt.getTime()).toBeLessThan(Date.now() + 61_000);
    }
  });

  it('stops after the first counter over its limit: the counters after it are not counted', async () => {
    const store = newStore();
    const counts = threeCounters();
    await store.hitInTurn(counts);
    await store.hitInTurn(counts);
    // The third: the second counter (max 2) goes over, the third is left alone.
    expect((await store.hitInTurn(counts)).map((hit) => hit.count)).toEqual([3, 3]);
    // The fourth: the first (max 3) goes over, nothing after it moves.
    expect((await store.hitInTurn(counts)).map((hit) => hit.count)).toEqual([4]);
    expect(await countsAfterOneMore(store, counts)).toEqual([5, 4, 3]);
  });

  it('starts a counter over once its window has passed', async () => {
    const store = newStore();
    const counts = threeCounters(150);
    await store.hitInTurn(counts);
    await store.hitInTurn(counts);
    await sleep(300);
    expect((await store.hitInTurn(counts)).map((hit) => hit.count)).toEqual([1, 1, 1]);
  });

  it('resets the counters it is given, and no other', async () => {
    const store = newStore();
    const counts = threeCounters();
    await store.hitInTurn(counts);
    await store.hitInTurn(counts);
    await store.reset([counts[1]?.key ?? '', counts[2]?.key ?? '']);
    expect(await countsAfterOneMore(store, counts)).toEqual([3, 1, 1]);
    await store.reset([]);
    expect(await countsAfterOneMore(store, counts)).toEqual([4, 2, 2]);
  });

  it('counts parallel hits exactly: of 20 at once, as many pass each counter as it allows', async () => {
    const store = newStore();
    const counts = threeCounters();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.hitInTurn(counts)));
    const passed = (turn: number) => results.filter((hits) => (hits[turn]?.count ?? Infinity) <= (counts[turn]?.max ?? 0)).length;
    expect([passed(0), passed(1), passed(2)]).toEqual([3, 2, 2]);
    // Every call counted the first, 3 reached the second, 2 the third.
    expect(await countsAfterOneMore(store, counts)).toEqual([21, 4, 3]);
  });

  it('answers nothing for no counters', async () => {
    expect(await newStore().hitInTurn([])).toEqual([]);
  });
});
