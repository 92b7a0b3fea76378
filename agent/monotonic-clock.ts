import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Milliseconds on the system's monotonic clock. process.hrtime reads CLOCK_MONOTONIC on Linux, which
 * counts from boot and is shared by every process, so a value saved by one agent process is still
 * meaningful to the next one on the same boot. Setting the wall clock does not move it.
 * NOTE: on Linux CLOCK_MONOTONIC stops while the machine is suspended, and the libuv clock behind
 * process.hrtime on macOS may stop during sleep too. The wall-clock guard in session-keeper.ts
 * lowers such sessions after the wake-up.
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
 * Returns an id of the current boot, so a saved monotonic deadline is trusted only on the boot that
 * produced it. Linux exposes a random boot id. Elsewhere the boot time (wall clock minus uptime, to
 * the minute) is used instead. A wall-clock change between two reads can change that value, which
 * only makes the agent lower early.
 */
export function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    const bootMinute = Math.round((Date.now() / 1000 - os.uptime()) / 60);
    return `boot-minute-${bootMinute}`;
  }
}
