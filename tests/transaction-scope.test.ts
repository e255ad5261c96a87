// Prisma inside `inTransaction` joins the transaction of the scope's connection: its writes commit
// or roll back with the plain SQL beside them, and a transaction Prisma opens itself (an upsert, a
// nested write) becomes a savepoint instead of a second connection waiting on our locks.
import { createTestDatabase } from './support/database.js';
import { inSavepoint, inTransaction } from '../src/db/transaction-scope.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const orgs = (name: string) => db.prisma.organization.count({ where: { name } });

it('rolls back Prisma writes with the scope, and commits them with it', async () => {
  await expect(inTransaction(db.pool, async (client) => {
    await db.prisma.organization.create({ data: { kind: 'seller', name: 'rolled back' } });
    await client.query(`INSERT INTO organizations (kind, name) VALUES ('seller', 'rolled back')`);
    throw new Error('stop');
  })).rejects.toThrow('stop');
  expect(await orgs('rolled back')).toBe(0);

  await inTransaction(db.pool, async () => {
    await db.prisma.organization.create({ data: { kind: 'seller', name: 'committed' } });
    // Outside the scope's transaction nothing is visible yet.
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM organizations WHERE name = 'committed'`)).rows[0].n).toBe(0);
  });
  expect(await orgs('committed')).toBe(1);
});

it('turns a transaction Prisma opens into a savepoint on the locked rows, without a second connection', async () => {
  const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'locked' } });
  await inTransaction(db.pool, async (client) => {
    await client.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE', [org.id]);
    // A nested write: Prisma runs it in a transaction of its own.
    await db.prisma.organization.update({ where: { id: org.id }, data: { name: 'locked and renamed', customerUsers: { create: { email: 'n@example.test', name: 'N' } } } });
    const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const prismaPid = (await db.prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid;
    expect(prismaPid).toBe(pid);
  });
  expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).name).toBe('locked and renamed');
}, 15_000);

it('undoes only a failed savepoint\'s writes', async () => {
  await inTransaction(db.pool, async (client) => {
    await inSavepoint(client, 'kept', () => db.prisma.organization.create({ data: { kind: 'seller', name: 'savepoint kept' } }));
    await expect(inSavepoint(client, 'undone', async () => {
      await db.prisma.organization.create({ data: { kind: 'seller', name: 'savepoint undone' } });
      throw new Error('undo');
    })).rejects.toThrow('undo');
  });
  expect(await orgs('savepoint kept')).toBe(1);
  expect(await orgs('savepoint undone')).toBe(0);
});
