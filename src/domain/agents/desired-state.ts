import type { Prisma } from '../../db/client.js';
import type { DeviceSessionState, JitStatus } from '../../generated/prisma/enums.js';
import { writeAudit } from '../audit.js';
import { type Actor, type DomainContext, inTransaction, type Transaction } from '../context.js';
import { remainingSeconds } from '../requests/lifecycle.js';
import {
  type AgentCommandPayload,
  type AgentCommandRow,
  type LowerReason,
  lockDeviceCommands,
  payloadOf,
} from './commands.js';

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
  /** Commands in this state that were never sent; mark them with markCommandsSent once sent. */
  unsentCommandIds: string[];
}

interface SessionRow {
  id: string;
  state: DeviceSessionState;
  requestId: string;
  request: {
    status: JitStatus;
    expiresAt: Date | null;
    userAccountName: string;
    internetAccessRequired: boolean;
  };
}

interface Snapshot {
  device: {
    id: string;
    tokenHash: string;
    tokenRevokedAt: Date | null;
    excludedAccounts: string[];
  };
  sessions: SessionRow[];
  /** Unacknowledged commands of the device. */
  pending: AgentCommandRow[];
  /** Latest apply command per session, for sessions without a pending one. */
  lastApplyIds: Map<string, string>;
}

interface NewCommand {
  key: string;
  sessionId: string | null;
  kind: 'apply' | 'lower';
  payload: AgentCommandPayload;
}

/** The outcome of comparing a device's sessions with its commands, before any write. */
interface Plan {
  sessions: (Omit<HeldSession, 'commandId'> & { commandId: string | NewCommand })[];
  lower: (Omit<PendingLower, 'commandId'> & { commandId: string | NewCommand })[];
  create: NewCommand[];
  /** Pending commands that no longer apply, acknowledged as superseded. */
  supersede: string[];
  /** Sessions of excluded accounts that ended: closed without lowering anything. */
  closeExcluded: SessionRow[];
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
  const now = context.clock.now();
  const snapshot = await readSnapshot(context.prisma, deviceId);
  if (!snapshot) return null;
  let plan = planDesiredState(snapshot, now, context.config.excludedAccounts);
  let created = new Map<string, string>();

  if (needsWrites(plan)) {
    const result = await inTransaction(context, async (tx) => {
      await lockDeviceCommands(tx, deviceId);
      // Read again under the lock: another replica or change may have written meanwhile.
      const fresh = await readSnapshot(tx, deviceId);
      if (!fresh) return null;
      const freshPlan = planDesiredState(fresh, now, context.config.excludedAccounts);
      return { plan: freshPlan, created: await writePlan(tx, deviceId, freshPlan, now) };
    });
    if (!result) return null;
    ({ plan, created } = result);
    publishClosedSessions(context, plan.closeExcluded);
  }
  return buildDesiredState(snapshot, plan, created, now, context.config.excludedAccounts);
}

async function readSnapshot(db: Transaction, deviceId: string): Promise<Snapshot | null> {
  const device = await db.device.findUnique({
    where: { id: deviceId },
    select: { id: true, tokenHash: true, tokenRevokedAt: true, excludedAccounts: true },
  });
  if (!device) return null;

  const pending = await db.agentCommand.findMany({
    where: { deviceId, ackedAt: null },
    select: { id: true, sessionId: true, kind: true, payload: true, sentAt: true, ackedAt: true },
    orderBy: { createdAt: 'asc' },
  });
  const pendingSessionIds = pending.flatMap((command) =>
    command.sessionId ? [command.sessionId] : [],
  );
  // APPLIED and SUSPENDED sessions stay here until lowered; WAITING ones only while they can
  // still start, or while an apply command that may have been carried out is outstanding.
  const sessions = await db.deviceSession.findMany({
    where: {
      deviceId,
      OR: [
        { state: { in: ['APPLIED', 'SUSPENDED'] } },
        { state: 'WAITING', request: { status: 'ACTIVE' } },
        { id: { in: pendingSessionIds } },
      ],
    },
    select: {
      id: true,
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

  const lastApplyIds = await findLastApplyIds(db, sessions, pending);
  return { device, sessions, pending, lastApplyIds };
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

/** Union of the device's exclusion list and the server-wide one. */
export function excludedAccountsOf(deviceList: readonly string[], serverList: readonly string[]) {
  return [...new Set([...deviceList, ...serverList])].sort();
}

function isHoldable(session: SessionRow, now: Date): boolean {
  const { status, expiresAt } = session.request;
  return status === 'ACTIVE' && expiresAt !== null && expiresAt.getTime() > now.getTime();
}

/** Decides, without writing, what the device must hold and lower and which commands to change. */
function planDesiredState(snapshot: Snapshot, now: Date, serverExcluded: string[]): Plan {
  const excluded = new Set(excludedAccountsOf(snapshot.device.excludedAccounts, serverExcluded));
  const plan: Plan = { sessions: [], lower: [], create: [], supersede: [], closeExcluded: [] };
  const pendingOf = (sessionId: string, kind: string) =>
    snapshot.pending.find((command) => command.sessionId === sessionId && command.kind === kind);
  const newCommand = (command: Omit<NewCommand, 'key'>): NewCommand => {
    const created = { ...command, key: `${command.kind}:${command.sessionId}` };
    plan.create.push(created);
    return created;
  };

  // Holds first: an account held by any live session is never lowered for another one.
  const heldAccounts = new Set<string>();
  for (const session of snapshot.sessions) {
    if (!isHoldable(session, now) || session.state === 'REMOVED' || session.state === 'FAILED') {
      continue;
    }
    const { userAccountName, expiresAt, internetAccessRequired } = session.request;
    const pendingApply = pendingOf(session.id, 'apply');
    const pendingLower = pendingOf(session.id, 'lower');
    if (pendingLower) plan.supersede.push(pendingLower.id);
    const acknowledgedApply =
      session.state === 'APPLIED' ? snapshot.lastApplyIds.get(session.id) : undefined;
    const commandId =
      pendingApply?.id ??
      acknowledgedApply ??
      newCommand({
        sessionId: session.id,
        kind: 'apply',
        payload: {
          userAccountName,
          requestId: session.requestId,
          ...(session.state === 'SUSPENDED' && { reapply: true }),
        },
      });
    heldAccounts.add(userAccountName);
    plan.sessions.push({
      commandId,
      pending: commandId !== acknowledgedApply,
      deviceSessionId: session.id,
      requestId: session.requestId,
      userAccountName,
      remainingSeconds: remainingSeconds(expiresAt!, now),
      expiresAt: expiresAt!,
      internetAccessRequired,
    });
  }

  for (const session of snapshot.sessions) {
    if (isHoldable(session, now) && session.state !== 'REMOVED' && session.state !== 'FAILED') {
      continue;
    }
    planEndedSession(plan, session, {
      pendingApply: pendingOf(session.id, 'apply'),
      pendingLower: pendingOf(session.id, 'lower'),
      excluded,
      heldAccounts,
      newCommand,
    });
  }

  // Drift lowers carry no session; drop those whose account is now excluded or held.
  for (const command of snapshot.pending) {
    if (command.kind !== 'lower' || command.sessionId !== null) continue;
    const payload = payloadOf(command);
    if (excluded.has(payload.userAccountName) || heldAccounts.has(payload.userAccountName)) {
      plan.supersede.push(command.id);
      continue;
    }
    plan.lower.push({
      commandId: command.id,
      deviceSessionId: null,
      requestId: payload.requestId,
      userAccountName: payload.userAccountName,
      reason: 'drift',
    });
  }

  // Commands whose session vanished or was never loaded cannot be carried out meaningfully.
  const loaded = new Set(snapshot.sessions.map((session) => session.id));
  for (const command of snapshot.pending) {
    if (command.sessionId && !loaded.has(command.sessionId)) plan.supersede.push(command.id);
  }
  return plan;
}

function planEndedSession(
  plan: Plan,
  session: SessionRow,
  context: {
    pendingApply?: AgentCommandRow;
    pendingLower?: AgentCommandRow;
    excluded: Set<string>;
    heldAccounts: Set<string>;
    newCommand: (command: Omit<NewCommand, 'key'>) => NewCommand;
  },
): void {
  const { pendingApply, pendingLower, excluded, heldAccounts, newCommand } = context;
  const account = session.request.userAccountName;
  if (pendingApply) plan.supersede.push(pendingApply.id);

  // An apply that was sent may have been carried out without its ack reaching us.
  const mayBeElevated =
    session.state === 'APPLIED' ||
    session.state === 'SUSPENDED' ||
    (session.state === 'WAITING' && pendingApply?.sentAt != null);
  const keepLower = mayBeElevated && !excluded.has(account) && !heldAccounts.has(account);
  if (!keepLower) {
    if (pendingLower) plan.supersede.push(pendingLower.id);
    if (mayBeElevated && excluded.has(account)) plan.closeExcluded.push(session);
    return;
  }
  const reason: LowerReason = session.request.status === 'REVOKED' ? 'revoked' : 'ended';
  plan.lower.push({
    commandId:
      pendingLower?.id ??
      newCommand({
        sessionId: session.id,
        kind: 'lower',
        payload: { userAccountName: account, requestId: session.requestId, reason },
      }),
    deviceSessionId: session.id,
    requestId: session.requestId,
    userAccountName: account,
    reason,
  });
}

function needsWrites(plan: Plan): boolean {
  return plan.create.length > 0 || plan.supersede.length > 0 || plan.closeExcluded.length > 0;
}

/** Writes a plan inside the device's lock; returns the ids of the created commands by key. */
async function writePlan(
  tx: Transaction,
  deviceId: string,
  plan: Plan,
  now: Date,
): Promise<Map<string, string>> {
  const created = new Map<string, string>();
  if (plan.create.length > 0) {
    const rows = await tx.agentCommand.createManyAndReturn({
      data: plan.create.map((command) => ({
        deviceId,
        sessionId: command.sessionId,
        kind: command.kind,
        payload: command.payload as unknown as Prisma.InputJsonValue,
        createdAt: now,
      })),
      select: { id: true, sessionId: true, kind: true },
    });
    for (const row of rows) created.set(`${row.kind}:${row.sessionId}`, row.id);
  }
  for (const command of plan.create) {
    if (command.kind !== 'apply' || !command.payload.reapply) continue;
    const heldSession = plan.sessions.find((session) => session.commandId === command);
    await writeAudit(tx, {
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
  if (plan.supersede.length > 0) {
    await tx.agentCommand.updateMany({
      where: { id: { in: [...new Set(plan.supersede)] }, ackedAt: null },
      data: { ackedAt: now, result: { superseded: true } },
    });
  }
  for (const session of plan.closeExcluded) {
    await tx.deviceSession.update({
      where: { id: session.id },
      data: { state: 'REMOVED', removedAt: now },
    });
    await writeAudit(tx, {
      actor: gatewayActor,
      action: 'session.lower-skipped',
      at: now,
      requestId: session.requestId,
      deviceId,
      details: {
        deviceSessionId: session.id,
        userAccountName: session.request.userAccountName,
        reason: 'excluded account',
      },
    });
  }
  return created;
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
  const unsent = new Set(created.values());
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
  await context.prisma.agentCommand.updateMany({
    where: { id: { in: commandIds }, sentAt: null },
    data: { sentAt: context.clock.now() },
  });
}
