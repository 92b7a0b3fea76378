// Child process of bench/gateway.ts: opens one agent WebSocket per token and behaves like the
// reference agent on the wire (hello, heartbeats, one ack per command, a state report after an
// apply), without drivers or deadlines. The parent drives it over the IPC channel.
import WebSocket from 'ws';

import type { AgentMessage } from '../src/agent-gateway/protocol.js';

export type ClientCommand =
  | { type: 'connect'; url: string; tokens: string[]; concurrency: number }
  | { type: 'pause-heartbeats'; paused: boolean }
  | { type: 'stats' }
  | { type: 'close' };

export interface ClientStats {
  type: 'stats';
  open: number;
  welcomed: number;
  connectFailures: number;
  unexpectedCloses: number;
  heartbeatsSent: number;
  heartbeatAcks: number;
  acksSent: number;
  /** Wall-clock time of the latest ack sent, in ms since the epoch; 0 before the first. */
  lastAckAtMs: number;
  /** server.error frames received, by error code. */
  serverErrors: Record<string, number>;
}

const stats: ClientStats = {
  type: 'stats',
  open: 0,
  welcomed: 0,
  connectFailures: 0,
  unexpectedCloses: 0,
  heartbeatsSent: 0,
  heartbeatAcks: 0,
  acksSent: 0,
  lastAckAtMs: 0,
  serverErrors: {},
};

/** An ack without server.ack-received is sent again with a desired state after this long. */
const ackRetryMs = 5_000;

const sockets = new Set<WebSocket>();
let heartbeatsPaused = false;
let closing = false;
const maxAttempts = 5;

function send(socket: WebSocket, message: AgentMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** Opens one connection and resolves once server.welcome arrives, retrying refused attempts. */
function openClient(url: string, token: string, attempt = 1): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    /** Acks sent and not confirmed yet (command id to Date.now()), and confirmed ones. */
    const acknowledged = new Map<string, number>();
    const confirmed = new Set<string>();
    const shouldAck = (commandId: string, now: number) => {
      if (confirmed.has(commandId)) return false;
      const sentAt = acknowledged.get(commandId);
      return sentAt === undefined || now - sentAt >= ackRetryMs;
    };
    let elevated: string[] = [];
    let heartbeatTimer: NodeJS.Timeout | null = null;
    let welcomed = false;

    const retry = () => {
      if (welcomed || closing) return;
      if (attempt >= maxAttempts) {
        stats.connectFailures += 1;
        resolve();
        return;
      }
      setTimeout(() => void openClient(url, token, attempt + 1).then(resolve), 200 * attempt);
    };

    socket.on('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
    });
    socket.on('error', () => undefined);
    socket.on('open', () => {
      stats.open += 1;
      sockets.add(socket);
      send(socket, { v: 1, type: 'agent.hello', agentVersion: 'bench', elevatedAccounts: [] });
    });
    socket.on('close', () => {
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      if (sockets.delete(socket)) {
        stats.open -= 1;
        if (!closing) stats.unexpectedCloses += 1;
      }
      if (!welcomed) retry();
    });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      switch (message.type) {
        case 'server.welcome': {
          welcomed = true;
          stats.welcomed += 1;
          const intervalMs = message.heartbeatIntervalSeconds * 1000;
          // A random phase spreads the heartbeats of all clients over the interval.
          setTimeout(() => {
            heartbeatTimer = setInterval(() => {
              if (heartbeatsPaused) return;
              stats.heartbeatsSent += 1;
              send(socket, { v: 1, type: 'agent.heartbeat', elevatedAccounts: elevated });
            }, intervalMs);
          }, Math.random() * intervalMs);
          resolve();
          return;
        }
        case 'server.desired-state': {
          const now = Date.now();
          for (const session of message.sessions) {
            if (!shouldAck(session.commandId, now)) continue;
            acknowledged.set(session.commandId, now);
            send(socket, {
              v: 1,
              type: 'agent.ack',
              commandId: session.commandId,
              result: 'applied',
            });
            stats.acksSent += 1;
            stats.lastAckAtMs = now;
          }
          for (const lower of message.lower) {
            if (!shouldAck(lower.commandId, now)) continue;
            acknowledged.set(lower.commandId, now);
            send(socket, {
              v: 1,
              type: 'agent.ack',
              commandId: lower.commandId,
              result: 'lowered',
            });
          }
          const next = [
            ...new Set(
              message.sessions.map(
                (session: { userAccountName: string }) => session.userAccountName,
              ),
            ),
          ].sort() as string[];
          if (next.join(',') !== elevated.join(',')) {
            elevated = next;
            send(socket, { v: 1, type: 'agent.state', elevatedAccounts: elevated });
          }
          return;
        }
        case 'server.heartbeat-ack':
          stats.heartbeatAcks += 1;
          return;
        case 'server.ack-received':
          confirmed.add(message.commandId);
          acknowledged.delete(message.commandId);
          return;
        case 'server.error':
          stats.serverErrors[message.code] = (stats.serverErrors[message.code] ?? 0) + 1;
          return;
        default:
          return;
      }
    });
  });
}

/** Opens every connection, at most `concurrency` handshakes at a time. */
async function connectAll(url: string, tokens: string[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const token = tokens[next]!;
      next += 1;
      await openClient(url, token);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

process.on('message', (command: ClientCommand) => {
  switch (command.type) {
    case 'connect':
      void connectAll(command.url, command.tokens, command.concurrency).then(() =>
        process.send!({ ...stats, type: 'connected' }),
      );
      return;
    case 'pause-heartbeats':
      heartbeatsPaused = command.paused;
      process.send!({ type: 'paused', paused: heartbeatsPaused });
      return;
    case 'stats':
      process.send!({ ...stats });
      return;
    case 'close':
      closing = true;
      for (const socket of sockets) socket.terminate();
      process.send!({ type: 'closed' }, () => process.exit(0));
      return;
  }
});

process.send!({ type: 'ready' });
