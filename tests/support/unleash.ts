// A real Unleash for a test file: a supervised child over its own empty database on the run's test
// PostgreSQL, its Admin API under a generated admin token, and real flag clients that close() destroys
// (with their backup files) before it stops the child and drops its database.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createUnleashSupervisor, type SupervisorLogger, type UnleashSupervisor } from '../../src/flags/unleash-supervisor.js';
import { createFlagClient, type FlagClient } from '../../src/flags/unleash-client.js';
import { syncFlags, type FlagSyncResult } from '../../src/flags/flag-sync.js';
import { buildFlagCatalog, type FlagCatalog } from '../../src/flags/flag-catalog.js';
import { freePort } from '../../src/platform/free-port.js';
import { plugins } from '../../plugins/index.js';
import { createEmptyDatabase } from './database.js';

const secret = () => randomBytes(24).toString('hex');

/** A logger for the supervisor and the flag client that drops everything. */
export const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** A strategy variant: with a weight it is fixed at that weight (of 1000), without one it takes the rest. */
export type TestVariant = { name: string; weight?: number };

export type TestUnleash = {
  supervisor: UnleashSupervisor;
  url: string;
  /** Unleash's own database. */
  databaseUrl: string;
  adminToken: string;
  clientToken: string;
  /** An Admin API call (`route` below /api/admin), its JSON body parsed (null when empty). */
  admin(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Switches the flag on or off in development; answers the status. */
  toggle(key: string, on: boolean): Promise<number>;
  /** Creates the declared flags as boot does (default: the deployment's packs). */
  sync(catalog?: FlagCatalog): Promise<FlagSyncResult>;
  /** An experiment flag as a product manager makes it: on in development, a 100% flexibleRollout splitting `variants`. */
  experimentFlag(options: { name: string; variants: TestVariant[]; impressionData?: boolean }): Promise<void>;
  /** A flag client (destroyed by close()), on this server unless `url` says otherwise, with its own backup folder unless given one. */
  flagClient(options: { appName: string; refreshIntervalMs?: number; url?: string; backupPath?: string; logger?: SupervisorLogger }): FlagClient;
  /** A fresh folder for a flag client's backup file, removed by close(). */
  backupPath(): string;
  close(): Promise<void>;
};

/**
 * Creates the Unleash child over a new empty database and, unless `start` is false (a test that
 * watches the start itself), starts it.
 */
export async function startTestUnleash({ logger = silent, start = true }: { logger?: SupervisorLogger; start?: boolean } = {}): Promise<TestUnleash> {
  const adminToken = `*:*.${secret()}`;
  const clientToken = `default:development.${secret()}`;
  const backupRoot = path.resolve(`.data/test-unleash-${secret().slice(0, 8)}`);
  const database = await createEmptyDatabase();
  const supervisor = createUnleashSupervisor({ databaseUrl: database.url, port: await freePort(), adminPassword: `${secret()}Aa1!`, adminToken, clientToken, logger });
  const clients: FlagClient[] = [];
  const url = supervisor.url;

  async function admin(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${url}/api/admin${route}`, {
      method, headers: { Authorization: adminToken, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function expectStatus(status: number, call: Promise<{ status: number; body: unknown }>, what: string): Promise<void> {
    const res = await call;
    if (res.status !== status) throw new Error(`Unleash answered ${res.status} to ${what}: ${JSON.stringify(res.body)}`);
  }

  const unleash: TestUnleash = {
    supervisor,
    url,
    databaseUrl: database.url,
    adminToken,
    clientToken,
    admin,
    toggle: async (key, on) => (await admin('POST', `/projects/default/features/${key}/environments/development/${on ? 'on' : 'off'}`)).status,
    sync: (catalog = buildFlagCatalog(plugins)) => syncFlags({ url, adminToken, catalog, logger: silent }),
    async experimentFlag({ name, variants, impressionData }) {
      const feature = `/projects/default/features/${name}`;
      await expectStatus(201, admin('POST', '/projects/default/features', { name, type: 'experiment', ...(impressionData === undefined ? {} : { impressionData }) }), `creating ${name}`);
      await expectStatus(200, admin('POST', `${feature}/environments/development/strategies`, {
        name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: name },
        variants: variants.map((v) => v.weight === undefined
          ? { name: v.name, weight: 0, weightType: 'variable', stickiness: 'default' }
          : { name: v.name, weight: v.weight, weightType: 'fix', stickiness: 'default' }),
      }), `the strategy of ${name}`);
      await expectStatus(200, admin('POST', `${feature}/environments/development/on`), `switching ${name} on`);
    },
    flagClient({ appName, refreshIntervalMs, url: clientUrl = url, backupPath = unleash.backupPath(), logger: clientLogger = silent }) {
      const client = createFlagClient({ url: clientUrl, clientToken, appName, backupPath, logger: clientLogger, refreshIntervalMs });
      clients.push(client);
      return client;
    },
    backupPath: () => path.join(backupRoot, secret().slice(0, 8)),
    async close() {
      // At once: each may wait for a poll in flight against a server that is down.
      await Promise.all(clients.map((client) => client.destroy()));
      await supervisor.stop();
      await database.drop();
      await fs.rm(backupRoot, { recursive: true, force: true });
    },
  };
  if (start) {
    // A child that does not start still holds its database: the caller never gets close().
    await supervisor.start().catch(async (error: unknown) => {
      await unleash.close();
      throw error;
    });
  }
  return unleash;
}
