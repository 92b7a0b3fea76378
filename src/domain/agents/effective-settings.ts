import type { DomainContext } from '../context.js';
import { type AgentSettingsValues, getAgentSettings } from '../settings/agent-settings.js';

const batchSize = 2000;

/**
 * Settings in force on many devices at once, with the rule of getEffectiveSettings: the
 * strictest combination of the settings of a device's groups, or the global default for a device
 * in no group with settings of its own. Two queries per 2000 devices, so a global change pushed to
 * every connected agent does not cost a query per agent.
 */
export async function loadEffectiveSettings(
  context: Pick<DomainContext, 'prisma'>,
  deviceIds: readonly string[],
): Promise<Map<string, AgentSettingsValues>> {
  const result = new Map<string, AgentSettingsValues>();
  if (deviceIds.length === 0) return result;
  const global = await getAgentSettings(context, null);
  for (let start = 0; start < deviceIds.length; start += batchSize) {
    const ids = deviceIds.slice(start, start + batchSize);
    const rows = await context.prisma.agentSettings.findMany({
      where: { group: { members: { some: { deviceId: { in: ids } } } } },
      select: {
        dailyRequestLimit: true,
        jitSectionVisible: true,
        requestSubmissionEnabled: true,
        group: {
          select: { members: { where: { deviceId: { in: ids } }, select: { deviceId: true } } },
        },
      },
    });
    for (const row of rows) {
      const values: AgentSettingsValues = {
        dailyRequestLimit: row.dailyRequestLimit,
        jitSectionVisible: row.jitSectionVisible,
        requestSubmissionEnabled: row.requestSubmissionEnabled,
      };
      for (const member of row.group?.members ?? []) {
        const current = result.get(member.deviceId);
        result.set(member.deviceId, current ? strictest(current, values) : values);
      }
    }
  }
  for (const id of deviceIds) {
    if (!result.has(id)) result.set(id, global);
  }
  return result;
}

function strictest(a: AgentSettingsValues, b: AgentSettingsValues): AgentSettingsValues {
  return {
    dailyRequestLimit: Math.min(a.dailyRequestLimit, b.dailyRequestLimit),
    jitSectionVisible: a.jitSectionVisible && b.jitSectionVisible,
    requestSubmissionEnabled: a.requestSubmissionEnabled && b.requestSubmissionEnabled,
  };
}
