import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { type WebSocket, WebSocketServer } from 'ws';

import type { Config } from '../config.js';
import {
  type AcknowledgementInput,
  type AcknowledgementItem,
  type AcknowledgementOutcome,
  acknowledgeCommands,
  type AgentDevice,
  findDevicesByTokenHashes,
  findInvalidAgentTokens,
  loadDesiredStates,
  loadEffectiveSettings,
  markCommandsSent,
} from '../domain/agents/index.js';
import type { DeviceNotifier, DomainContext } from '../domain/context.js';
import { hashAgentToken } from '../domain/devices/agent-token.js';
import type { Logger } from '../logger.js';
import { AgentConnection, type ConnectionHost } from './connection.js';
import { desiredStateFrame, settingsFrame } from './messages.js';
import { PresenceWriter } from './presence-writer.js';
import { bearerToken, rejectUpgrade } from './upgrade.js';
import { closeCodes, protocolVersion } from './protocol.js';

export interface AgentGatewayOptions {
  config: Config['gateway'];
  /** Offline delay sent to agents with each Internet-Access-Required session, in seconds. */
  offlineRevokeAfterSeconds: number;
  /** Desired-state batches computed at once; keep it below the database pool size. */
  maxConcurrentDesiredStates: number;
  log: Logger;
}

/** The /agent WebSocket endpoint and the agent connections open in this process. */
export interface AgentGateway {
  /**
   * Acts on the sockets of this process only; a replicated notifier calls it on every replica.
   * devicesChanged sends new desired states, settingsChanged new settings.
   */
  readonly notifier: DeviceNotifier;
  /** Starts accepting agents once the domain context exists; upgrades before that get 503. */
  start(domain: DomainContext): void;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  connectionCount(): number;
  /** Closes every agent socket (1001), waits for work in flight and marks the devices offline. */
  close(): Promise<void>;
}

/** Period of the shared sweep that flushes presence and checks timeouts, resends and tokens. */
const sweepIntervalMs = 1000;
/** A connection that sent nothing for this many heartbeat intervals is closed. */
const heartbeatTimeoutIntervals = 3;
/** Acknowledgements recorded together in one transaction. */
const acknowledgementBatchSize = 1000;
/** Acknowledgement batches recorded at once. */
const maxAcknowledgementBatches = 2;
/** Devices whose desired states are computed together, in a fixed number of statements. */
const desiredStateBatchSize = 500;
/** How long close() waits for agents to finish the closing handshake before cutting them off. */
const closeGraceMs = 1000;
/** How long close() waits for message handlers and desired-state computations to finish. */
const drainTimeoutMs = 5000;

/** Lifetime of a requests-only connection; the server closes it then, replied to or not. */
const requestConnectionLifetimeMs = 60_000;

function isRequestsOnly(request: IncomingMessage): boolean {
  return new URL(request.url ?? '/', 'http://localhost').searchParams.get('mode') === 'requests';
}

export function createAgentGateway(options: AgentGatewayOptions): AgentGateway {
  return new Gateway(options);
}

class Gateway implements AgentGateway, ConnectionHost {
  readonly log: Logger;
  readonly rateLimitMessages: number;
  readonly rateLimitWindowMs: number;
  readonly notifier: DeviceNotifier;

  private domainContext: DomainContext | null = null;
  private presence: PresenceWriter | null = null;
  private readonly server: WebSocketServer;
  private readonly connections = new Map<string, AgentConnection>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly waitingForDesiredState = new Set<AgentConnection>();
  private readonly waitingForSettings = new Set<AgentConnection>();
  private settingsScheduled = false;
  private desiredStatesRunning = 0;
  private desiredStatesScheduled = false;
  private readonly acknowledgements: PendingAcknowledgement[] = [];
  private readonly authentications: PendingAuthentication[] = [];
  private authenticationsScheduled = false;
  private acknowledgementsScheduled = false;
  private acknowledgementBatchesRunning = 0;
  private nextConnectionId = 1;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly requestConnections = new Set<AgentConnection>();
  private sweepRunning = false;
  private lastScanAt = Date.now();
  private lastTokenCheckAt = Date.now();
  private closing = false;

  constructor(private readonly options: AgentGatewayOptions) {
    this.log = options.log.child({ component: 'agent-gateway' });
    this.rateLimitMessages = options.config.rateLimitMessages;
    this.rateLimitWindowMs = options.config.rateLimitWindowSeconds * 1000;
    // No per-message compression, whose zlib streams per socket outweigh an idle connection many
    // times over, and no second registry of clients: the gateway keeps its own map.
    this.server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.config.maxMessageBytes,
    });
    this.notifier = {
      devicesChanged: (deviceIds) => {
        for (const id of deviceIds) {
          const connection = this.connections.get(id);
          if (connection) this.requestDesiredState(connection);
        }
      },
      settingsChanged: (deviceIds) => {
        const targets = deviceIds
          ? deviceIds.flatMap((id) => this.connections.get(id) ?? [])
          : [...this.connections.values()];
        this.queueSettings(targets);
      },
    };
  }

  get domain(): DomainContext {
    if (!this.domainContext) throw new Error('The agent gateway was used before start().');
    return this.domainContext;
  }

  start(domain: DomainContext): void {
    this.domainContext = domain;
    this.presence = new PresenceWriter(domain, this.log);
    this.sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweepTimer.unref();
  }

  connectionCount(): number {
    return this.connections.size;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  // Upgrade: authenticate before the handshake, so a bad token never gets a WebSocket.
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const onSocketError = (error: Error) =>
      this.log.debug({ err: error }, 'agent socket failed before the upgrade');
    socket.on('error', onSocketError);
    if (!this.domainContext || this.closing) {
      rejectUpgrade(socket, 503, 'The server is starting or stopping; retry shortly.');
      return;
    }
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      rejectUpgrade(socket, 401, 'Send the device token as Authorization: Bearer <token>.');
      return;
    }
    const tokenHash = hashAgentToken(token);
    const requestsOnly = isRequestsOnly(request);
    void this.track(
      this.authenticate(tokenHash).then(
        (device) => {
          if (socket.destroyed) return;
          if (!device) {
            this.log.warn({ address: request.socket.remoteAddress }, 'agent token rejected');
            rejectUpgrade(socket, 401, 'The device token is unknown or revoked.');
            return;
          }
          if (this.closing) {
            rejectUpgrade(socket, 503, 'The server is stopping; retry shortly.');
            return;
          }
          this.server.handleUpgrade(request, socket, head, (ws) => {
            socket.off('error', onSocketError);
            this.accept(ws, { id: device.id, name: device.name }, tokenHash, requestsOnly);
          });
        },
        (error: unknown) => {
          this.log.error({ err: error }, 'agent authentication failed');
          rejectUpgrade(socket, 503, 'The server could not check the token; retry shortly.');
        },
      ),
    );
  }

  // Token checks of concurrent upgrades are gathered until the next turn of the event loop and
  // resolved with one query, so a reconnect storm costs a query per batch, not per agent.
  private authenticate(tokenHash: string): Promise<AgentDevice | null> {
    return new Promise((resolve, reject) => {
      this.authentications.push({ tokenHash, resolve, reject });
      if (this.authenticationsScheduled) return;
      this.authenticationsScheduled = true;
      setImmediate(() => {
        this.authenticationsScheduled = false;
        const batch = this.authentications.splice(0);
        void this.track(this.authenticateBatch(batch));
      });
    });
  }

  private async authenticateBatch(batch: PendingAuthentication[]): Promise<void> {
    try {
      const devices = await findDevicesByTokenHashes(
        this.domain,
        batch.map((pending) => pending.tokenHash),
      );
      for (const pending of batch) pending.resolve(devices.get(pending.tokenHash) ?? null);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  private accept(
    ws: WebSocket,
    device: { id: string; name: string },
    tokenHash: string,
    requestsOnly: boolean,
  ): void {
    const connection = new AgentConnection(ws, device, tokenHash, this.nextConnectionId++, this);
    if (requestsOnly) {
      this.acceptRequestsOnly(ws, connection);
      return;
    }
    const previous = this.connections.get(device.id);
    this.connections.set(device.id, connection);
    if (previous) previous.close(closeCodes.replaced, 'replaced by a newer connection');

    ws.on('message', (data, isBinary) => connection.receive(data, isBinary));
    ws.on('error', (error) => connection.log().warn({ err: error }, 'agent socket error'));
    ws.on('close', (code) => this.closed(connection, code));

    this.presence!.connected(device.id);
    connection.log().info('agent connected');
    const { config, offlineRevokeAfterSeconds } = this.options;
    connection.send({
      v: protocolVersion,
      type: 'server.welcome',
      deviceId: device.id,
      deviceName: device.name,
      serverTime: this.domain.clock.now().toISOString(),
      heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
      offlineRevokeAfterSeconds,
      maxMessageBytes: config.maxMessageBytes,
    });
    this.queueSettings([connection]);
    this.requestDesiredState(connection);
  }

  // A connection opened with ?mode=requests (the `agent raise` and `agent extend` commands) only
  // sends requests: it neither replaces the device's running agent nor receives desired states.
  private acceptRequestsOnly(ws: WebSocket, connection: AgentConnection): void {
    this.requestConnections.add(connection);
    const lifetime = setTimeout(
      () => connection.close(1000, 'request connection lifetime reached'),
      requestConnectionLifetimeMs,
    );
    lifetime.unref();
    ws.on('message', (data, isBinary) => connection.receive(data, isBinary));
    ws.on('error', (error) => connection.log().warn({ err: error }, 'agent socket error'));
    ws.on('close', () => {
      clearTimeout(lifetime);
      connection.closed = true;
      this.requestConnections.delete(connection);
    });
    connection.log().info('agent request connection opened');
    connection.send({
      v: protocolVersion,
      type: 'server.welcome',
      deviceId: connection.deviceId,
      deviceName: connection.device.name,
      serverTime: this.domain.clock.now().toISOString(),
      heartbeatIntervalSeconds: this.options.config.heartbeatIntervalSeconds,
      offlineRevokeAfterSeconds: this.options.offlineRevokeAfterSeconds,
      maxMessageBytes: this.options.config.maxMessageBytes,
    });
  }

  private closed(connection: AgentConnection, code: number): void {
    connection.closed = true;
    this.waitingForDesiredState.delete(connection);
    this.waitingForSettings.delete(connection);
    // A newer connection of the same device keeps it online.
    if (this.connections.get(connection.deviceId) !== connection) return;
    this.connections.delete(connection.deviceId);
    this.presence?.disconnected(connection.deviceId, this.domain.clock.now());
    connection.log().info({ code }, 'agent disconnected');
  }

  // Desired state: connections that need one are gathered until the next turn of the event loop
  // and computed in batches of up to desiredStateBatchSize, with at most
  // maxConcurrentDesiredStates batches at once. A connection is in at most one batch; a change
  // that arrives while its batch runs queues it again afterwards.
  requestDesiredState(connection: AgentConnection): void {
    if (connection.closed || this.closing) return;
    if (connection.reconciling) {
      connection.reconcileAgain = true;
      return;
    }
    this.waitingForDesiredState.add(connection);
    if (this.desiredStatesScheduled) return;
    this.desiredStatesScheduled = true;
    setImmediate(() => {
      this.desiredStatesScheduled = false;
      this.pumpDesiredStates();
    });
  }

  private pumpDesiredStates(): void {
    while (
      this.desiredStatesRunning < this.options.maxConcurrentDesiredStates &&
      this.waitingForDesiredState.size > 0
    ) {
      const batch: AgentConnection[] = [];
      for (const connection of this.waitingForDesiredState) {
        batch.push(connection);
        if (batch.length === desiredStateBatchSize) break;
      }
      for (const connection of batch) {
        this.waitingForDesiredState.delete(connection);
        connection.reconciling = true;
      }
      this.desiredStatesRunning += 1;
      void this.track(
        this.sendDesiredStates(batch).finally(() => {
          this.desiredStatesRunning -= 1;
          for (const connection of batch) {
            connection.reconciling = false;
            if (connection.reconcileAgain) {
              connection.reconcileAgain = false;
              this.requestDesiredState(connection);
            }
          }
          this.pumpDesiredStates();
        }),
      );
    }
  }

  private async sendDesiredStates(batch: AgentConnection[]): Promise<void> {
    try {
      const states = await loadDesiredStates(
        this.domain,
        batch.map((connection) => connection.deviceId),
      );
      const deliverable = batch.flatMap((connection) => {
        if (connection.closed) return [];
        const state = states.get(connection.deviceId);
        if (!state || state.tokenRevoked || state.tokenHash !== connection.tokenHash) {
          this.dropRevoked(connection);
          return [];
        }
        return [{ connection, state }];
      });
      // Marked before sending: once an agent has the frame, its acks lock these rows, and an
      // UPDATE racing them would deadlock.
      await markCommandsSent(
        this.domain,
        deliverable.flatMap(({ state }) => state.unsentCommandIds),
      );
      const sentAt = Date.now();
      for (const { connection, state } of deliverable) {
        if (connection.closed) continue;
        connection.send(desiredStateFrame(state, this.options.offlineRevokeAfterSeconds));
        connection.pendingCommands =
          state.sessions.filter((session) => session.pending).length + state.lower.length;
        connection.lastDesiredStateAt = sentAt;
        connection.desiredStateSent([
          ...state.sessions.map((session) => session.userAccountName),
          ...state.lower.map((entry) => entry.userAccountName),
          ...state.excludedAccounts,
        ]);
      }
    } catch (error) {
      this.log.error(
        { err: error, connections: batch.length },
        'sending desired states failed; retrying after the resend interval',
      );
      // The sweep's resend check picks these connections up again.
      for (const connection of batch) {
        connection.pendingCommands = Math.max(connection.pendingCommands, 1);
        connection.lastDesiredStateAt = Date.now();
      }
    }
  }

  // Acknowledgements from all connections are gathered until the next turn of the event loop and
  // recorded in batches, at most maxAcknowledgementBatches at once. A fan-out to thousands of
  // agents, followed by thousands of acks, then costs a few transactions instead of one per ack.
  // Batches lock their rows in id order, so concurrent batches cannot deadlock with each other.
  acknowledge(device: AgentDevice, input: AcknowledgementInput): Promise<AcknowledgementOutcome> {
    return new Promise((resolve, reject) => {
      this.acknowledgements.push({ item: { device, input }, resolve, reject });
      this.scheduleAcknowledgements();
    });
  }

  private scheduleAcknowledgements(): void {
    if (this.acknowledgementsScheduled) return;
    this.acknowledgementsScheduled = true;
    setImmediate(() => {
      this.acknowledgementsScheduled = false;
      while (
        this.acknowledgements.length > 0 &&
        this.acknowledgementBatchesRunning < maxAcknowledgementBatches
      ) {
        const batch = this.acknowledgements.splice(0, acknowledgementBatchSize);
        this.acknowledgementBatchesRunning += 1;
        void this.track(
          this.recordAcknowledgements(batch).finally(() => {
            this.acknowledgementBatchesRunning -= 1;
            if (this.acknowledgements.length > 0) this.scheduleAcknowledgements();
          }),
        );
      }
    });
  }

  private async recordAcknowledgements(batch: PendingAcknowledgement[]): Promise<void> {
    try {
      const results = await acknowledgeCommands(
        this.domain,
        batch.map((pending) => pending.item),
      );
      results.forEach((result, index) => {
        if (result.ok) batch[index]!.resolve(result.outcome);
        else batch[index]!.reject(result.error);
      });
    } catch (error) {
      // Each connection logs the failure and sends its agent an error; the commands stay pending.
      for (const pending of batch) pending.reject(error);
    }
  }

  /**
   * Sends settings to these connections on the next turn of the event loop, together with any
   * queued meanwhile: a reconnect storm then costs two queries per 2000 agents, not per agent.
   */
  private queueSettings(connections: AgentConnection[]): void {
    for (const connection of connections) this.waitingForSettings.add(connection);
    if (this.settingsScheduled || this.waitingForSettings.size === 0) return;
    this.settingsScheduled = true;
    setImmediate(() => {
      this.settingsScheduled = false;
      const batch = [...this.waitingForSettings].filter((connection) => !connection.closed);
      this.waitingForSettings.clear();
      if (batch.length > 0 && !this.closing) void this.track(this.sendSettings(batch));
    });
  }

  private async sendSettings(connections: AgentConnection[]): Promise<void> {
    try {
      const settings = await loadEffectiveSettings(
        this.domain,
        connections.map((connection) => connection.deviceId),
      );
      for (const connection of connections) {
        const values = settings.get(connection.deviceId);
        if (values) connection.send(settingsFrame(values));
      }
    } catch (error) {
      this.log.error(
        { err: error, connections: connections.length },
        'sending agent settings failed',
      );
    }
  }

  private dropRevoked(connection: AgentConnection): void {
    connection.log().warn('agent token no longer valid; closing the connection');
    connection.close(closeCodes.tokenRevoked, 'token revoked');
  }

  // The shared sweep: one timer for all connections instead of one per connection.
  private sweep(): void {
    if (this.sweepRunning || this.closing) return;
    this.sweepRunning = true;
    void this.track(
      this.runSweep()
        .catch((error: unknown) => this.log.error({ err: error }, 'agent gateway sweep failed'))
        .finally(() => {
          this.sweepRunning = false;
        }),
    );
  }

  private async runSweep(): Promise<void> {
    const now = Date.now();
    const { heartbeatIntervalSeconds, commandResendSeconds, tokenCheckIntervalSeconds } =
      this.options.config;
    const heartbeatMs = heartbeatIntervalSeconds * 1000;
    if (now - this.lastScanAt >= Math.min(heartbeatMs, commandResendSeconds * 1000)) {
      this.lastScanAt = now;
      this.scanConnections(now, heartbeatMs, commandResendSeconds * 1000);
    }
    if (now - this.lastTokenCheckAt >= tokenCheckIntervalSeconds * 1000) {
      this.lastTokenCheckAt = now;
      await this.checkTokens();
    }
    if (this.presence?.hasChanges) await this.presence.flush();
  }

  private scanConnections(now: number, heartbeatMs: number, resendMs: number): void {
    const seen: string[] = [];
    for (const connection of this.connections.values()) {
      if (now - connection.lastMessageAt > heartbeatTimeoutIntervals * heartbeatMs) {
        connection.log().info('agent heartbeat timed out');
        connection.close(closeCodes.heartbeatTimeout, 'heartbeat timeout');
        continue;
      }
      if (connection.seenSinceFlush) {
        connection.seenSinceFlush = false;
        seen.push(connection.deviceId);
      }
      if (connection.pendingCommands > 0 && now - connection.lastDesiredStateAt >= resendMs) {
        this.requestDesiredState(connection);
      }
    }
    this.presence?.markSeen(seen);
  }

  private async checkTokens(): Promise<void> {
    if (this.connections.size === 0) return;
    const openConnections = [...this.connections.values()];
    const invalid = new Set(
      await findInvalidAgentTokens(
        this.domain,
        openConnections.map((connection) => ({
          deviceId: connection.deviceId,
          tokenHash: connection.tokenHash,
        })),
      ),
    );
    for (const connection of openConnections) {
      if (invalid.has(connection.deviceId) && !connection.closed) this.dropRevoked(connection);
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const open = [...this.connections.values()];
    for (const connection of open) connection.close(1001, 'server shutting down');
    for (const connection of this.requestConnections) connection.terminate();
    await waitUntil(() => this.connections.size === 0, closeGraceMs);
    for (const connection of this.connections.values()) connection.terminate();
    await waitUntil(() => this.connections.size === 0, closeGraceMs);

    const drained = await waitUntil(
      () => this.inFlight.size === 0,
      drainTimeoutMs,
      () => Promise.race([...this.inFlight]),
    );
    if (!drained)
      this.log.warn({ inFlight: this.inFlight.size }, 'agent work still running at close');
    await this.presence?.flush();
    this.server.close();
    this.log.info({ closed: open.length }, 'agent gateway closed');
  }
}

interface PendingAuthentication {
  tokenHash: string;
  resolve(device: AgentDevice | null): void;
  reject(error: unknown): void;
}

interface PendingAcknowledgement {
  item: AcknowledgementItem;
  resolve(outcome: AcknowledgementOutcome): void;
  reject(error: unknown): void;
}

/** Polls `done` until it returns true or `timeoutMs` passes; `wake` may end a poll early. */
async function waitUntil(
  done: () => boolean,
  timeoutMs: number,
  wake?: () => Promise<unknown>,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return false;
    const poll = new Promise((resolve) => setTimeout(resolve, Math.min(20, remaining)));
    // Only real promises may join the race: a plain value would win at once and starve I/O.
    await (wake ? Promise.race([poll, wake().catch(() => undefined)]) : poll);
  }
  return true;
}
