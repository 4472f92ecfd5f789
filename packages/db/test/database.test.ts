import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, sessions, users } from '../src';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '../src/testing';

describe.each(testDatabaseKinds())('database on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.destroy());

  it('reports its kind and answers a ping', async () => {
    expect(database.kind).toBe(kind);
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('treats emails that differ only in case as the same account', async () => {
    await database.db.insert(users).values({ email: 'Case@Example.com', passwordHash: 'x' });
    await expect(database.db.insert(users).values({ email: 'case@example.COM', passwordHash: 'x' })).rejects.toThrow();
  });

  it('lets one Stripe customer belong to one user only', async () => {
    const [a, b] = await database.db
      .insert(users)
      .values([
        { email: 'a@example.com', passwordHash: 'x', stripeCustomerId: 'cus_same' },
        { email: 'b@example.com', passwordHash: 'x' },
      ])
      .returning();
    expect(a?.stripeCustomerId).toBe('cus_same');
    await expect(
      database.db.update(users).set({ stripeCustomerId: 'cus_same' }).where(eq(users.id, b!.id)),
    ).rejects.toThrow();
  });

  it('deletes a user’s sessions with the user', async () => {
    const [user] = await database.db.insert(users).values({ email: 'gone@example.com', passwordHash: 'x' }).returning();
    await database.db
      .insert(sessions)
      .values({ id: 'hash', userId: user!.id, expiresAt: new Date(Date.now() + 60_000) });
    await database.db.delete(users).where(eq(users.id, user!.id));
    const left = await database.db.select().from(sessions).where(eq(sessions.userId, user!.id));
    expect(left).toHaveLength(0);
  });

  if (kind === 'postgres') {
    it('lets several processes start on one database at once', async () => {
      // Each createDatabase applies migrations under the advisory lock, as a server start-up does.
      const url = database.url!;
      const handles = await Promise.all([1, 2, 3].map(() => createDatabase({ url })));
      await Promise.all(handles.map((handle) => handle.close()));
      const rows = await database.db.select().from(users);
      expect(rows.length).toBeGreaterThan(0);
    });
  }
});
