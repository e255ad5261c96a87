// Runs the self-hosted Unleash server as a supervised child process (see unleash-child.ts for why it
// cannot run in process): starts it, restarts it with backoff when it crashes, stops it in order.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

type LogFn = (objOrMsg: unknown, msg?: string) => void;
export type SupervisorLogger = { debug?: LogFn; info: LogFn; warn: LogFn; error: LogFn };

export type UnleashSupervisor = {
  start(): Promise<void>;
  stop(): Promise<void>;
  url: string;
  isRunning(): boolean;
  /** Pid of the current child, for diagnostics and tests. */
  pid(): number | undefined;
};

type ChildMessage = { type: 'ready'; port: number } | { type: 'fatal'; message: string };

const CHILD_ENV = /^(PATH|HOME|LANG|LC_[A-Z]+|TMPDIR|NODE_OPTIONS|OPSDECK_[A-Z_]+)$/;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const BACKOFF_START_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
// A child that stayed up this long before crashing restarts from the shortest delay again.
const STABLE_AFTER_MS = 60_000;
const TAIL_LINES = 20;

// Run the sibling child entry with the same extension as this module: .ts under tsx or ts-jest
// (then tsx must be registered in the child), .js once compiled.
function childEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const file = path.join(path.dirname(here), `unleash-child${ext}`);
  if (ext !== '.ts' && ext !== '.mts') return { file, execArgv: [] };
  // Resolved to an absolute URL: a bare `--import tsx` resolves against the cwd, not this project.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { file, execArgv: ['--import', tsx] };
}

function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === 'object' && value !== null && 'type' in value;
}

export function createUnleashSupervisor({
  databaseUrl,
  port,
  adminPassword,
  adminToken,
  clientToken,
  logger,
  schema = 'unleash',
  logLevel = 'warn',
}: {
  databaseUrl: string;
  port: number;
  adminPassword: string;
  adminToken: string;
  clientToken: string;
  logger: SupervisorLogger;
  schema?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}): UnleashSupervisor {
  const url = `http://127.0.0.1:${port}`;
  const debug: LogFn = (o, m) => (logger.debug ?? logger.info).call(logger, o, m);
  let child: ChildProcess | undefined;
  let ready = false;
  let readyAt = 0;
  let stopping = false;
  let starting: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let attempt = 0;
  const tail: string[] = [];

  function remember(line: string): void {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  }

  function pipeLines(proc: ChildProcess): void {
    const pid = proc.pid;
    if (proc.stdout) {
      createInterface({ input: proc.stdout, crlfDelay: Infinity }).on('line', (line) => {
        remember(line);
        debug({ unleashPid: pid }, line);
      });
    }
    if (proc.stderr) {
      createInterface({ input: proc.stderr, crlfDelay: Infinity }).on('line', (line) => {
        remember(line);
        if (/^(error|fatal) /.test(line)) logger.error({ unleashPid: pid }, line);
        else logger.warn({ unleashPid: pid }, line);
      });
    }
  }

  // Resolves once the child reported ready; rejects if it exits first or never gets ready.
  function spawnChild(): Promise<void> {
    tail.length = 0;
    const { file, execArgv } = childEntry();
    const proc = fork(file, [], {
      execPath: process.execPath,
      execArgv,
      // Own process group: a terminal Ctrl-C must not reach Unleash before opsdeck has drained.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        // Only what a Node process needs: our secrets (SESSION_SECRET, DATABASE_URL) stay out, and so
        // do Unleash's own environment settings (AUTH_TYPE, ...) that would change its behaviour.
        ...Object.fromEntries(Object.entries(process.env).filter(([key]) => CHILD_ENV.test(key))),
        // Unleash's own start script runs it in UTC. NODE_ENV=test (jest) would make it treat itself
        // as non-OSS, and anything but production answers errors with stack traces.
        TZ: 'UTC',
        NODE_ENV: 'production',
        OPSDECK_UNLEASH_DATABASE_URL: databaseUrl,
        OPSDECK_UNLEASH_PORT: String(port),
        OPSDECK_UNLEASH_SCHEMA: schema,
        OPSDECK_UNLEASH_ADMIN_PASSWORD: adminPassword,
        OPSDECK_UNLEASH_ADMIN_TOKEN: adminToken,
        OPSDECK_UNLEASH_CLIENT_TOKEN: clientToken,
        OPSDECK_UNLEASH_LOG_LEVEL: logLevel,
      },
    });
    child = proc;
    pipeLines(proc);
    const startedAt = Date.now();

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let becameReady = false;
      let fatal: string | undefined;
      const timer = setTimeout(() => {
        settle(new Error(`Unleash did not get ready within ${READY_TIMEOUT_MS / 1000} s`));
        proc.kill('SIGKILL');
      }, READY_TIMEOUT_MS);

      function settle(err?: Error): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      }

      proc.on('message', (message: unknown) => {
        if (!isChildMessage(message)) return;
        if (message.type === 'fatal') fatal = message.message;
        if (message.type === 'ready' && proc === child && !stopping) {
          ready = true;
          becameReady = true;
          readyAt = Date.now();
          logger.info({ unleashPid: proc.pid, bootMs: readyAt - startedAt }, `Unleash ready at ${url}`);
          settle();
        }
      });
      proc.on('error', (err) => {
        // Spawn failures emit 'error' without a 'close'.
        if (proc.pid === undefined) onGone(null, null, err);
      });
      proc.on('close', (code, signal) => onGone(code, signal));

      function onGone(code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
        // A child replaced meanwhile (stop() then start()) is no longer ours to restart.
        const current = proc === child;
        if (current) {
          child = undefined;
          ready = false;
        }
        const how = signal ? `signal ${signal}` : `code ${code}`;
        if (!becameReady) {
          const details = tail.length > 0 ? `:\n${tail.join('\n')}` : '';
          const cause = err ? `: ${err.message}` : fatal ? `: ${fatal}` : stopping ? ': stopped while starting' : '';
          settle(new Error(`Unleash exited before it was ready (${how})${cause}${details}`));
          return;
        }
        if (stopping || !current) return;
        logger.error({ unleashPid: proc.pid, code, signal, lastLines: tail.slice(-5) }, `Unleash crashed (${how})`);
        if (Date.now() - readyAt >= STABLE_AFTER_MS) attempt = 0;
        scheduleRestart();
      }
    });
  }

  function scheduleRestart(): void {
    if (stopping || restartTimer) return;
    const delay = Math.min(BACKOFF_START_MS * 2 ** attempt, BACKOFF_MAX_MS);
    attempt += 1;
    logger.warn({ delayMs: delay, attempt }, 'restarting Unleash');
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      starting = spawnChild();
      starting.then(
        () => {
          starting = undefined;
        },
        (err: unknown) => {
          starting = undefined;
          if (stopping) return;
          logger.error({ err }, 'Unleash restart failed');
          scheduleRestart();
        },
      );
    }, delay);
  }

  function waitForExit(proc: ChildProcess, ms: number): Promise<boolean> {
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        proc.off('exit', onExit);
        resolve(false);
      }, ms);
      function onExit(): void {
        clearTimeout(timer);
        resolve(true);
      }
      proc.once('exit', onExit);
    });
  }

  async function terminate(): Promise<void> {
    const proc = child;
    if (!proc) return;
    ready = false;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      if (!(await waitForExit(proc, STOP_GRACE_MS))) {
        logger.warn({ unleashPid: proc.pid }, `Unleash did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
        proc.kill('SIGKILL');
        await waitForExit(proc, STOP_GRACE_MS);
      }
    }
    // 'exit' can precede the 'close' that clears `child`.
    if (child === proc) child = undefined;
    logger.info({ unleashPid: proc.pid }, 'Unleash stopped');
  }

  return {
    url,
    isRunning: () => ready && child !== undefined,
    pid: () => child?.pid,

    async start() {
      if (stopped) await stopped;
      if (ready && child) return;
      if (starting) return starting;
      if (restartTimer) {
        clearTimeout(restartTimer);
        restartTimer = undefined;
      }
      stopping = false;
      attempt = 0;
      starting = spawnChild();
      try {
        await starting;
      } finally {
        starting = undefined;
      }
    },

    stop() {
      stopping = true;
      if (restartTimer) {
        clearTimeout(restartTimer);
        restartTimer = undefined;
      }
      stopped ??= terminate().finally(() => {
        stopped = undefined;
      });
      return stopped;
    },
  };
}
