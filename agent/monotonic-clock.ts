import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Milliseconds on the system's monotonic clock. process.hrtime reads CLOCK_MONOTONIC on Linux, which
 * counts from boot and is shared by every process, so a value saved by one agent process is still
 * meaningful to the next one on the same boot. Setting the wall clock does not move it.
 * NOTE: on Linux CLOCK_MONOTONIC stops while the machine is suspended, and on macOS the libuv
 * clock behind process.hrtime may also stop during sleep; the wall-clock guard in deadlines.ts
 * covers that case.
 */
export interface MonotonicClock {
  nowMs(): number;
  /** Wall-clock milliseconds, used only to lower earlier after a sleep, never to lower later. */
  wallNowMs(): number;
}

export const systemMonotonicClock: MonotonicClock = {
  nowMs: () => Number(process.hrtime.bigint() / 1_000_000n),
  wallNowMs: () => Date.now(),
};

/**
 * Identifies the current boot, so a saved monotonic deadline is trusted only on the boot that
 * produced it. Linux exposes a random boot id; elsewhere the boot time (wall clock minus uptime,
 * to the minute) stands in for it, and a wall-clock change between two reads can make it differ,
 * which only makes the agent lower early.
 */
export function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    const bootMinute = Math.round((Date.now() / 1000 - os.uptime()) / 60);
    return `boot-minute-${bootMinute}`;
  }
}
