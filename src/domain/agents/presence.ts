import type { DomainContext } from '../context.js';

/** Largest id list sent in one statement, to keep parameters and lock times modest. */
const batchSize = 2000;

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    result.push(items.slice(start, start + batchSize));
  }
  return result;
}

/** Marks devices online and seen at `at`, in one statement per 2000 devices. */
export async function markDevicesOnline(
  context: Pick<DomainContext, 'prisma'>,
  deviceIds: readonly string[],
  at: Date,
): Promise<void> {
  for (const ids of chunks(deviceIds)) {
    await context.prisma.device.updateMany({
      where: { id: { in: ids }, tokenRevokedAt: null },
      data: { online: true, lastSeenAt: at },
    });
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
    // Prisma stores DateTime as UTC timestamps without zone, hence AT TIME ZONE 'UTC'.
    await context.prisma.$executeRaw`
      UPDATE "Device" AS d
      SET online = false, "lastSeenAt" = closed.at AT TIME ZONE 'UTC'
      FROM unnest(${ids}::text[], ${times}::timestamptz[]) AS closed(id, at)
      WHERE d.id = closed.id
        AND (d."lastSeenAt" IS NULL OR d."lastSeenAt" <= closed.at AT TIME ZONE 'UTC')`;
  }
}

/**
 * Records that connected devices were heard from: lastSeenAt becomes `at` and online true. The
 * gateway calls this once per heartbeat interval for every device that sent anything, so idle
 * agents cost one UPDATE per interval in total, not one per heartbeat.
 */
export async function recordDevicesSeen(
  context: Pick<DomainContext, 'prisma'>,
  deviceIds: readonly string[],
  at: Date,
): Promise<void> {
  await markDevicesOnline(context, deviceIds, at);
}

/**
 * Returns the ids, among the given connections, whose token no longer matches the device: the
 * device was deleted, its token revoked or rotated.
 */
export async function findInvalidAgentTokens(
  context: Pick<DomainContext, 'prisma'>,
  connections: readonly { deviceId: string; tokenHash: string }[],
): Promise<string[]> {
  const invalid: string[] = [];
  for (const batch of chunks(connections)) {
    const devices = await context.prisma.device.findMany({
      where: { id: { in: batch.map((connection) => connection.deviceId) } },
      select: { id: true, tokenHash: true, tokenRevokedAt: true },
    });
    const byId = new Map(devices.map((device) => [device.id, device]));
    for (const connection of batch) {
      const device = byId.get(connection.deviceId);
      if (!device || device.tokenRevokedAt || device.tokenHash !== connection.tokenHash) {
        invalid.push(connection.deviceId);
      }
    }
  }
  return invalid;
}
