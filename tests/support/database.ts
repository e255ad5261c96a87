// A fresh, migrated database per test file: cloned from the run's template in well under a second.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Database } from '../../src/db/database.js';
import { withDatabase } from '../../src/db/urls.js';
import { APP_ROLE } from '../../src/db/open-database.js';
import { templateDb, testDbPrefix } from './test-postgres.js';

export function testAdminUrl(): string {
  const url = process.env.OPSDECK_TEST_ADMIN_URL;
  if (!url) throw new Error('OPSDECK_TEST_ADMIN_URL is unset: run tests through jest (global setup)');
  return url;
}

export async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testAdminUrl() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export async function createEmptyDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${testDbPrefix()}${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return { name, url: withDatabase(testAdminUrl(), name), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export async function createTestDatabase(): Promise<Database & { drop: () => Promise<void> }> {
  const name = `${testDbPrefix()}${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${templateDb()}"`);
  const db = createDatabase({ url: withDatabase(testAdminUrl(), name), max: 5 });
  return {
    ...db,
    drop: async () => {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

// The password the tests give the application role: a local test server only.
const APP_ROLE_TEST_PASSWORD = 'opsdeck-app-test-password';

/** The same database as the app's restricted role (opsdeck_app) sees it, as the platform connects. */
export async function appRoleDatabase(db: Pick<Database, 'url'>, { max = 5 }: { max?: number } = {}): Promise<Database> {
  await adminQuery(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD '${APP_ROLE_TEST_PASSWORD}'`);
  const url = new URL(db.url);
  url.username = APP_ROLE;
  url.password = APP_ROLE_TEST_PASSWORD;
  return createDatabase({ url: url.toString(), max });
}
