import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type WebSocket, WebSocketServer } from 'ws';

import {
  type AgentMessage,
  agentMessageSchema,
  type DesiredLower,
  type DesiredSession,
  type ServerMessage,
} from '../../src/agent-gateway/protocol.js';

export interface FakeGatewayOptions {
  token: string;
  heartbeatIntervalSeconds?: number;
  offlineRevokeAfterSeconds?: number;
  /** False: acks get no server.ack-received, as when the server failed to record them. */
  confirmAcks?: boolean;
  /** Builds the reply to an agent.raise or agent.request-extension; by default, a request id. */
  onRequest?: (message: AgentMessage & { id: string }) => ServerMessage;
}

/**
 * A scripted stand-in for the server's agent gateway. It speaks protocol version 1, checks every
 * agent message against the protocol's schemas and records them, so agent tests run without a
 * database and can cut the connection at will.
 */
export class FakeGateway {
  readonly received: AgentMessage[] = [];
  /** Agent messages that failed the protocol schema (a test failure when not empty). */
  readonly invalid: unknown[] = [];
  connections = 0;
  sessions: DesiredSession[] = [];
  lower: DesiredLower[] = [];
  excludedAccounts: string[] = [];
  private readonly sockets = new Set<WebSocket>();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  port = 0;

  constructor(private readonly options: FakeGatewayOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on port 0 the first time, and on the same port after a stop. */
  async start(): Promise<void> {
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer((_request, response) => response.writeHead(404).end());
    server.on('upgrade', (request, socket, head) => {
      if (request.headers.authorization !== `Bearer ${this.options.token}`) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
  }

  /** Drops every connection without a close frame and stops listening, like a network cut. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    this.wss?.close();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.server = null;
  }

  /** Closes every open connection with a close code. */
  closeAll(code: number): void {
    for (const socket of this.sockets) socket.close(code, 'test');
  }

  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /** Sends the current desired state to every connected agent. */
  pushDesiredState(): void {
    for (const socket of this.sockets) this.send(socket, this.desiredState());
  }

  messagesOf<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.received.filter(
      (message): message is Extract<AgentMessage, { type: T }> => message.type === type,
    );
  }

  private accept(socket: WebSocket): void {
    this.connections += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => this.onMessage(socket, data.toString()));
    this.send(socket, {
      v: 1,
      type: 'server.welcome',
      deviceId: 'dev_fake',
      deviceName: 'fake device',
      serverTime: new Date().toISOString(),
      heartbeatIntervalSeconds: this.options.heartbeatIntervalSeconds ?? 30,
      offlineRevokeAfterSeconds: this.options.offlineRevokeAfterSeconds ?? 300,
      maxMessageBytes: 32_768,
    });
    this.send(socket, {
      v: 1,
      type: 'server.settings',
      settings: { dailyRequestLimit: 3, jitSectionVisible: true, requestSubmissionEnabled: true },
    });
    this.send(socket, this.desiredState());
  }

  private onMessage(socket: WebSocket, text: string): void {
    const parsed = agentMessageSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      this.invalid.push(text);
      return;
    }
    const message = parsed.data;
    this.received.push(message);
    if (message.type === 'agent.heartbeat') {
      this.send(socket, {
        v: 1,
        type: 'server.heartbeat-ack',
        serverTime: new Date().toISOString(),
      });
    } else if (message.type === 'agent.ack' && this.options.confirmAcks !== false) {
      this.send(socket, {
        v: 1,
        type: 'server.ack-received',
        commandId: message.commandId,
        alreadyAcknowledged: false,
      });
    } else if (message.type === 'agent.raise' || message.type === 'agent.request-extension') {
      const reply = this.options.onRequest?.(message) ?? {
        v: 1,
        type: 'server.raise-result',
        replyTo: message.id,
        ok: true,
        requestId: 'req_fake',
        status: 'PENDING',
      };
      this.send(socket, reply);
    }
  }

  private desiredState(): ServerMessage {
    return {
      v: 1,
      type: 'server.desired-state',
      serverTime: new Date().toISOString(),
      sessions: this.sessions,
      lower: this.lower,
      excludedAccounts: this.excludedAccounts,
    };
  }

  private send(socket: WebSocket, message: ServerMessage): void {
    socket.send(JSON.stringify(message));
  }
}
