import { createTestDatabase, type TestDatabase } from '@app/server-testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueMails, enqueueMail, markMailSent, msUntilNextMailDue } from './mail-outbox.repository';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

const mail = () => ({ kind: 'test', to: `${randomUUID()}@example.com`, subject: 'Hello', text: 'Hello', html: '<p>Hello</p>', link: null });

describe('when the next mail is due', () => {
  it('is never while nothing waits: an empty outbox, then one whose every mail was sent', async () => {
    const db = database.handle.db;
    expect(await msUntilNextMailDue(db)).toBeUndefined();

    await enqueueMail(db, mail());
    expect(await msUntilNextMailDue(db)).toBe(0);

    const claimId = randomUUID();
    const [claimed] = await claimDueMails(db, { claimId, limit: 10, leaseMs: 60_000 });
    // Claimed: due again only when its lease runs out, unless it is sent before.
    const untilLeaseEnds = await msUntilNextMailDue(db);
    expect(untilLeaseEnds).toBeGreaterThan(55_000);
    expect(untilLeaseEnds).toBeLessThanOrEqual(60_000);

    expect(await markMailSent(db, claimed?.id ?? '', claimId)).toBe(true);
    expect(await msUntilNextMailDue(db)).toBeUndefined();
  });
});
