// What the kernel says about a process and the machine: CPU time (utime+stime, all threads), resident
// memory, per-core busy time, and the machine facts printed with every run.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

let ticksPerSecond: number | undefined;

export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU seconds in a `stat` line of /proc (a process's, or one thread's under task/). */
export function cpuSecondsOfStat(stat: string): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond();
}

/** User + system CPU seconds of a process (every thread), from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

function statusField(pid: number, name: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]) * 1024;
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** Open file descriptors of a process (sockets, files, pipes, epoll, …): the entries of /proc/<pid>/fd. */
export function openFileCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** TCP sockets of the machine in TIME_WAIT (state 06 in /proc/net/tcp and tcp6): ports a new connection may not get yet. */
export function timeWaitSockets(): number {
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n')) {
        if (line.trim().split(/\s+/, 4)[3] === '06') count += 1;
      }
    } catch {
      // No such table (no IPv6): nothing to count there.
    }
  }
  return count;
}

export function isAlive(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

export interface CoreTimes {
  busy: number;
  total: number;
}

/** Busy and total jiffies per core, from /proc/stat. */
export function coreTimes(): CoreTimes[] {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n').filter((line) => /^cpu\d+ /.test(line));
  return lines.map((line) => {
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const total = values.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  });
}

/** Share of time each core was busy between two readings (0..1). */
export function coreBusy(before: CoreTimes[], after: CoreTimes[]): number[] {
  return after.map((end, index) => {
    const start = before[index] ?? { busy: 0, total: 0 };
    const total = end.total - start.total;
    return total > 0 ? (end.busy - start.busy) / total : 0;
  });
}

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  os: string;
  wrk: string;
  openFilesLimit: number;
}

function commandOutput(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const output = (error as { stdout?: string; stderr?: string }).stdout ?? '';
    return output.trim();
  }
}

export interface OpenFilesLimit {
  soft: number;
  hard: number;
}

function readOpenFilesLimit(): OpenFilesLimit {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  const value = (text: string | undefined): number => (text === undefined || text === 'unlimited' ? 1_048_576 : Number(text));
  return { soft: value(match?.[1]), hard: value(match?.[2]) };
}

export function openFilesLimit(): number {
  return readOpenFilesLimit().hard;
}

/** Whether this process may raise its hard limits (CAP_SYS_RESOURCE, bit 24 of the effective capabilities). */
export function canRaiseHardLimits(): boolean {
  const match = /^CapEff:\s+([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1] !== undefined && (BigInt(`0x${match[1]}`) & (1n << 24n)) !== 0n;
}

/**
 * Raises this process's open-files limit (inherited by every server, mock and load client it starts):
 * the soft limit to the hard one, and the hard one to `wanted` when the process may (CAP_SYS_RESOURCE).
 * Node has no setrlimit, so util-linux's prlimit does it on our own pid.
 */
export function raiseOpenFilesLimit(wanted: number): OpenFilesLimit {
  const before = readOpenFilesLimit();
  let target = before.hard;
  if (wanted > before.hard && canRaiseHardLimits()) {
    const ceiling = Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim()) || before.hard;
    target = Math.min(wanted, ceiling);
  }
  if (target > before.soft || target > before.hard) {
    try {
      execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${target}:${Math.max(target, before.hard)}`], { stdio: 'ignore' });
    } catch {
      // Left as it was: the report states the limit in force.
    }
  }
  return readOpenFilesLimit();
}

export function machineFacts(): MachineFacts {
  const osRelease = readFileSync('/etc/os-release', 'utf8');
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: commandOutput('uname', ['-r']),
    node: process.version,
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? 'unknown',
    wrk: commandOutput('wrk', ['--version']).split('\n')[0]?.split(' Copyright')[0] ?? 'unknown',
    openFilesLimit: openFilesLimit(),
  };
}
