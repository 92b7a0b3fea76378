import type { Logger } from 'pino';
import WebSocket from 'ws';

import {
  type AgentMessage,
  agentPath,
  type AgentSettings,
  closeCodes,
  protocolVersion,
  type ServerDesiredState,
  type ServerMessage,
  serverMessageSchema,
} from '../src/agent-gateway/protocol.js';
import { reconnectDelayMs } from './backoff.js';
import type { ElevationDriver } from './drivers/driver.js';
import type { SessionKeeper } from './session-keeper.js';

/** Reason the agent stopped for good, as opposed to a lost connection that it retries. */
export type FatalReason = 'token-rejected' | 'replaced';

export interface AgentConnectionOptions {
  /** Server base URL, http(s)://HOST:PORT; the socket goes to ws(s)://HOST:PORT/agent. */
  serverUrl: string;
  token: string;
  keeper: SessionKeeper;
  driver: ElevationDriver;
  log: Logger;
  agentVersion: string;
  platform: string;
  /** First reconnect delay in milliseconds, default 500. */
  initialReconnectDelayMs?: number;
  /** Maximum reconnect delay in milliseconds, default 30 000. */
  maxReconnectDelayMs?: number;
  /** Called once when the agent must stop: its token was rejected or another agent replaced it. */
  onFatal: (reason: FatalReason, message: string) => void;
}

/** Heartbeat interval until server.welcome names the real one. */
const defaultHeartbeatIntervalMs = 30_000;
/** A connection that received nothing for this many heartbeat intervals is treated as dead. */
const silentIntervalsBeforeReconnect = 3;
/** Replacements within this window, counted to tell a raise command from a second agent process. */
const replacedWindowMs = 10 * 60_000;
const maxReplacementsInWindow = 3;
/** An ack without server.ack-received after this long is sent again with the next desired state. */
const ackRetryMs = 5_000;
/** Wait after a replacement: long enough for a raise or extend command to receive its result. */
const replacedReconnectDelayMs = 3_000;

/** Converts http://host:port into ws://host:port/agent (https into wss). */
export function agentSocketUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error(
      `Server URL '${serverUrl}' must start with http://, https://, ws:// or wss://.`,
    );
  }
  url.pathname = agentPath;
  url.search = '';
  return url.toString();
}

/**
 * Keeps one WebSocket to the server open, reconnecting with exponential backoff and jitter, and
 * feeds every desired state to the session keeper. The keeper enforces deadlines whether or not
 * this connection is up.
 */
export class AgentConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatIntervalMs = defaultHeartbeatIntervalMs;
  private lastMessageAtMs = 0;
  /** Acks sent on the current connection and not confirmed yet: command id to performance.now(). */
  private acknowledged = new Map<string, number>();
  /** Commands whose ack the server confirmed with server.ack-received. */
  private confirmed = new Set<string>();
  private reportedAccounts: string | null = null;
  private replacedAtMs: number[] = [];
  private settings: AgentSettings | null = null;
  private readonly socketUrl: string;

  constructor(private readonly options: AgentConnectionOptions) {
    this.socketUrl = agentSocketUrl(options.serverUrl);
  }

  start(): void {
    this.connect();
  }

  /** Closes the connection and cancels any reconnect; resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const forceTimer = setTimeout(() => socket.terminate(), 2_000);
      socket.once('close', () => {
        clearTimeout(forceTimer);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'agent stopping');
    });
  }

  /** Agent settings last received from the server, or null before the first server.settings. */
  currentSettings(): AgentSettings | null {
    return this.settings;
  }

  /** Sends the elevated accounts when they changed since the last report; no-op while offline. */
  reportElevatedAccounts(): void {
    void this.elevatedAccounts().then((accounts) => {
      const key = accounts.join(',');
      if (key === this.reportedAccounts) return;
      if (this.send({ v: protocolVersion, type: 'agent.state', elevatedAccounts: accounts })) {
        this.reportedAccounts = key;
      }
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const { log, token } = this.options;
    const socket = new WebSocket(this.socketUrl, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
      maxPayload: 1024 * 1024,
    });
    this.socket = socket;

    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      socket.terminate();
      if (status === 401) {
        this.fail('token-rejected', 'The server rejected the agent token (HTTP 401).');
        return;
      }
      log.warn({ status }, 'server refused the agent connection');
    });
    socket.on('open', () => void this.onOpen(socket));
    socket.on('message', (data, isBinary) => {
      if (socket !== this.socket) return;
      this.onMessage(isBinary ? null : data.toString());
    });
    socket.on('ping', () => this.markAlive());
    socket.on('pong', () => this.markAlive());
    socket.on('error', (error) => log.warn({ err: error }, 'agent connection error'));
    socket.on('close', (code, reason) => {
      if (socket !== this.socket) return;
      this.onClose(code, reason.toString());
    });
  }

  private async onOpen(socket: WebSocket): Promise<void> {
    this.acknowledged = new Map();
    this.confirmed = new Set();
    this.reportedAccounts = null;
    this.markAlive();
    this.startHeartbeat();
    const elevatedAccounts = await this.elevatedAccounts();
    if (socket !== this.socket) return;
    this.send({
      v: protocolVersion,
      type: 'agent.hello',
      agentVersion: this.options.agentVersion,
      platform: this.options.platform,
      elevatedAccounts,
    });
    this.reportedAccounts = elevatedAccounts.join(',');
  }

  private onMessage(text: string | null): void {
    const { log } = this.options;
    this.markAlive();
    let message: ServerMessage;
    try {
      const parsed = serverMessageSchema.safeParse(JSON.parse(text ?? 'null'));
      if (!parsed.success) throw new Error(parsed.error.message);
      message = parsed.data;
    } catch (error) {
      log.warn({ err: error, bytes: text?.length ?? 0 }, 'malformed server message ignored');
      return;
    }
    switch (message.type) {
      case 'server.welcome':
        // A welcome proves the token and protocol work, so the backoff starts over.
        this.attempt = 0;
        this.heartbeatIntervalMs = message.heartbeatIntervalSeconds * 1000;
        this.startHeartbeat();
        log.info(
          {
            deviceId: message.deviceId,
            heartbeatIntervalSeconds: message.heartbeatIntervalSeconds,
          },
          'connected',
        );
        return;
      case 'server.settings':
        this.settings = message.settings;
        log.info({ settings: message.settings }, 'agent settings received');
        return;
      case 'server.desired-state':
        void this.onDesiredState(message);
        return;
      case 'server.ack-received':
        this.confirmed.add(message.commandId);
        this.acknowledged.delete(message.commandId);
        return;
      case 'server.error':
        log.warn(
          { code: message.code, messageType: message.messageType, field: message.field },
          `server rejected a message: ${message.message}`,
        );
        return;
      default:
        // Heartbeat acks and results of raise commands only show that the server is alive.
        return;
    }
  }

  private async onDesiredState(desired: ServerDesiredState): Promise<void> {
    const { keeper, log } = this.options;
    const outcomes = await keeper.applyDesiredState(desired);
    // A command that comes back after its ack was confirmed needs nothing. A command whose ack
    // was never confirmed (lost, or failed on the server) is acknowledged again after a pause.
    const nowMs = performance.now();
    for (const outcome of outcomes) {
      const sentAtMs = this.acknowledged.get(outcome.commandId);
      if (this.confirmed.has(outcome.commandId)) continue;
      if (sentAtMs !== undefined && nowMs - sentAtMs < ackRetryMs) continue;
      if (this.send({ v: protocolVersion, type: 'agent.ack', ...outcome })) {
        this.acknowledged.set(outcome.commandId, nowMs);
      }
    }
    // Only commands still listed can come back, so the others are forgotten.
    const listed = new Set(outcomes.map((outcome) => outcome.commandId));
    for (const id of this.confirmed) if (!listed.has(id)) this.confirmed.delete(id);
    for (const id of this.acknowledged.keys()) if (!listed.has(id)) this.acknowledged.delete(id);
    log.debug(
      { sessions: desired.sessions.length, lower: desired.lower.length },
      'desired state applied',
    );
    this.reportElevatedAccounts();
  }

  private onClose(code: number, reason: string): void {
    const { keeper, log } = this.options;
    this.socket = null;
    this.stopHeartbeat();
    keeper.markDisconnected();
    if (this.stopped) return;

    if (code === closeCodes.tokenRevoked) {
      this.fail('token-rejected', 'The server revoked the agent token (close code 4001).');
      return;
    }
    if (code === closeCodes.replaced) {
      this.onReplaced();
      return;
    }
    const delayMs = reconnectDelayMs(this.attempt, {
      initialDelayMs: this.options.initialReconnectDelayMs ?? 500,
      maxDelayMs: this.options.maxReconnectDelayMs ?? 30_000,
    });
    this.attempt += 1;
    log.info({ code, reason, delayMs, attempt: this.attempt }, 'disconnected; reconnecting');
    this.scheduleReconnect(delayMs);
  }

  /**
   * Handles close code 4002. The protocol forbids a replaced agent to reconnect, but a request
   * tool that connects without ?mode=requests replaces the running agent for a moment. The agent
   * therefore reconnects after a pause, and stops only when it is replaced again and again, which
   * means a second agent process of the same device is running.
   */
  private onReplaced(): void {
    const now = Date.now();
    this.replacedAtMs = [...this.replacedAtMs.filter((at) => now - at < replacedWindowMs), now];
    if (this.replacedAtMs.length >= maxReplacementsInWindow) {
      this.fail(
        'replaced',
        `Another connection of this device replaced this agent ${this.replacedAtMs.length} times in ${replacedWindowMs / 60_000} minutes; another agent process is running.`,
      );
      return;
    }
    const delayMs = replacedReconnectDelayMs + Math.round(Math.random() * 1000);
    this.options.log.warn(
      { delayMs },
      'replaced by another connection of this device; reconnecting',
    );
    this.scheduleReconnect(delayMs);
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.stopped) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delayMs);
  }

  private fail(reason: FatalReason, message: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopHeartbeat();
    this.socket?.terminate();
    this.options.onFatal(reason, message);
  }

  private markAlive(): void {
    this.lastMessageAtMs = performance.now();
    this.options.keeper.markContact();
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatIntervalMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** Sends a heartbeat, or drops a connection that has been silent too long (a half-open socket). */
  private async heartbeat(): Promise<void> {
    const silentMs = performance.now() - this.lastMessageAtMs;
    if (silentMs > silentIntervalsBeforeReconnect * this.heartbeatIntervalMs) {
      this.options.log.warn({ silentMs: Math.round(silentMs) }, 'server silent; reconnecting');
      this.socket?.terminate();
      return;
    }
    const elevatedAccounts = await this.elevatedAccounts();
    this.send({ v: protocolVersion, type: 'agent.heartbeat', elevatedAccounts });
  }

  /** Accounts this agent reports as administrators: those its sessions hold, plus any the driver lists. */
  private async elevatedAccounts(): Promise<string[]> {
    const accounts = new Set(this.options.keeper.elevatedAccounts());
    try {
      for (const account of (await this.options.driver.listElevated?.()) ?? []) {
        accounts.add(account);
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'listing administrators failed');
    }
    return [...accounts].sort();
  }

  /** Sends one message if the socket is open; returns whether it was sent. */
  private send(message: AgentMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }
}
