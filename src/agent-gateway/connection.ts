import type { RawData, WebSocket } from 'ws';

import {
  type AcknowledgementInput,
  type AcknowledgementOutcome,
  type AgentDevice,
  raiseRequestFromDevice,
  reportElevatedAccounts,
  requestExtensionFromDevice,
} from '../domain/agents/index.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { errorFrame, type FrameError, parseAgentMessage, protocolErrorCode } from './messages.js';
import {
  type AgentAck,
  type AgentMessage,
  type AgentRaise,
  type AgentRequestExtension,
  protocolVersion,
  type ServerMessage,
} from './protocol.js';

/** Services a connection uses from the gateway that owns it. */
export interface ConnectionHost {
  readonly domain: DomainContext;
  readonly log: Logger;
  readonly rateLimitMessages: number;
  readonly rateLimitWindowMs: number;
  requestDesiredState(connection: AgentConnection): void;
  /** Records an acknowledgement in the next batch; rejects with a DomainError for a bad one. */
  acknowledge(device: AgentDevice, input: AcknowledgementInput): Promise<AcknowledgementOutcome>;
  track<T>(work: Promise<T>): Promise<T>;
}

/**
 * One live agent connection. Fields are kept few and small because a server keeps thousands of
 * these: no timers (the gateway's shared sweep handles timeouts and resends), no child logger
 * until one is needed, and messages are handled one at a time in arrival order.
 */
export class AgentConnection {
  /** Date.now() of the last frame received. */
  lastMessageAt = Date.now();
  /** Whether a frame arrived since the gateway last recorded lastSeenAt. */
  seenSinceFlush = true;
  /** Commands sent in the last desired state and not acknowledged yet. */
  pendingCommands = 0;
  /** Date.now() of the last desired state sent. */
  lastDesiredStateAt = 0;
  /** A desired-state computation is running for this connection, or must run again after it. */
  reconciling = false;
  reconcileAgain = false;
  /** The desired state changed since drift was last checked, so the next report is checked. */
  private driftCheckDue = true;
  closed = false;
  /**
   * Accounts the last desired state explains (held, being lowered or excluded), each between
   * newlines. A report naming only these cannot contain drift and needs no query.
   */
  private accountedAccounts = '';

  private rateWindowStartedAt = 0;
  private rateCount = 0;
  private rateLimitReported = false;
  private queue: Promise<void> = Promise.resolve();
  /** Sorted, joined unexplained accounts of the last report that was checked against the database. */
  private elevatedKey: string | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly device: AgentDevice,
    readonly tokenHash: string,
    readonly connectionId: number,
    private readonly host: ConnectionHost,
  ) {}

  get deviceId(): string {
    return this.device.id;
  }

  log(): Logger {
    return this.host.log.child({ deviceId: this.device.id, connectionId: this.connectionId });
  }

  send(message: ServerMessage): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED) return;
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Entry point for every frame the socket receives. */
  receive(data: RawData, isBinary: boolean): void {
    this.lastMessageAt = Date.now();
    this.seenSinceFlush = true;
    if (!this.withinRateLimit()) return;

    const parsed = parseAgentMessage(data, isBinary);
    if (!parsed.ok) {
      this.send(errorFrame(parsed.error));
      this.log().warn(
        {
          code: parsed.error.code,
          field: parsed.error.field,
          messageType: parsed.error.messageType,
          bytes: parsed.bytes,
        },
        'agent message rejected',
      );
      return;
    }
    const message = parsed.message;
    this.queue = this.host.track(this.queue.then(() => this.handleSafely(message)));
  }

  private withinRateLimit(): boolean {
    const now = Date.now();
    if (now - this.rateWindowStartedAt >= this.host.rateLimitWindowMs) {
      this.rateWindowStartedAt = now;
      this.rateCount = 0;
      this.rateLimitReported = false;
    }
    this.rateCount += 1;
    if (this.rateCount <= this.host.rateLimitMessages) return true;
    // One error frame and one log line per window; the rest of the window is dropped silently.
    if (!this.rateLimitReported) {
      this.rateLimitReported = true;
      this.send(
        errorFrame({
          code: 'RATE_LIMITED',
          message: `More than ${this.host.rateLimitMessages} messages in ${this.host.rateLimitWindowMs / 1000} s; messages are dropped until the window ends.`,
        }),
      );
      this.log().warn({ limit: this.host.rateLimitMessages }, 'agent rate limited');
    }
    return false;
  }

  private async handleSafely(message: AgentMessage): Promise<void> {
    if (this.closed) return;
    try {
      await this.handle(message);
    } catch (error) {
      this.reportFailure(message, error);
    }
  }

  private async handle(message: AgentMessage): Promise<void> {
    switch (message.type) {
      case 'agent.hello':
        this.log().info(
          { agentVersion: message.agentVersion, platform: message.platform },
          'agent hello',
        );
        if (message.elevatedAccounts) await this.checkDrift(message.elevatedAccounts);
        return;
      case 'agent.heartbeat':
        this.send({
          v: protocolVersion,
          type: 'server.heartbeat-ack',
          serverTime: this.host.domain.clock.now().toISOString(),
        });
        if (message.elevatedAccounts) await this.checkDrift(message.elevatedAccounts);
        return;
      case 'agent.state':
        await this.checkDrift(message.elevatedAccounts);
        return;
      case 'agent.ack':
        await this.acknowledge(message);
        return;
      case 'agent.raise':
        await this.raise(message);
        return;
      case 'agent.request-extension':
        await this.requestExtension(message);
        return;
    }
  }

  /** Remembers which accounts the desired state just sent explains, for the drift check. */
  desiredStateSent(accounts: Iterable<string>): void {
    this.accountedAccounts = `\n${[...accounts].join('\n')}\n`;
    this.driftCheckDue = true;
  }

  private async checkDrift(accounts: readonly string[]): Promise<void> {
    const unexplained = [...new Set(accounts)].filter(
      (account) => !this.accountedAccounts.includes(`\n${account}\n`),
    );
    if (unexplained.length === 0) return;
    const key = unexplained.sort().join('\n');
    if (key === this.elevatedKey && !this.driftCheckDue) return;
    this.elevatedKey = key;
    this.driftCheckDue = false;
    const drifted = await reportElevatedAccounts(this.host.domain, this.device, unexplained);
    if (drifted.length > 0) this.host.requestDesiredState(this);
  }

  private async acknowledge(message: AgentAck): Promise<void> {
    const outcome = await this.host.acknowledge(this.device, {
      commandId: message.commandId,
      result: message.result,
      error: message.error,
      loweredSecondsAgo: message.loweredSecondsAgo,
    });
    this.send({
      v: protocolVersion,
      type: 'server.ack-received',
      commandId: message.commandId,
      alreadyAcknowledged: outcome.alreadyAcknowledged,
    });
    if (!outcome.alreadyAcknowledged && !outcome.commandPending && this.pendingCommands > 0) {
      this.pendingCommands -= 1;
    }
    if (outcome.desiredStateChanged) this.host.requestDesiredState(this);
  }

  private async raise(message: AgentRaise): Promise<void> {
    try {
      const request = await raiseRequestFromDevice(this.host.domain, this.device, {
        userAccountName: message.userAccountName,
        durationSeconds: message.durationSeconds,
        reason: message.reason,
        name: message.name,
        scheduledStartAt: message.scheduledStartAt ? new Date(message.scheduledStartAt) : null,
        internetAccessRequired: message.internetAccessRequired,
      });
      this.log().info({ jitRequestId: request.id }, 'request raised from device');
      this.send({
        v: protocolVersion,
        type: 'server.raise-result',
        replyTo: message.id,
        ok: true,
        requestId: request.id,
        status: request.status,
      });
    } catch (error) {
      this.send({
        v: protocolVersion,
        type: 'server.raise-result',
        replyTo: message.id,
        ok: false,
        error: this.describeFailure(message, error),
      });
    }
  }

  private async requestExtension(message: AgentRequestExtension): Promise<void> {
    try {
      const request = await requestExtensionFromDevice(this.host.domain, this.device, {
        requestId: message.requestId,
        userAccountName: message.userAccountName,
        additionalSeconds: message.additionalSeconds,
        reason: message.reason,
      });
      this.send({
        v: protocolVersion,
        type: 'server.extension-result',
        replyTo: message.id,
        ok: true,
        requestId: request.id,
      });
    } catch (error) {
      this.send({
        v: protocolVersion,
        type: 'server.extension-result',
        replyTo: message.id,
        ok: false,
        error: this.describeFailure(message, error),
      });
    }
  }

  /** Turns a thrown error into the error of a result frame; unexpected ones are logged here. */
  private describeFailure(message: AgentMessage, error: unknown): Omit<FrameError, 'replyTo'> {
    if (error instanceof DomainError) {
      this.log().info({ messageType: message.type, code: error.code }, 'agent request rejected');
      const field = 'field' in error && typeof error.field === 'string' ? error.field : undefined;
      return {
        code: protocolErrorCode(error.code),
        message: error.message,
        ...(field && { field }),
      };
    }
    this.log().error({ err: error, messageType: message.type }, 'agent message failed');
    return {
      code: 'INTERNAL_ERROR',
      message: 'The server failed to handle the message; retry later.',
    };
  }

  private reportFailure(message: AgentMessage, error: unknown): void {
    const described = this.describeFailure(message, error);
    this.send(
      errorFrame({
        ...described,
        messageType: message.type,
        ...('id' in message && { replyTo: message.id }),
      }),
    );
  }
}
