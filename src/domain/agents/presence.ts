import type { DomainContext } from '../context.js';

// These statements take their ids as one array parameter, not one parameter per id, so a batch
// of thousands of devices costs one short statement to plan and send.

/** Largest batch written in one statement, to keep row locks short. */
const batchSize = 5000;

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    result.push(items.slice(start, start + batchSize));
  }
  return result;
}

/**
 * Marks devices online and seen at `at`. The gateway calls it for new connections and, once per
 * heartbeat interval, for every device that sent anything, so idle agents cost one statement per
 * interval in total, not one per heartbeat. Devices whose token was revoked stay offline.
 */
export async function markDevicesOnline(
  context: Pick<DomainContext, 'prisma'>,
  deviceIds: readonly string[],
  at: Date,
): Promise<void> {
  for (const ids of chunks(deviceIds)) {
    // Prisma stores DateTime as UTC timestamps without zone, hence AT TIME ZONE 'UTC'.
    await context.prisma.$executeRaw`
      UPDATE "Device"
      SET online = true, "lastSeenAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
      WHERE id = ANY(${ids}::text[]) AND "tokenRevokedAt" IS NULL`;
  }
}

/**
 * Marks devices offline, each with the time its connection closed as lastSeenAt. A device seen
 * later than that (it reconnected, perhaps to another replica) is left online.
 */
export async function markDevicesOffline(
  context: Pick<DomainContext, 'prisma'>,
  entries: readonly { deviceId: string; at: Date }[],
): Promise<void> {
  for (const batch of chunks(entries)) {
    const ids = batch.map((entry) => entry.deviceId);
    const times = batch.map((entry) => entry.at.toISOString());
    await context.prisma.$executeRaw`
      UPDATE "Device" AS d
      SET online = false, "lastSeenAt" = closed.at AT TIME ZONE 'UTC'
      FROM unnest(${ids}::text[], ${times}::timestamptz[]) AS closed(id, at)
      WHERE d.id = closed.id
        AND (d."lastSeenAt" IS NULL OR d."lastSeenAt" <= closed.at AT TIME ZONE 'UTC')`;
  }
}

/**
 * Returns the ids, among the given connections, whose token no longer matches the device: the
 * device was deleted, or its token revoked or rotated.
 */
export async function findInvalidAgentTokens(
  context: Pick<DomainContext, 'prisma'>,
  connections: readonly { deviceId: string; tokenHash: string }[],
): Promise<string[]> {
  const invalid: string[] = [];
  for (const batch of chunks(connections)) {
    const ids = batch.map((connection) => connection.deviceId);
    const hashes = batch.map((connection) => connection.tokenHash);
    const rows = await context.prisma.$queryRaw<{ id: string }[]>`
      SELECT held.id
      FROM unnest(${ids}::text[], ${hashes}::text[]) AS held(id, token_hash)
      LEFT JOIN "Device" AS d ON d.id = held.id
      WHERE d.id IS NULL OR d."tokenRevokedAt" IS NOT NULL OR d."tokenHash" <> held.token_hash`;
    invalid.push(...rows.map((row) => row.id));
  }
  return invalid;
}
