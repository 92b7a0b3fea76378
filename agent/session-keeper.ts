import type { Logger } from 'pino';

import type {
  AgentAck,
  DesiredLower,
  DesiredSession,
  ServerDesiredState,
} from '../src/agent-gateway/protocol.js';
import { DriverError, type ElevationDriver } from './drivers/driver.js';
import { type MonotonicClock, readBootId } from './monotonic-clock.js';
import type { AgentStateFile, HeldSession, LocalLowering, StateStore } from './state-store.js';

export type { HeldSession, LocalLowering };

/** The agent's result for one command, without the message envelope. */
export type CommandOutcome = Omit<AgentAck, 'v' | 'type'>;

type DriverOutcome = { ok: true } | { ok: false; notFound: boolean; error: string };

/** Maximum local lowerings kept for the server's lower commands; the oldest are dropped first. */
const maxLocalLowerings = 500;

export interface SessionKeeperOptions {
  driver: ElevationDriver;
  clock: MonotonicClock;
  store: StateStore;
  log: Logger;
  /** Maximum wait between two deadline checks in milliseconds, default 1000; the wall-clock guard relies on it after a sleep. */
  checkIntervalMs?: number;
  bootId?: string;
  /** Called after the set of elevated accounts changed without a server command (deadline, offline). */
  onElevatedAccountsChanged?: () => void;
}

/**
 * Holds the agent's sessions and enforces their deadlines on the monotonic clock, with or without
 * the server. Driver calls and state changes run one at a time in call order, so a deadline that
 * fires while a desired state is being applied waits for it instead of interleaving.
 */
export class SessionKeeper {
  private readonly sessions = new Map<string, HeldSession>();
  private localLowerings: LocalLowering[] = [];
  private excluded = new Set<string>();
  /** Failed local lowerings: attempts so far and when to try again, by device session id. */
  private readonly retryAttempts = new Map<string, number>();
  private readonly retryAtMs = new Map<string, number>();
  private lastContactMs: number | null = null;
  private connected = false;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly bootId: string;
  private readonly checkIntervalMs: number;

  constructor(private readonly options: SessionKeeperOptions) {
    this.bootId = options.bootId ?? readBootId();
    this.checkIntervalMs = options.checkIntervalMs ?? 1000;
  }

  /**
   * Loads the saved state. On the same boot, saved deadlines still apply and are checked at once.
   * After a reboot the monotonic base is gone and the time spent powered off is unknown, so every
   * saved account is lowered immediately. The server applies what remains of the window once it is
   * reachable again.
   */
  start(): Promise<void> {
    return this.serialize(async () => {
      const { log, clock } = this.options;
      let saved: AgentStateFile | null = null;
      try {
        saved = await this.options.store.load();
      } catch (error) {
        log.error({ err: error }, 'state file unreadable; starting with no held sessions');
      }
      if (saved) {
        this.excluded = new Set(saved.excludedAccounts);
        // A monotonic reading below the saved one also means a new boot.
        const sameBoot = saved.bootId === this.bootId && saved.savedAtMonotonicMs <= clock.nowMs();
        if (sameBoot) {
          for (const session of saved.sessions) this.sessions.set(session.deviceSessionId, session);
          this.localLowerings = saved.localLowerings;
          this.lastContactMs = saved.lastContactMonotonicMs;
          log.info({ sessions: saved.sessions.length }, 'state restored');
        } else {
          log.warn(
            { sessions: saved.sessions.length },
            'machine rebooted since the state was saved; lowering every saved account',
          );
          for (const session of saved.sessions) {
            if (session.state === 'applied') await this.dropSession(session, 'reboot');
          }
        }
      }
      // Without a saved contact, the offline delay counts from this start.
      this.lastContactMs ??= clock.nowMs();
      await this.enforce();
      await this.persist();
    });
  }

  /** Stops the deadline timer; held accounts stay elevated and the state file keeps them. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.queue;
  }

  /**
   * Brings the device to a desired state from the server and returns one outcome per command in
   * it. Held sessions that the state no longer lists are lowered without a command, because the
   * state is the whole truth.
   */
  applyDesiredState(desired: ServerDesiredState): Promise<CommandOutcome[]> {
    return this.serialize(async () => {
      this.excluded = new Set(desired.excludedAccounts);
      const outcomes: CommandOutcome[] = [];
      for (const session of desired.sessions) outcomes.push(await this.applySession(session));

      const listed = new Set(desired.sessions.map((session) => session.deviceSessionId));
      for (const lower of desired.lower) outcomes.push(await this.applyLower(lower, listed));

      for (const held of [...this.sessions.values()]) {
        if (!listed.has(held.deviceSessionId)) await this.dropSession(held, 'unlisted');
      }
      await this.persist();
      this.schedule();
      return outcomes;
    });
  }

  /** Lowers every applied session now, for an agent whose token was revoked. */
  lowerAll(): Promise<void> {
    return this.serialize(async () => {
      for (const held of [...this.sessions.values()]) await this.dropSession(held, 'unlisted');
      await this.persist();
    });
  }

  /** Records that the server was heard from now; the offline delay counts from the last contact. */
  markContact(): void {
    this.lastContactMs = this.options.clock.nowMs();
    this.connected = true;
  }

  /** Records that the connection is gone; the offline delay counts from the last contact. */
  markDisconnected(): void {
    this.connected = false;
    this.schedule();
    // Save the last contact, so an agent restarted while offline still suspends on time.
    void this.serialize(() => this.persist());
  }

  heldSessions(): HeldSession[] {
    return [...this.sessions.values()].map((session) => ({ ...session }));
  }

  /** Returns the accounts that an applied session keeps elevated now. */
  elevatedAccounts(): string[] {
    const accounts = new Set<string>();
    for (const session of this.sessions.values()) {
      if (session.state === 'applied') accounts.add(session.userAccountName);
    }
    return [...accounts].sort();
  }

  /** Runs the deadline and offline checks now; the timer also runs them. */
  checkNow(): Promise<void> {
    return this.serialize(() => this.enforce());
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch((error: unknown) => {
      this.options.log.error({ err: error }, 'session keeper step failed');
    });
    return next;
  }

  private async applySession(desired: DesiredSession): Promise<CommandOutcome> {
    const { clock, log } = this.options;
    const remainingMs = desired.remainingSeconds * 1000;
    const deadlineMonotonicMs = clock.nowMs() + remainingMs;
    const previous = this.sessions.get(desired.deviceSessionId);
    const held: HeldSession = {
      deviceSessionId: desired.deviceSessionId,
      requestId: desired.requestId,
      userAccountName: desired.userAccountName,
      internetAccessRequired: desired.internetAccessRequired,
      offlineRevokeAfterMs: desired.offlineRevokeAfterSeconds * 1000,
      deadlineMonotonicMs,
      wallDeadlineMs: clock.wallNowMs() + remainingMs,
      state: 'applied',
    };
    if (previous?.state !== 'applied') {
      // Saved before the account is raised, because a crash between the two would otherwise leave
      // an administrator that the restarted agent does not know to lower. Every driver checks
      // membership before lowering, so lowering an account that was never raised changes nothing.
      this.sessions.set(desired.deviceSessionId, held);
      await this.persist();
    }
    const outcome = await this.runDriver(desired.userAccountName, 'elevate');
    if (!outcome.ok) {
      this.sessions.delete(desired.deviceSessionId);
      log.warn({ deviceSessionId: desired.deviceSessionId, error: outcome.error }, 'apply failed');
      return failureOutcome(desired.commandId, outcome);
    }
    this.localLowerings = this.localLowerings.filter(
      (entry) => entry.deviceSessionId !== desired.deviceSessionId,
    );
    this.retryAttempts.delete(desired.deviceSessionId);
    this.retryAtMs.delete(desired.deviceSessionId);
    this.sessions.set(desired.deviceSessionId, held);
    if (previous?.state === 'applied') {
      // The server's clock moves the deadline by a few milliseconds each time; log real changes.
      if (Math.abs(deadlineMonotonicMs - previous.deadlineMonotonicMs) >= 2000) {
        log.info(
          { deviceSessionId: desired.deviceSessionId, remainingSeconds: desired.remainingSeconds },
          'session deadline moved',
        );
      }
    } else {
      log.info(
        {
          deviceSessionId: desired.deviceSessionId,
          requestId: desired.requestId,
          account: desired.userAccountName,
          remainingSeconds: desired.remainingSeconds,
        },
        'account elevated',
      );
    }
    return { commandId: desired.commandId, result: 'applied' };
  }

  private async applyLower(lower: DesiredLower, listed: Set<string>): Promise<CommandOutcome> {
    const { log, clock } = this.options;
    const held = lower.deviceSessionId ? this.sessions.get(lower.deviceSessionId) : undefined;
    if (held) this.sessions.delete(held.deviceSessionId);
    const earlier = this.localLowerings.find(
      (entry) => lower.deviceSessionId !== null && entry.deviceSessionId === lower.deviceSessionId,
    );
    if (earlier) {
      this.localLowerings = this.localLowerings.filter((entry) => entry !== earlier);
      const loweredSecondsAgo = Math.max(
        0,
        Math.floor((clock.nowMs() - earlier.atMonotonicMs) / 1000),
      );
      return { commandId: lower.commandId, result: 'lowered', loweredSecondsAgo };
    }
    if (held?.state === 'suspended') return { commandId: lower.commandId, result: 'lowered' };

    const account = lower.userAccountName;
    const neededBy = [...this.sessions.values()].find(
      (session) =>
        session.userAccountName === account &&
        session.state === 'applied' &&
        listed.has(session.deviceSessionId),
    );
    if (neededBy) {
      // Another session of the same account is still running: lowering would cut it short.
      log.info(
        { account, deviceSessionId: lower.deviceSessionId },
        'lower left to a running session',
      );
      return { commandId: lower.commandId, result: 'lowered' };
    }
    const outcome = await this.runDriver(account, 'lower');
    if (!outcome.ok) return failureOutcome(lower.commandId, outcome);
    log.info(
      { account, deviceSessionId: lower.deviceSessionId, reason: lower.reason },
      'account lowered',
    );
    return { commandId: lower.commandId, result: 'lowered' };
  }

  /** Lowers every session past its deadline and suspends IAR sessions offline for too long. */
  private async enforce(): Promise<void> {
    const { clock } = this.options;
    const nowMs = clock.nowMs();
    const wallNowMs = clock.wallNowMs();
    let changed = false;
    for (const session of [...this.sessions.values()]) {
      if ((this.retryAtMs.get(session.deviceSessionId) ?? 0) > nowMs) continue;
      // Either clock ends a session: the wall clock can only make the end earlier (after a sleep).
      if (nowMs >= session.deadlineMonotonicMs || wallNowMs >= session.wallDeadlineMs) {
        changed = (await this.dropSession(session, 'deadline')) || changed;
      } else if (session.state === 'applied' && this.isOfflineTooLong(session, nowMs)) {
        if (await this.lowerOnOwn(session, 'offline')) {
          session.state = 'suspended';
          changed = true;
        }
      }
    }
    if (changed) {
      await this.persist();
      this.options.onElevatedAccountsChanged?.();
    }
    this.schedule();
  }

  private isOfflineTooLong(session: HeldSession, nowMs: number): boolean {
    if (!session.internetAccessRequired || this.connected) return false;
    return nowMs - (this.lastContactMs ?? nowMs) >= session.offlineRevokeAfterMs;
  }

  /**
   * Forgets a session, lowering its account first when it is applied, and returns whether it went.
   * When lowering fails, the session stays, marked as past its deadline, so the timer retries it.
   */
  private async dropSession(
    session: HeldSession,
    reason: LocalLowering['reason'],
  ): Promise<boolean> {
    if (session.state === 'applied' && !(await this.lowerOnOwn(session, reason))) {
      session.deadlineMonotonicMs = Math.min(
        session.deadlineMonotonicMs,
        this.options.clock.nowMs(),
      );
      this.sessions.set(session.deviceSessionId, session);
      return false;
    }
    this.sessions.delete(session.deviceSessionId);
    return true;
  }

  /**
   * Lowers a session's account without a command and remembers when, for the server's lower
   * command. Another applied session of the same account keeps it elevated. Returns false when the
   * driver failed; the next attempt waits twice as long as the last, up to a minute.
   */
  private async lowerOnOwn(
    session: HeldSession,
    reason: LocalLowering['reason'],
  ): Promise<boolean> {
    const { log, clock } = this.options;
    const id = session.deviceSessionId;
    const account = session.userAccountName;
    const stillHeld = [...this.sessions.values()].some(
      (other) =>
        other.deviceSessionId !== id &&
        other.userAccountName === account &&
        other.state === 'applied',
    );
    if (!stillHeld) {
      const outcome = await this.runDriver(account, 'lower');
      if (!outcome.ok && !outcome.notFound) {
        const attempts = (this.retryAttempts.get(id) ?? 0) + 1;
        this.retryAttempts.set(id, attempts);
        this.retryAtMs.set(id, clock.nowMs() + Math.min(60_000, 1000 * 2 ** (attempts - 1)));
        log.error(
          { deviceSessionId: id, account, attempts, error: outcome.error },
          'lowering failed',
        );
        return false;
      }
    }
    this.retryAttempts.delete(id);
    this.retryAtMs.delete(id);
    log.info({ deviceSessionId: id, account, reason }, 'account lowered by the agent');
    this.localLowerings.push({
      deviceSessionId: id,
      userAccountName: account,
      reason,
      atMonotonicMs: clock.nowMs(),
    });
    if (this.localLowerings.length > maxLocalLowerings) this.localLowerings.shift();
    return true;
  }

  private async runDriver(account: string, action: 'elevate' | 'lower'): Promise<DriverOutcome> {
    if (action === 'lower' && this.excluded.has(account)) return { ok: true };
    try {
      await this.options.driver[action](account);
      return { ok: true };
    } catch (error) {
      const notFound = error instanceof DriverError && error.code === 'ACCOUNT_NOT_FOUND';
      return { ok: false, notFound, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private async persist(): Promise<void> {
    const { clock, store, log } = this.options;
    try {
      await store.save({
        version: 1,
        bootId: this.bootId,
        savedAtMonotonicMs: clock.nowMs(),
        lastContactMonotonicMs: this.lastContactMs,
        excludedAccounts: [...this.excluded],
        sessions: [...this.sessions.values()],
        localLowerings: this.localLowerings,
      });
    } catch (error) {
      log.error({ err: error }, 'saving agent state failed');
    }
  }

  /** Arms one timer for the nearest deadline or offline limit, at most checkIntervalMs away. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || this.sessions.size === 0) return;
    const nowMs = this.options.clock.nowMs();
    let delayMs = this.checkIntervalMs;
    for (const session of this.sessions.values()) {
      const retryAtMs = this.retryAtMs.get(session.deviceSessionId);
      if (retryAtMs !== undefined) {
        delayMs = Math.min(delayMs, retryAtMs - nowMs);
        continue;
      }
      delayMs = Math.min(delayMs, session.deadlineMonotonicMs - nowMs);
      if (session.state === 'applied' && session.internetAccessRequired && !this.connected) {
        const since = this.lastContactMs ?? nowMs;
        delayMs = Math.min(delayMs, since + session.offlineRevokeAfterMs - nowMs);
      }
    }
    this.timer = setTimeout(() => void this.checkNow(), Math.max(0, delayMs));
  }
}

function failureOutcome(commandId: string, outcome: DriverOutcome & { ok: false }): CommandOutcome {
  if (outcome.notFound) return { commandId, result: 'account-not-found', error: outcome.error };
  return { commandId, result: 'failed', error: outcome.error.slice(0, 1000) };
}
