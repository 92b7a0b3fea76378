import type { AuditEntry } from '../audit.js';
import { type Actor, type DomainContext, inTransaction, type Transaction } from '../context.js';
import { writeAudits } from './audit-rows.js';
import { type AgentCommandRow, type LowerReason, lockDevicesCommands } from './commands.js';
import { retryOnConflict } from './retry.js';
import {
  excludedAccountsOf,
  type NewCommand,
  needsWrites,
  type Plan,
  planDesiredState,
  type SessionRow,
  type Snapshot,
} from './desired-state-plan.js';
/** One elevation a device must hold now. */
export interface HeldSession {
  commandId: string;
  /** False once the agent acknowledged the apply command. */
  pending: boolean;
  deviceSessionId: string;
  requestId: string;
  userAccountName: string;
  remainingSeconds: number;
  expiresAt: Date;
  internetAccessRequired: boolean;
}

/** One account a device must lower now. */
export interface PendingLower {
  commandId: string;
  deviceSessionId: string | null;
  requestId: string | null;
  userAccountName: string;
  reason: LowerReason;
}

/** Everything a device's agent must know about its elevations at one instant. */
export interface DesiredState {
  deviceId: string;
  /** Token state read with the rest, so the caller can drop a connection whose token changed. */
  tokenHash: string;
  tokenRevoked: boolean;
  at: Date;
  sessions: HeldSession[];
  lower: PendingLower[];
  /** The device's own exclusion list plus the server-wide one, sorted. */
  excludedAccounts: string[];
  /**
   * Commands in this state created elsewhere (drift) and never sent; mark them with
   * markCommandsSent once sent. Commands created by this computation are already marked.
   */
  unsentCommandIds: string[];
}

const gatewayActor: Actor = { kind: 'system', id: 'gateway' };

/**
 * Computes a device's desired state from its device sessions, creating the apply and lower
 * commands it lacks (persisted, so they survive a restart and are sent until acknowledged) and
 * retiring commands that no longer apply. A SUSPENDED session with time left gets a new apply
 * command for the rest of its window only. Returns null for an unknown device.
 */
export async function loadDesiredState(
  context: DomainContext,
  deviceId: string,
): Promise<DesiredState | null> {
  const states = await loadDesiredStates(context, [deviceId]);
  return states.get(deviceId) ?? null;
}

/**
 * Computes the desired states of many devices at once, as loadDesiredState does for one, with a
 * fixed number of statements per call whatever the number of devices. Unknown devices are left
 * out of the result.
 */
export async function loadDesiredStates(
  context: DomainContext,
  deviceIds: readonly string[],
): Promise<Map<string, DesiredState>> {
  const now = context.clock.now();
  const excluded = context.config.excludedAccounts;
  // Locks first, then one read: nothing can change the devices' commands between the read and
  // the writes, and a fan-out that must create commands reads each device once.
  const { snapshots, plans, created } = await retryOnConflict(() =>
    inTransaction(context, async (tx) => {
      await lockDevicesCommands(tx, deviceIds);
      const snapshots = await readSnapshots(tx, deviceIds);
      const plans = new Map<string, Plan>();
      for (const [deviceId, snapshot] of snapshots) {
        plans.set(deviceId, planDesiredState(snapshot, now, excluded));
      }
      const toWrite = new Map([...plans].filter(([, plan]) => needsWrites(plan)));
      const created = toWrite.size > 0 ? await writePlans(tx, toWrite, now) : new Map();
      return { snapshots, plans, created };
    }),
  );
  for (const plan of plans.values()) publishClosedSessions(context, plan.closeExcluded);

  const states = new Map<string, DesiredState>();
  for (const [deviceId, snapshot] of snapshots) {
    states.set(deviceId, buildDesiredState(snapshot, plans.get(deviceId)!, created, now, excluded));
  }
  return states;
}

async function readSnapshots(
  db: Transaction,
  deviceIds: readonly string[],
): Promise<Map<string, Snapshot>> {
  const ids = [...new Set(deviceIds)];
  const devices = await db.device.findMany({
    where: { id: { in: ids } },
    select: { id: true, tokenHash: true, tokenRevokedAt: true, excludedAccounts: true },
  });
  const snapshots = new Map<string, Snapshot>();
  if (devices.length === 0) return snapshots;
  for (const device of devices) {
    snapshots.set(device.id, { device, sessions: [], pending: [], lastApplyIds: new Map() });
  }
  const known = devices.map((device) => device.id);

  const pending = await db.agentCommand.findMany({
    where: { deviceId: { in: known }, ackedAt: null },
    select: {
      id: true,
      deviceId: true,
      sessionId: true,
      kind: true,
      payload: true,
      sentAt: true,
      ackedAt: true,
    },
    orderBy: { createdAt: 'asc' },
  });
  for (const command of pending) snapshots.get(command.deviceId)!.pending.push(command);

  const pendingSessionIds = pending.flatMap((command) =>
    command.sessionId ? [command.sessionId] : [],
  );
  // APPLIED and SUSPENDED sessions stay here until lowered; WAITING ones only while they can
  // still start, or while an apply command that may have been carried out is outstanding.
  const sessions = await db.deviceSession.findMany({
    where: {
      deviceId: { in: known },
      OR: [
        { state: { in: ['APPLIED', 'SUSPENDED'] } },
        { state: 'WAITING', request: { status: 'ACTIVE' } },
        { id: { in: pendingSessionIds } },
      ],
    },
    select: {
      id: true,
      deviceId: true,
      state: true,
      requestId: true,
      request: {
        select: {
          status: true,
          expiresAt: true,
          userAccountName: true,
          internetAccessRequired: true,
        },
      },
    },
    orderBy: { id: 'asc' },
  });
  for (const session of sessions) snapshots.get(session.deviceId)!.sessions.push(session);

  const lastApplyIds = await findLastApplyIds(db, sessions, pending);
  for (const session of sessions) {
    const commandId = lastApplyIds.get(session.id);
    if (commandId) snapshots.get(session.deviceId)!.lastApplyIds.set(session.id, commandId);
  }
  return snapshots;
}

/** Latest apply command of each APPLIED session that has no pending apply: its acknowledged one. */
async function findLastApplyIds(
  db: Transaction,
  sessions: SessionRow[],
  pending: AgentCommandRow[],
): Promise<Map<string, string>> {
  const withPendingApply = new Set(
    pending.filter((command) => command.kind === 'apply').map((command) => command.sessionId),
  );
  const sessionIds = sessions
    .filter((session) => session.state === 'APPLIED' && !withPendingApply.has(session.id))
    .map((session) => session.id);
  const lastApplyIds = new Map<string, string>();
  if (sessionIds.length === 0) return lastApplyIds;

  const applies = await db.agentCommand.findMany({
    where: { sessionId: { in: sessionIds }, kind: 'apply' },
    select: { id: true, sessionId: true },
    orderBy: { createdAt: 'desc' },
  });
  for (const command of applies) {
    if (command.sessionId && !lastApplyIds.has(command.sessionId)) {
      lastApplyIds.set(command.sessionId, command.id);
    }
  }
  return lastApplyIds;
}

/**
 * Writes the plans of several devices, inside their locks, in one statement per kind of change.
 * Returns the ids of the created commands by NewCommand key.
 */
async function writePlans(
  tx: Transaction,
  plans: Map<string, Plan>,
  now: Date,
): Promise<Map<string, string>> {
  const create: (NewCommand & { deviceId: string })[] = [];
  const supersede = new Set<string>();
  const closeExcluded: SessionRow[] = [];
  for (const [deviceId, plan] of plans) {
    for (const command of plan.create) create.push({ ...command, deviceId });
    for (const id of plan.supersede) supersede.add(id);
    closeExcluded.push(...plan.closeExcluded);
  }

  const created = new Map<string, string>();
  if (create.length > 0) {
    const rows = await insertCommands(tx, create, now);
    for (const row of rows) created.set(`${row.kind}:${row.sessionId}`, row.id);
  }
  if (supersede.size > 0) {
    await tx.agentCommand.updateMany({
      where: { id: { in: [...supersede] }, ackedAt: null },
      data: { ackedAt: now, result: { superseded: true } },
    });
  }
  if (closeExcluded.length > 0) {
    await tx.deviceSession.updateMany({
      where: { id: { in: closeExcluded.map((session) => session.id) } },
      data: { state: 'REMOVED', removedAt: now },
    });
  }
  await writeAudits(tx, [
    ...reapplyAudits(plans, created, now),
    ...closeExcluded.map((session) => excludedAudit(session, now)),
  ]);
  return created;
}

/**
 * Inserts commands with one array parameter per column, which costs far less than a parameter
 * per value on a fan-out of thousands. They are recorded as sent at creation, because the one
 * caller, the gateway, sends them as soon as this returns. A command that does not reach its
 * agent is sent again with the next desired state all the same.
 */
async function insertCommands(
  tx: Transaction,
  commands: readonly (NewCommand & { deviceId: string })[],
  now: Date,
): Promise<{ id: string; sessionId: string | null; kind: string }[]> {
  const at = now.toISOString();
  // Prisma stores DateTime as UTC timestamps without zone, hence AT TIME ZONE 'UTC'.
  return tx.$queryRaw`
    INSERT INTO "AgentCommand" ("deviceId", "sessionId", kind, payload, "createdAt", "sentAt")
    SELECT c.device_id, c.session_id, c.kind, c.payload::jsonb,
           ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(
      ${commands.map((command) => command.deviceId)}::text[],
      ${commands.map((command) => command.sessionId)}::text[],
      ${commands.map((command) => command.kind)}::text[],
      ${commands.map((command) => JSON.stringify(command.payload))}::text[]
    ) AS c(device_id, session_id, kind, payload)
    RETURNING id, "sessionId", kind`;
}

function reapplyAudits(plans: Map<string, Plan>, created: Map<string, string>, now: Date) {
  const entries: AuditEntry[] = [];
  for (const [deviceId, plan] of plans) {
    for (const command of plan.create) {
      if (command.kind !== 'apply' || !command.payload.reapply) continue;
      const heldSession = plan.sessions.find((session) => session.commandId === command);
      entries.push({
        actor: gatewayActor,
        action: 'session.reapply-sent',
        at: now,
        requestId: command.payload.requestId ?? undefined,
        deviceId,
        details: {
          deviceSessionId: command.sessionId,
          commandId: created.get(command.key) ?? null,
          remainingSeconds: heldSession?.remainingSeconds ?? null,
        },
      });
    }
  }
  return entries;
}

function excludedAudit(session: SessionRow, now: Date): AuditEntry {
  return {
    actor: gatewayActor,
    action: 'session.lower-skipped',
    at: now,
    requestId: session.requestId,
    deviceId: session.deviceId,
    details: {
      deviceSessionId: session.id,
      userAccountName: session.request.userAccountName,
      reason: 'excluded account',
    },
  };
}

function publishClosedSessions(context: DomainContext, sessions: SessionRow[]): void {
  for (const session of sessions) {
    context.publisher.publishRequestChange({
      action: 'SESSION_REMOVED',
      requestId: session.requestId,
      status: session.request.status,
    });
  }
}

function buildDesiredState(
  snapshot: Snapshot,
  plan: Plan,
  created: Map<string, string>,
  now: Date,
  serverExcluded: string[],
): DesiredState {
  const idOf = (commandId: string | NewCommand) =>
    typeof commandId === 'string' ? commandId : created.get(commandId.key)!;
  const unsent = new Set<string>();
  for (const command of snapshot.pending) {
    if (command.sentAt === null) unsent.add(command.id);
  }
  const sessions = plan.sessions.map((session) => ({
    ...session,
    commandId: idOf(session.commandId),
  }));
  const lower = plan.lower.map((entry) => ({ ...entry, commandId: idOf(entry.commandId) }));
  const listed = new Set([...sessions, ...lower].map((entry) => entry.commandId));
  return {
    deviceId: snapshot.device.id,
    tokenHash: snapshot.device.tokenHash,
    tokenRevoked: snapshot.device.tokenRevokedAt !== null,
    at: now,
    sessions,
    lower,
    excludedAccounts: excludedAccountsOf(snapshot.device.excludedAccounts, serverExcluded),
    unsentCommandIds: [...unsent].filter((id) => listed.has(id)),
  };
}

/** Records that commands went out for the first time (sentAt); later sends change nothing. */
export async function markCommandsSent(
  context: Pick<DomainContext, 'prisma' | 'clock'>,
  commandIds: string[],
): Promise<void> {
  if (commandIds.length === 0) return;
  // One array parameter: a fan-out to thousands of devices marks thousands of commands at once.
  await context.prisma.$executeRaw`
    UPDATE "AgentCommand"
    SET "sentAt" = ${context.clock.now().toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE id = ANY(${commandIds}::text[]) AND "sentAt" IS NULL`;
}
