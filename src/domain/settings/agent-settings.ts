import type { AgentSettings as AgentSettingsRow } from '../../generated/prisma/client.js';
import { writeAudit } from '../audit.js';
import { type Actor, type DomainContext, inTransaction } from '../context.js';
import { NotFoundError, ValidationError } from '../errors.js';

export interface AgentSettingsValues {
  dailyRequestLimit: number;
  jitSectionVisible: boolean;
  requestSubmissionEnabled: boolean;
}

export const maxDailyRequestLimit = 1000;

function valuesOf(row: AgentSettingsRow): AgentSettingsValues {
  return {
    dailyRequestLimit: row.dailyRequestLimit,
    jitSectionVisible: row.jitSectionVisible,
    requestSubmissionEnabled: row.requestSubmissionEnabled,
  };
}

async function globalSettings(
  context: Pick<DomainContext, 'prisma'>,
): Promise<AgentSettingsValues> {
  const row = await context.prisma.agentSettings.findFirst({ where: { deviceGroupId: null } });
  // The first migration inserts the global row; these defaults only cover a hand-edited database.
  return row
    ? valuesOf(row)
    : { dailyRequestLimit: 3, jitSectionVisible: true, requestSubmissionEnabled: true };
}

/** Returns a group's own settings, or the global default when the group has none or no group is given. */
export async function getAgentSettings(
  context: Pick<DomainContext, 'prisma'>,
  deviceGroupId?: string | null,
): Promise<AgentSettingsValues> {
  if (!deviceGroupId) return globalSettings(context);
  const group = await context.prisma.deviceGroup.findUnique({
    where: { id: deviceGroupId },
    select: { settings: true },
  });
  if (!group) throw new NotFoundError(`Device group '${deviceGroupId}' was not found.`);
  return group.settings ? valuesOf(group.settings) : globalSettings(context);
}

/**
 * Settings in force on one device. A device in several groups with their own settings gets the
 * strictest combination: the lowest daily limit, and a switch is on only if every group has it on.
 * A device in no such group follows the global default.
 */
export async function getEffectiveSettings(
  context: Pick<DomainContext, 'prisma'>,
  deviceId: string,
): Promise<AgentSettingsValues> {
  const rows = await context.prisma.agentSettings.findMany({
    where: { group: { members: { some: { deviceId } } } },
  });
  if (rows.length === 0) return globalSettings(context);
  return rows.map(valuesOf).reduce((strictest, next) => ({
    dailyRequestLimit: Math.min(strictest.dailyRequestLimit, next.dailyRequestLimit),
    jitSectionVisible: strictest.jitSectionVisible && next.jitSectionVisible,
    requestSubmissionEnabled: strictest.requestSubmissionEnabled && next.requestSubmissionEnabled,
  }));
}

export interface UpdateAgentSettingsInput {
  deviceGroupId?: string | null;
  dailyRequestLimit?: number | null;
  jitSectionVisible?: boolean | null;
  requestSubmissionEnabled?: boolean | null;
}

/** Changes the global default (no group) or one group's settings; absent fields keep their value. */
export async function updateAgentSettings(
  context: DomainContext,
  actor: Actor,
  input: UpdateAgentSettingsInput,
): Promise<AgentSettingsValues> {
  const limit = input.dailyRequestLimit;
  if (
    limit !== null &&
    limit !== undefined &&
    (!Number.isInteger(limit) || limit < 0 || limit > maxDailyRequestLimit)
  ) {
    throw new ValidationError(
      'dailyRequestLimit',
      `dailyRequestLimit ${limit} is outside 0 to ${maxDailyRequestLimit}.`,
    );
  }
  const now = context.clock.now();
  const groupId = input.deviceGroupId ?? null;
  const updated = await inTransaction(context, async (tx) => {
    const base = groupId
      ? await tx.agentSettings.findUnique({ where: { deviceGroupId: groupId } })
      : null;
    if (groupId) {
      const group = await tx.deviceGroup.findUnique({
        where: { id: groupId },
        select: { id: true },
      });
      if (!group) throw new NotFoundError(`Device group '${groupId}' was not found.`);
    }
    const current = base ? valuesOf(base) : await globalSettings({ prisma: tx as never });
    const next: AgentSettingsValues = {
      dailyRequestLimit: limit ?? current.dailyRequestLimit,
      jitSectionVisible: input.jitSectionVisible ?? current.jitSectionVisible,
      requestSubmissionEnabled: input.requestSubmissionEnabled ?? current.requestSubmissionEnabled,
    };
    if (groupId) {
      await tx.agentSettings.upsert({
        where: { deviceGroupId: groupId },
        create: { deviceGroupId: groupId, ...next },
        update: next,
      });
    } else {
      await tx.agentSettings.updateMany({ where: { deviceGroupId: null }, data: next });
    }
    await writeAudit(tx, {
      actor,
      action: 'settings.updated',
      at: now,
      details: { deviceGroupId: groupId, from: { ...current }, to: { ...next } },
    });
    return next;
  });
  if (groupId) {
    const members = await context.prisma.deviceGroupMember.findMany({
      where: { groupId },
      select: { deviceId: true },
    });
    context.notifier.settingsChanged(members.map((member) => member.deviceId));
  } else {
    context.notifier.settingsChanged();
  }
  return updated;
}
