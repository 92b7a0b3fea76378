import { writeAudit } from '../audit.js';
import { type Actor, type DomainContext, inTransaction, type Transaction } from '../context.js';
import type { AgentDevice } from './acknowledgements.js';
import { lockDevicesCommands, payloadOf } from './commands.js';
import { excludedAccountsOf } from './desired-state-plan.js';

interface Drift {
  userAccountName: string;
  /** The request that last elevated this account on the device, if any. */
  requestId: string | null;
  requestStatus: string | null;
}

/**
 * Compares the administrator accounts an agent reports with the device's sessions. An account
 * that is elevated without a live session, not excluded and not already being lowered is drift:
 * it is audited, logged, published on its last request, and a lower command is persisted for it.
 * Returns the drifted accounts; the caller sends a new desired state when there are any.
 */
export async function reportElevatedAccounts(
  context: DomainContext,
  device: AgentDevice,
  elevatedAccounts: readonly string[],
): Promise<string[]> {
  if (elevatedAccounts.length === 0) return [];
  const candidates = await findDriftCandidates(
    context.prisma,
    context,
    device.id,
    elevatedAccounts,
  );
  if (candidates.length === 0) return [];

  const now = context.clock.now();
  const actor: Actor = { kind: 'device', deviceId: device.id, deviceName: device.name };
  const drifts = await inTransaction(context, async (tx) => {
    await lockDevicesCommands(tx, [device.id]);
    // Check again under the lock, so two reports at once create one command.
    const confirmed = await findDriftCandidates(tx, context, device.id, candidates);
    const found: Drift[] = [];
    for (const userAccountName of confirmed) {
      const drift = await lastRequestFor(tx, device.id, userAccountName);
      await tx.agentCommand.create({
        data: {
          deviceId: device.id,
          kind: 'lower',
          payload: { userAccountName, requestId: drift.requestId, reason: 'drift' },
          createdAt: now,
        },
      });
      await writeAudit(tx, {
        actor,
        action: 'device.drift-detected',
        at: now,
        requestId: drift.requestId ?? undefined,
        details: { userAccountName },
      });
      found.push(drift);
    }
    return found;
  });

  for (const drift of drifts) {
    context.log.warn(
      {
        deviceId: device.id,
        userAccountName: drift.userAccountName,
        jitRequestId: drift.requestId,
      },
      'account elevated without a session; lowering it',
    );
    if (drift.requestId && drift.requestStatus) {
      context.publisher.publishRequestChange({
        action: 'DRIFT_DETECTED',
        requestId: drift.requestId,
        status: drift.requestStatus,
      });
    }
  }
  return drifts.map((drift) => drift.userAccountName);
}

/** Reported accounts that are neither excluded, held by a session, nor already being lowered. */
async function findDriftCandidates(
  db: Transaction,
  context: Pick<DomainContext, 'config'>,
  deviceId: string,
  reported: readonly string[],
): Promise<string[]> {
  const device = await db.device.findUnique({
    where: { id: deviceId },
    select: { excludedAccounts: true },
  });
  if (!device) return [];
  const excluded = new Set(
    excludedAccountsOf(device.excludedAccounts, context.config.excludedAccounts),
  );
  const accounts = [...new Set(reported)].filter((account) => !excluded.has(account));
  if (accounts.length === 0) return [];

  // A WAITING session of a live request may be applied already, its ack still on the way.
  const known = await db.deviceSession.findMany({
    where: {
      deviceId,
      request: { userAccountName: { in: accounts } },
      OR: [
        { state: { in: ['APPLIED', 'SUSPENDED'] } },
        { state: 'WAITING', request: { status: 'ACTIVE' } },
      ],
    },
    select: { request: { select: { userAccountName: true } } },
  });
  const pending = await db.agentCommand.findMany({
    where: { deviceId, ackedAt: null },
    select: { payload: true },
  });
  const accounted = new Set([
    ...known.map((session) => session.request.userAccountName),
    ...pending.map((command) => payloadOf(command).userAccountName),
  ]);
  return accounts.filter((account) => !accounted.has(account));
}

async function lastRequestFor(
  tx: Transaction,
  deviceId: string,
  userAccountName: string,
): Promise<Drift> {
  const session = await tx.deviceSession.findFirst({
    where: { deviceId, request: { userAccountName } },
    select: { requestId: true, request: { select: { status: true } } },
    orderBy: { request: { requestedAt: 'desc' } },
  });
  return {
    userAccountName,
    requestId: session?.requestId ?? null,
    requestStatus: session?.request.status ?? null,
  };
}
