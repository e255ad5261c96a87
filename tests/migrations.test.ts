// The committed migrations must produce exactly the schema in prisma/schema, apply once even when
// two processes start at the same moment, and refuse a migration edited after it was applied.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { applyMigrations, readMigrations } from '../src/db/migrations.js';
import { isEmptyDiff, prismaDiff } from '../src/db/prisma-diff.js';
import { createEmptyDatabase } from './support/database.js';

const run = promisify(execFile);
const MIGRATIONS = path.resolve('prisma/migrations');

// Everything about the public schema a migration can change, as sorted text.
async function describeSchema(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const queries = [
      `SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' ' || coalesce(character_maximum_length::text, '') || ' ' || is_nullable || ' ' || coalesce(column_default, '')
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      `SELECT 'con ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '"_prisma_migrations"' AND conrelid::regclass::text <> '_prisma_migrations'`,
      // Partial indexes are raw SQL only (Prisma 6 cannot express them): compared apart, below.
      `SELECT 'idx ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' AND indexdef NOT LIKE '% WHERE %'`,
      `SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname`,
    ];
    const lines: string[] = [];
    for (const sql of queries) lines.push(...(await client.query<{ '?column?': string }>(sql)).rows.map((r) => Object.values(r)[0] as string));
    return lines.sort();
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('produce exactly the schema in prisma/schema', async () => {
    const migrated = await createEmptyDatabase();
    const fromSchema = await createEmptyDatabase();
    const scratch = await createEmptyDatabase();
    try {
      await applyMigrations({ databaseUrl: migrated.url, migrationsDir: MIGRATIONS });
      const sql = await prismaDiff({ scratchDatabaseUrl: scratch.url, from: { kind: 'empty' }, to: { kind: 'datamodel', path: 'prisma/schema' } });
      const client = new pg.Client({ connectionString: fromSchema.url });
      await client.connect();
      await client.query(sql);
      await client.end();
      const [a, b] = await Promise.all([describeSchema(migrated.url), describeSchema(fromSchema.url)]);
      expect(a.length).toBeGreaterThan(50);
      expect(a).toEqual(b);
      // The raw-SQL partial indexes exist after the migrations, and nowhere in Prisma's schema.
      const partial = async (url: string) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '% WHERE %' ORDER BY 1`);
        await client.end();
        return rows.map((r) => r.indexname);
      };
      expect(await partial(fromSchema.url)).toEqual([]);
      expect(await partial(migrated.url)).toEqual(expect.arrayContaining([
        'disputes_open_not_received_idx', 'shipment_investigations_one_open_key', 'shipments_open_carrier_status_idx',
        'shipments_queue_address_failed_idx', 'shipments_queue_label_failed_idx', 'shipments_queue_not_received_idx', 'shipments_queue_tracking_stale_idx',
      ]));
      // And the snapshot the migration writer diffs from is current: no forgotten `npm run db:migration`.
      const pending = await prismaDiff({
        scratchDatabaseUrl: scratch.url,
        from: { kind: 'datamodel', path: path.join(MIGRATIONS, 'schema-snapshot.prisma') },
        to: { kind: 'datamodel', path: 'prisma/schema' },
      });
      expect(isEmptyDiff(pending)).toBe(true);
    } finally {
      await Promise.all([migrated.drop(), fromSchema.drop(), scratch.drop()]);
    }
  });

  it('applies each migration once when two processes start at the same moment', async () => {
    const target = await createEmptyDatabase();
    try {
      const script = `import { applyMigrations } from './src/db/migrations.ts';
        const applied = await applyMigrations({ databaseUrl: process.env.TARGET, migrationsDir: 'prisma/migrations' });
        console.log(JSON.stringify(applied));`;
      const once = () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, TARGET: target.url } });
      const [a, b] = await Promise.all([once(), once()]);
      const applied = [JSON.parse(a.stdout), JSON.parse(b.stdout)] as string[][];
      const names = (await readMigrations(MIGRATIONS)).map((m) => m.name);
      expect(applied.flat().sort()).toEqual(names);
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      const { rows } = await client.query('SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name');
      await client.end();
      expect(rows.map((r) => r.migration_name)).toEqual(names);
      expect(rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    } finally {
      await target.drop();
    }
  });

  it('refuses a migration edited after it was applied, and rolls back a failing one whole', async () => {
    const target = await createEmptyDatabase();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-migrations-'));
    try {
      await fs.mkdir(path.join(dir, '001_a'));
      await fs.writeFile(path.join(dir, '001_a', 'migration.sql'), 'CREATE TABLE a (id int);');
      expect(await applyMigrations({ databaseUrl: target.url, migrationsDir: dir })).toEqual(['001_a']);
      expect(await applyMigrations({ databaseUrl: target.url, migrationsDir: dir })).toEqual([]);

      await fs.mkdir(path.join(dir, '002_b'));
      await fs.writeFile(path.join(dir, '002_b', 'migration.sql'), 'CREATE TABLE b (id int); SELECT * FROM missing_table;');
      await expect(applyMigrations({ databaseUrl: target.url, migrationsDir: dir })).rejects.toThrow(/002_b failed/);
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      expect((await client.query(`SELECT to_regclass('public.b') AS b`)).rows[0].b).toBeNull();
      await client.end();

      await fs.rm(path.join(dir, '002_b'), { recursive: true });
      await fs.writeFile(path.join(dir, '001_a', 'migration.sql'), 'CREATE TABLE a (id bigint);');
      await expect(applyMigrations({ databaseUrl: target.url, migrationsDir: dir })).rejects.toThrow(/001_a was edited/);
    } finally {
      await target.drop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
