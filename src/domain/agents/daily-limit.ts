import type { Transaction } from '../context.js';

/**
 * Serialises the raises of one user account on one device until the transaction ends, so the
 * count below and the insert that follows it cannot interleave with another raise.
 */
export async function lockDailyLimit(
  tx: Transaction,
  deviceId: string,
  userAccountName: string,
): Promise<void> {
  const key = `daily-limit:${deviceId}:${userAccountName}`;
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

/**
 * Counts the requests a user account raised from a device on the calendar day that contains
 * `now` in `timeZone` (an IANA name). PostgreSQL computes the day's bounds, daylight saving
 * changes included. Admin-created requests do not count.
 */
export async function countRaisedToday(
  tx: Transaction,
  input: { deviceId: string; userAccountName: string; now: Date; timeZone: string },
): Promise<number> {
  const { deviceId, userAccountName, now, timeZone } = input;
  // Request times are stored as UTC timestamps without zone, hence the final AT TIME ZONE 'UTC'.
  const rows = await tx.$queryRaw<{ count: number }[]>`
    WITH day AS (
      SELECT date_trunc('day', ${now.toISOString()}::timestamptz AT TIME ZONE ${timeZone}) AS local_start
    )
    SELECT count(*)::int AS count
    FROM "JitRequest", day
    WHERE "raisedFromDeviceId" = ${deviceId}
      AND "userAccountName" = ${userAccountName}
      AND "requesterKind" = 'USER'
      AND "requestedAt" >= (day.local_start AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'
      AND "requestedAt" < ((day.local_start + interval '1 day') AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'`;
  return rows[0]?.count ?? 0;
}
