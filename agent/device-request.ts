import { randomUUID } from 'node:crypto';

import WebSocket from 'ws';

import {
  type AgentRaise,
  type AgentRequestExtension,
  closeCodes,
  type ServerMessage,
  serverMessageSchema,
} from '../src/agent-gateway/protocol.js';
import { agentSocketUrl } from './connection.js';

/** Outcome of a request sent from the device: the request id, or an error code and message. */
export type DeviceRequestOutcome =
  | { ok: true; requestId: string; status?: string }
  | { ok: false; code: string; message: string; field?: string };

type RequestMessage = Omit<AgentRaise, 'id'> | Omit<AgentRequestExtension, 'id'>;

const defaultTimeoutMs = 15_000;

/**
 * Opens a short connection with the device token, sends one agent.raise or
 * agent.request-extension after server.welcome, and resolves with the server's result. Commands
 * the server sends meanwhile are left for the running agent, which acknowledges them.
 */
export function sendDeviceRequest(options: {
  serverUrl: string;
  token: string;
  message: RequestMessage;
  timeoutMs?: number;
}): Promise<DeviceRequestOutcome> {
  const id = randomUUID();
  // A requests-only connection leaves the device's running agent connected.
  const url = new URL(agentSocketUrl(options.serverUrl));
  url.searchParams.set('mode', 'requests');
  const socket = new WebSocket(url, {
    headers: { authorization: `Bearer ${options.token}` },
    perMessageDeflate: false,
    handshakeTimeout: 10_000,
  });

  return new Promise<DeviceRequestOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: DeviceRequestOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'request done');
      else socket.terminate();
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          code: 'TIMEOUT',
          message: `The server sent no response within ${(options.timeoutMs ?? defaultTimeoutMs) / 1000} s; check the server URL and try again.`,
        }),
      options.timeoutMs ?? defaultTimeoutMs,
    );

    socket.on('unexpected-response', (_request, response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      finish(
        status === 401
          ? { ok: false, code: 'UNAUTHENTICATED', message: 'The server rejected the agent token.' }
          : {
              ok: false,
              code: 'CONNECTION_FAILED',
              message: `The server rejected the connection with HTTP ${status}.`,
            },
      );
    });
    socket.on('error', (error) =>
      finish({
        ok: false,
        code: 'CONNECTION_FAILED',
        message: `Connecting to ${options.serverUrl} failed: ${error.message}`,
      }),
    );
    socket.on('close', (code) =>
      finish({
        ok: false,
        code: code === closeCodes.replaced ? 'CONNECTION_REPLACED' : 'CONNECTION_CLOSED',
        message: `The server closed the connection (code ${code}) before responding, so the request may or may not have been recorded.`,
      }),
    );
    socket.on('message', (data) => {
      let message: ServerMessage;
      try {
        const parsed = serverMessageSchema.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) return;
        message = parsed.data;
      } catch {
        return;
      }
      const outcome = outcomeOf(message, id);
      if (outcome === 'welcome') socket.send(JSON.stringify({ ...options.message, id }));
      else if (outcome) finish(outcome);
    });
  });
}

function outcomeOf(message: ServerMessage, id: string): DeviceRequestOutcome | 'welcome' | null {
  switch (message.type) {
    case 'server.welcome':
      return 'welcome';
    case 'server.raise-result':
    case 'server.extension-result':
      if (message.replyTo !== id) return null;
      if (!message.ok) return { ok: false, ...message.error };
      return {
        ok: true,
        requestId: message.requestId,
        status: 'status' in message ? message.status : undefined,
      };
    case 'server.error':
      if (message.replyTo !== undefined && message.replyTo !== id) return null;
      return { ok: false, code: message.code, message: message.message, field: message.field };
    default:
      return null;
  }
}
