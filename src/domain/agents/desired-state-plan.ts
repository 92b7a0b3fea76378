// Deciding a device's desired state from its sessions and commands, without reading or writing:
// desired-state.ts reads the rows, calls planDesiredState and writes the changes the plan lists.
import type { DeviceSessionState, JitStatus } from '../../generated/prisma/enums.js';
import { remainingSeconds } from '../requests/lifecycle.js';
import {
  type AgentCommandPayload,
  type AgentCommandRow,
  type LowerReason,
  payloadOf,
} from './commands.js';
import type { HeldSession, PendingLower } from './desired-state.js';

export interface SessionRow {
  id: string;
  deviceId: string;
  state: DeviceSessionState;
  requestId: string;
  request: {
    status: JitStatus;
    expiresAt: Date | null;
    userAccountName: string;
    internetAccessRequired: boolean;
  };
}

export interface Snapshot {
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

export interface NewCommand {
  key: string;
  sessionId: string | null;
  kind: 'apply' | 'lower';
  payload: AgentCommandPayload;
}

/** The outcome of comparing a device's sessions with its commands, before any write. */
export interface Plan {
  sessions: (Omit<HeldSession, 'commandId'> & { commandId: string | NewCommand })[];
  lower: (Omit<PendingLower, 'commandId'> & { commandId: string | NewCommand })[];
  create: NewCommand[];
  /** Pending commands that no longer apply, acknowledged as superseded. */
  supersede: string[];
  /** Sessions of excluded accounts that ended: closed without lowering anything. */
  closeExcluded: SessionRow[];
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
export function planDesiredState(snapshot: Snapshot, now: Date, serverExcluded: string[]): Plan {
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

export function needsWrites(plan: Plan): boolean {
  return plan.create.length > 0 || plan.supersede.length > 0 || plan.closeExcluded.length > 0;
}
