import { writeAudit } from '../audit.js';
import { type Actor, type DomainContext, inTransaction } from '../context.js';

const schedulerActor: Actor = { kind: 'system', id: 'scheduler' };
const batchSize = 200;

/**
 * Marks SUSPENDED every APPLIED device session of an ACTIVE Internet-Access-Required request whose
 * device has been silent for more than offlineRevokeAfterSeconds. The agent has lowered the
 * account on its own by then. Silence is measured from Device.lastSeenAt, which the gateway
 * refreshes from agent messages in batches. The online flag is not consulted, because a connection
 * that died without a close frame may still read as online. A device never seen counts as silent.
 *
 * Each session is updated only while it is still APPLIED, in a transaction with its audit row, so
 * two server processes running this at once suspend it once. Returns the sessions suspended.
 */
export async function suspendSilentDeviceSessions(context: DomainContext): Promise<number> {
  const now = context.clock.now();
  const silentSince = new Date(now.getTime() - context.config.offlineRevokeAfterSeconds * 1000);
  const suspended: SilentSession[] = [];
  let afterId: string | undefined;
  for (;;) {
    const candidates = await findSilentSessions(context, silentSince, afterId);
    for (const session of candidates) {
      if (await suspendSession(context, session, now)) suspended.push(session);
    }
    if (candidates.length < batchSize) break;
    afterId = candidates[candidates.length - 1]!.id;
  }
  if (suspended.length === 0) return 0;

  context.notifier.devicesChanged([...new Set(suspended.map((session) => session.deviceId))]);
  for (const requestId of new Set(suspended.map((session) => session.requestId))) {
    context.publisher.publishRequestChange({
      action: 'DEVICE_SUSPENDED',
      requestId,
      status: 'ACTIVE',
    });
  }
  context.log.info(
    {
      sessions: suspended.length,
      offlineRevokeAfterSeconds: context.config.offlineRevokeAfterSeconds,
    },
    'silent device sessions suspended',
  );
  return suspended.length;
}

interface SilentSession {
  id: string;
  requestId: string;
  deviceId: string;
  device: { lastSeenAt: Date | null };
}

function findSilentSessions(
  context: DomainContext,
  silentSince: Date,
  afterId: string | undefined,
): Promise<SilentSession[]> {
  return context.prisma.deviceSession.findMany({
    where: {
      state: 'APPLIED',
      request: { status: 'ACTIVE', internetAccessRequired: true },
      device: { OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: silentSince } }] },
      ...(afterId && { id: { gt: afterId } }),
    },
    select: { id: true, requestId: true, deviceId: true, device: { select: { lastSeenAt: true } } },
    orderBy: { id: 'asc' },
    take: batchSize,
  });
}

/** Suspends one session if it is still APPLIED; returns whether this call changed it. */
function suspendSession(context: DomainContext, session: SilentSession, now: Date) {
  return inTransaction(context, async (tx) => {
    const { count } = await tx.deviceSession.updateMany({
      where: { id: session.id, state: 'APPLIED' },
      data: { state: 'SUSPENDED' },
    });
    if (count === 0) return false;
    await writeAudit(tx, {
      actor: schedulerActor,
      action: 'device-session.suspended',
      at: now,
      requestId: session.requestId,
      deviceId: session.deviceId,
      details: {
        sessionId: session.id,
        lastSeenAt: session.device.lastSeenAt?.toISOString() ?? null,
        offlineRevokeAfterSeconds: context.config.offlineRevokeAfterSeconds,
      },
    });
    return true;
  });
}
