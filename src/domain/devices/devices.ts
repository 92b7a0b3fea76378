import type { Device, DeviceGroup } from '../../generated/prisma/client.js';
import { writeAudit } from '../audit.js';
import { type Actor, type DomainContext, inTransaction, type Transaction } from '../context.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { refreshTargetNamesOfGroups } from '../requests/targets.js';
import { maxNameLength, requireAccountName, requireText } from '../requests/validation.js';
import { generateAgentToken, hashAgentToken } from './agent-token.js';

export const platforms = ['macos', 'linux', 'windows'] as const;

/** Most local accounts one device may exclude from lowering. */
export const maxExcludedAccounts = 100;

export interface EnrollDeviceInput {
  name: string;
  serialNumber?: string | null;
  platform: string;
  deviceGroupIds?: string[] | null;
}

/**
 * Enrolls a device and issues its agent token. The token is returned once and only its hash is
 * stored, so a lost token is replaced with rotateAgentToken, never read back.
 */
export async function enrollDevice(
  context: DomainContext,
  actor: Actor,
  input: EnrollDeviceInput,
): Promise<{ device: Device; agentToken: string }> {
  const name = requireText('name', input.name, maxNameLength);
  const serialNumber = input.serialNumber?.trim()
    ? requireText('serialNumber', input.serialNumber, 64)
    : null;
  const platform = input.platform.trim().toLowerCase();
  if (!(platforms as readonly string[]).includes(platform)) {
    throw new ValidationError(
      'platform',
      `Platform '${input.platform}' is not supported; use one of ${platforms.join(', ')}.`,
    );
  }
  const agentToken = generateAgentToken();
  const now = context.clock.now();

  const device = await inTransaction(context, async (tx) => {
    if (serialNumber) {
      const existing = await tx.device.findUnique({
        where: { serialNumber },
        select: { id: true },
      });
      if (existing) {
        throw new ValidationError(
          'serialNumber',
          `Serial number '${serialNumber}' is already enrolled as device '${existing.id}'.`,
        );
      }
    }
    const groupIds = await requireGroups(tx, input.deviceGroupIds ?? []);
    const created = await tx.device.create({
      data: {
        name,
        serialNumber,
        platform,
        tokenHash: hashAgentToken(agentToken),
        createdAt: now,
        memberships: { create: groupIds.map((groupId) => ({ groupId })) },
      },
    });
    await refreshTargetNamesOfGroups(tx, groupIds);
    await writeAudit(tx, {
      actor,
      action: 'device.enrolled',
      at: now,
      deviceId: created.id,
      details: { name, platform, groupIds },
    });
    return created;
  }).catch(
    rethrowDuplicate(
      'serialNumber',
      `Serial number '${serialNumber}' was enrolled by a concurrent request; look it up with the devices query.`,
    ),
  );
  context.log.info({ deviceId: device.id }, 'device enrolled');
  return { device, agentToken };
}

/** Issues a new agent token for a device; the old one stops working at once. */
export async function rotateAgentToken(context: DomainContext, actor: Actor, deviceId: string) {
  const agentToken = generateAgentToken();
  const now = context.clock.now();
  const device = await inTransaction(context, async (tx) => {
    await requireDevice(tx, deviceId);
    const updated = await tx.device.update({
      where: { id: deviceId },
      data: { tokenHash: hashAgentToken(agentToken), tokenRevokedAt: null },
    });
    await writeAudit(tx, { actor, action: 'device.token-rotated', at: now, deviceId });
    return updated;
  });
  // The gateway checks the token again for every notified device, so the old connection closes now.
  context.notifier.devicesChanged([deviceId]);
  return { device, agentToken };
}

/** Revokes a device's agent token: the agent is refused from now on and the device is no longer targeted. */
export async function revokeAgentToken(
  context: DomainContext,
  actor: Actor,
  deviceId: string,
): Promise<Device> {
  const now = context.clock.now();
  const device = await inTransaction(context, async (tx) => {
    await requireDevice(tx, deviceId);
    const updated = await tx.device.update({
      where: { id: deviceId },
      data: { tokenRevokedAt: now, online: false },
    });
    await writeAudit(tx, { actor, action: 'device.token-revoked', at: now, deviceId });
    return updated;
  });
  context.notifier.devicesChanged([deviceId]);
  return device;
}

/** Finds the device a presented agent token belongs to; null for unknown or revoked tokens. */
export async function authenticateAgentToken(
  context: Pick<DomainContext, 'prisma'>,
  token: string,
): Promise<Device | null> {
  if (!token) return null;
  const device = await context.prisma.device.findUnique({
    where: { tokenHash: hashAgentToken(token) },
  });
  if (!device || device.tokenRevokedAt) return null;
  return device;
}

/** Sets the local accounts a device's agent must never lower (for example the owner's admin account). */
export async function setExcludedAccounts(
  context: DomainContext,
  actor: Actor,
  deviceId: string,
  accounts: string[],
) {
  const names = [...new Set(accounts.map((account) => account.trim()).filter(Boolean))].map(
    (account) => requireAccountName('accounts', account),
  );
  if (names.length > maxExcludedAccounts) {
    throw new ValidationError(
      'accounts',
      `${names.length} excluded accounts were given; a device may have at most ${maxExcludedAccounts}.`,
    );
  }
  const now = context.clock.now();
  const device = await inTransaction(context, async (tx) => {
    await requireDevice(tx, deviceId);
    const updated = await tx.device.update({
      where: { id: deviceId },
      data: { excludedAccounts: names },
    });
    await writeAudit(tx, {
      actor,
      action: 'device.exclusions-changed',
      at: now,
      deviceId,
      details: { excludedAccounts: names },
    });
    return updated;
  });
  context.notifier.devicesChanged([deviceId]);
  return device;
}

export async function createDeviceGroup(
  context: DomainContext,
  actor: Actor,
  input: { name: string; deviceIds?: string[] | null },
): Promise<DeviceGroup> {
  const name = requireText('name', input.name, maxNameLength);
  const now = context.clock.now();
  return inTransaction(context, async (tx) => {
    const existing = await tx.deviceGroup.findUnique({ where: { name }, select: { id: true } });
    if (existing)
      throw new ValidationError(
        'name',
        `A device group named '${name}' already exists ('${existing.id}').`,
      );
    const deviceIds = await requireDevices(tx, input.deviceIds ?? []);
    const group = await tx.deviceGroup.create({
      data: {
        name,
        createdAt: now,
        members: { create: deviceIds.map((deviceId) => ({ deviceId })) },
      },
    });
    await writeAudit(tx, {
      actor,
      action: 'group.created',
      at: now,
      details: { groupId: group.id, name, deviceIds },
    });
    return group;
  }).catch(
    rethrowDuplicate('name', `A device group named '${name}' was created by a concurrent request.`),
  );
}

/**
 * Adds and removes group members in one step. Requests already running keep their devices, and
 * requests that ended keep theirs. Requests that have not started cover the new members.
 */
export async function updateDeviceGroupMembers(
  context: DomainContext,
  actor: Actor,
  input: {
    deviceGroupId: string;
    addDeviceIds?: string[] | null;
    removeDeviceIds?: string[] | null;
  },
): Promise<DeviceGroup> {
  const now = context.clock.now();
  const group = await inTransaction(context, async (tx) => {
    const found = await tx.deviceGroup.findUnique({ where: { id: input.deviceGroupId } });
    if (!found) throw new NotFoundError(`Device group '${input.deviceGroupId}' was not found.`);
    const added = await requireDevices(tx, input.addDeviceIds ?? [], 'addDeviceIds');
    const removed = await requireDevices(tx, input.removeDeviceIds ?? [], 'removeDeviceIds');
    await tx.deviceGroupMember.createMany({
      data: added.map((deviceId) => ({ deviceId, groupId: found.id })),
      skipDuplicates: true,
    });
    await tx.deviceGroupMember.deleteMany({
      where: { groupId: found.id, deviceId: { in: removed } },
    });
    await refreshTargetNamesOfGroups(tx, [found.id]);
    await writeAudit(tx, {
      actor,
      action: 'group.members-changed',
      at: now,
      details: { groupId: found.id, added, removed },
    });
    return found;
  });
  context.notifier.settingsChanged([
    ...(input.addDeviceIds ?? []),
    ...(input.removeDeviceIds ?? []),
  ]);
  return group;
}

async function requireDevice(tx: Transaction, deviceId: string): Promise<void> {
  const device = await tx.device.findUnique({ where: { id: deviceId }, select: { id: true } });
  if (!device) throw new NotFoundError(`Device '${deviceId}' was not found.`);
}

async function requireDevices(
  tx: Transaction,
  ids: string[],
  field = 'deviceIds',
): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = await tx.device.findMany({ where: { id: { in: unique } }, select: { id: true } });
  const known = new Set(found.map((device) => device.id));
  const missing = unique.find((id) => !known.has(id));
  if (missing !== undefined)
    throw new ValidationError(
      field,
      `Device '${missing}' does not exist; check the id with the devices query.`,
    );
  return unique;
}

async function requireGroups(tx: Transaction, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = await tx.deviceGroup.findMany({
    where: { id: { in: unique } },
    select: { id: true },
  });
  const known = new Set(found.map((group) => group.id));
  const missing = unique.find((id) => !known.has(id));
  if (missing !== undefined) {
    throw new ValidationError(
      'deviceGroupIds',
      `Device group '${missing}' does not exist; check the id with the deviceGroups query.`,
    );
  }
  return unique;
}

/**
 * Turns a unique-constraint violation (Prisma P2002) into a ValidationError. The checks before
 * each insert catch duplicates; this covers two requests that pass those checks at the same time.
 */
function rethrowDuplicate(field: string, message: string) {
  return (error: unknown): never => {
    if ((error as { code?: unknown } | null)?.code === 'P2002') {
      throw new ValidationError(field, message);
    }
    throw error;
  };
}
