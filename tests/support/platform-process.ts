// Runs `npm start`'s entry point as a real process, the way a newcomer does, and finds every
// process it left behind by a marker in the environment (children inherit it, PostgreSQL too).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { freePort } from '../../src/platform/free-port.js';

export type PlatformProcess = {
  child: ChildProcess;
  output: () => string;
  baseUrl: string;
  unleashUrl: string;
  marker: string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

export async function startPlatformProcess({ dataDir, env = {} }: { dataDir: string; env?: Record<string, string> }): Promise<PlatformProcess> {
  const port = await freePort();
  const unleashPort = await freePort();
  const marker = randomBytes(8).toString('hex');
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      UNLEASH_PORT: String(unleashPort),
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      OPSDECK_PROCESS_MARKER: marker,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const stop = async (signal: NodeJS.Signals = 'SIGINT') => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill(signal);
    return new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  };
  return { child, output: () => out, baseUrl: `http://127.0.0.1:${port}`, unleashUrl: `http://127.0.0.1:${unleashPort}`, marker, stop };
}

export async function waitForReady(p: PlatformProcess, timeoutMs = 120_000): Promise<{ database: string; unleash: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`opsdeck exited (${p.child.exitCode}):\n${p.output().slice(-3000)}`);
    const res = await fetch(`${p.baseUrl}/readyz`).catch(() => null);
    if (res?.ok) return (await res.json()) as { database: string; unleash: string };
    if (Date.now() > deadline) throw new Error(`not ready in time:\n${p.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Pids of live processes carrying the marker in their environment. */
export async function processesWithMarker(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await fs.readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (environ.includes(`OPSDECK_PROCESS_MARKER=${marker}`) && !/\) Z /.test(stat)) pids.push(Number(entry));
  }
  return pids;
}
