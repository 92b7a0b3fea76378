import { ValidationError } from '../errors.js';
import type { Transaction } from '../context.js';
import { maxTargets } from './validation.js';

/** Device names kept in a request's search text; group names are always kept. */
export const maxSearchableDeviceNames = 500;

export interface TargetSelection {
  deviceIds: string[];
  deviceGroupIds: string[];
  /** Device and group names, joined, for free-text search. */
  targetNames: string;
}

/**
 * Checks that every named device and group exists and that no named device has a revoked agent
 * token; at least one target is required.
 */
export async function requireTargets(
  tx: Transaction,
  deviceIds: readonly string[] = [],
  deviceGroupIds: readonly string[] = [],
): Promise<TargetSelection> {
  const uniqueDevices = [...new Set(deviceIds)];
  const uniqueGroups = [...new Set(deviceGroupIds)];
  if (uniqueDevices.length + uniqueGroups.length === 0) {
    throw new ValidationError(
      'deviceIds',
      'Name at least one target in deviceIds or deviceGroupIds.',
    );
  }
  if (uniqueDevices.length + uniqueGroups.length > maxTargets) {
    throw new ValidationError(
      'deviceIds',
      `A request may name at most ${maxTargets} devices and groups.`,
    );
  }

  const devices = await tx.device.findMany({
    where: { id: { in: uniqueDevices } },
    select: { id: true, name: true, tokenRevokedAt: true },
  });
  const foundDevices = new Map(devices.map((device) => [device.id, device]));
  const missingDevice = uniqueDevices.find((id) => !foundDevices.has(id));
  if (missingDevice !== undefined) {
    throw new ValidationError(
      'deviceIds',
      `Device '${missingDevice}' does not exist; check the id with the devices query.`,
    );
  }
  // A revoked device is never elevated (resolveTargetDevices leaves it out), so naming one
  // directly would create a request that cannot apply anywhere.
  const revoked = devices.find((device) => device.tokenRevokedAt !== null);
  if (revoked) {
    throw new ValidationError(
      'deviceIds',
      `Device '${revoked.id}' (${revoked.name}) has a revoked agent token; rotate its token before targeting it.`,
    );
  }

  const groups = await tx.deviceGroup.findMany({
    where: { id: { in: uniqueGroups } },
    select: {
      id: true,
      name: true,
      members: { select: { device: { select: { name: true } } }, take: maxSearchableDeviceNames },
    },
  });
  const foundGroups = new Map(groups.map((group) => [group.id, group]));
  const missingGroup = uniqueGroups.find((id) => !foundGroups.has(id));
  if (missingGroup !== undefined) {
    throw new ValidationError(
      'deviceGroupIds',
      `Device group '${missingGroup}' does not exist; check the id with the deviceGroups query.`,
    );
  }

  const names = new Set<string>();
  for (const device of devices) names.add(device.name);
  for (const group of groups) {
    names.add(group.name);
    for (const member of group.members) names.add(member.device.name);
  }
  return {
    deviceIds: uniqueDevices,
    deviceGroupIds: uniqueGroups,
    targetNames: [...names].join(' '),
  };
}

/**
 * Resolves a request's targets to device ids as they are now: named devices plus the current
 * members of named groups. Devices whose token was revoked are left out.
 */
export async function resolveTargetDevices(
  tx: Transaction,
  requestId: string,
): Promise<{ id: string; name: string }[]> {
  const targets = await tx.jitRequestTarget.findMany({
    where: { requestId },
    select: { deviceId: true, groupId: true },
  });
  const deviceIds = targets.flatMap((target) => (target.deviceId ? [target.deviceId] : []));
  const groupIds = targets.flatMap((target) => (target.groupId ? [target.groupId] : []));
  return tx.device.findMany({
    where: {
      tokenRevokedAt: null,
      OR: [{ id: { in: deviceIds } }, { memberships: { some: { groupId: { in: groupIds } } } }],
    },
    select: { id: true, name: true },
    orderBy: { id: 'asc' },
  });
}

/**
 * Returns the names a request is found by in search: its group names and up to
 * maxSearchableDeviceNames names of the devices its targets resolve to now.
 */
export async function currentTargetNames(tx: Transaction, requestId: string): Promise<string> {
  const rows = await tx.$queryRaw<{ name: string }[]>`
    (SELECT g.name
       FROM "JitRequestTarget" t JOIN "DeviceGroup" g ON g.id = t."groupId"
      WHERE t."requestId" = ${requestId})
    UNION
    (SELECT d.name
       FROM "JitRequestTarget" t
       LEFT JOIN "DeviceGroupMember" m ON m."groupId" = t."groupId"
       JOIN "Device" d ON d.id = coalesce(t."deviceId", m."deviceId")
      WHERE t."requestId" = ${requestId}
      LIMIT ${maxSearchableDeviceNames})`;
  return rows.map((row) => row.name).join(' ');
}

/**
 * Records the devices a request covers as it ends without starting: its named devices and the
 * members of its groups at this moment. Returns the search names to store with the change.
 */
export async function recordPastDevices(
  tx: Transaction,
  requestId: string,
): Promise<{ targetNames: string }> {
  await tx.$executeRaw`
    INSERT INTO "PastRequestDevice" ("requestId", "deviceId")
    SELECT DISTINCT t."requestId", coalesce(t."deviceId", m."deviceId")
      FROM "JitRequestTarget" t
      LEFT JOIN "DeviceGroupMember" m ON m."groupId" = t."groupId"
     WHERE t."requestId" = ${requestId}
       AND coalesce(t."deviceId", m."deviceId") IS NOT NULL
    ON CONFLICT DO NOTHING`;
  return { targetNames: await currentTargetNames(tx, requestId) };
}

/**
 * Recomputes the search names of requests that have not started and target one of `groupIds`,
 * after the groups' members changed, so that search finds them by their current devices.
 */
export async function refreshTargetNamesOfGroups(
  tx: Transaction,
  groupIds: readonly string[],
): Promise<void> {
  if (groupIds.length === 0) return;
  const requests = await tx.jitRequest.findMany({
    where: {
      status: { in: ['PENDING', 'SCHEDULED'] },
      targets: { some: { groupId: { in: [...groupIds] } } },
    },
    select: { id: true },
  });
  for (const { id } of requests) {
    const targetNames = await currentTargetNames(tx, id);
    await tx.jitRequest.update({ where: { id }, data: { targetNames } });
  }
}
