import type { DeviceSessionState, JitStatus } from '../../generated/prisma/enums.js';

export type { DeviceSessionState, JitStatus };

/** Statuses shown in the Live tables; every other status is a Past record that never changes. */
export const liveStatuses = [
  'PENDING',
  'ACTIVE',
  'SCHEDULED',
] as const satisfies readonly JitStatus[];

export const pastStatuses = [
  'COMPLETED',
  'DENIED',
  'REVOKED',
  'PRE_REVOKED',
  'EXPIRED',
  'FAILED',
] as const satisfies readonly JitStatus[];

export type LiveStatus = (typeof liveStatuses)[number];

export function isLive(status: JitStatus): status is LiveStatus {
  return (liveStatuses as readonly JitStatus[]).includes(status);
}

/**
 * Decides how an ACTIVE request ends at its expiry: COMPLETED when at least one device applied
 * the elevation, FAILED when every device reported a failure, EXPIRED otherwise (no device, or
 * none applied inside the window).
 */
export function outcomeAtExpiry(
  sessions: ReadonlyArray<{ state: DeviceSessionState; appliedAt: Date | null }>,
): 'COMPLETED' | 'FAILED' | 'EXPIRED' {
  if (sessions.some((session) => session.appliedAt !== null)) return 'COMPLETED';
  if (sessions.length > 0 && sessions.every((session) => session.state === 'FAILED'))
    return 'FAILED';
  return 'EXPIRED';
}

/** Seconds left before `expiresAt`, never negative. */
export function remainingSeconds(expiresAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
