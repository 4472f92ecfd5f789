import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(BENCH_DIR, '../..');

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

const children = new Set<Child>();

/**
 * Starts a compiled entry (see `bundleServer`) in its own Node process and waits for its `ready`
 * message, or for `readyLine` on stdout when it is a CLI that prints one.
 */
export async function startChild(
  name: string,
  entry: string,
  options: {
    env: Record<string, string>;
    args?: string[];
    execArgv?: string[];
    /** A file descriptor for the child's stdout, as a service manager would give it; default: a pipe to us. */
    stdout?: number;
    readyLine?: RegExp;
    timeoutMs?: number;
  },
): Promise<Child> {
  const child = fork(entry, options.args ?? [], {
    cwd: BENCH_DIR,
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} did not start within ${options.timeoutMs ?? 60_000} ms:\n${output}`)),
      options.timeoutMs ?? 60_000,
    );
    const finish = () => {
      clearTimeout(timer);
      done();
    };
    child.on('message', (message) => {
      if ((message as { ready?: boolean }).ready) finish();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (options.readyLine?.test(output)) finish();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(`[${name}] ${chunk}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code} before it was ready:\n${output}`));
    });
  });
  await ready;
  const handle: Child = {
    name,
    process: child,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((done) => {
        children.delete(handle);
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(killer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
  children.add(handle);
  return handle;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop()));
}

/** Current and peak resident set size (bytes) of a process, from /proc. */
export function memoryOf(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/** Resets the kernel's peak-RSS mark (VmHWM) so the next reading is the peak of one scenario. */
export function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux or not allowed: the peak then covers the process's whole life, an upper bound.
  }
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (user + system, ms) a process has used so far. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU time of every Postgres server process on this machine (the benchmark's database, mostly). */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) total += cpuMsOf(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

/** Busy and total CPU time of the whole machine (all cores), ms. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}
