// Parsing of agent frames and construction of server frames. Code past parseAgentMessage
// handles only typed, validated messages.
import type { RawData } from 'ws';

import type { DesiredState } from '../domain/agents/desired-state.js';
import type { AgentSettingsValues } from '../domain/settings/agent-settings.js';
import {
  type AgentMessage,
  agentMessageSchema,
  agentMessageTypes,
  type ErrorCode,
  errorCodes,
  protocolVersion,
  type ServerDesiredState,
  type ServerError,
  type ServerSettings,
} from './protocol.js';

export type FrameError = Omit<ServerError, 'v' | 'type'>;

export type ParseResult =
  { ok: true; message: AgentMessage } | { ok: false; error: FrameError; bytes: number };

const maxEchoLength = 64;

function rawText(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Validates one incoming frame against the protocol schemas. */
export function parseAgentMessage(data: RawData, isBinary: boolean): ParseResult {
  const buffer = rawText(data);
  const bytes = buffer.length;
  const reject = (error: FrameError): ParseResult => ({ ok: false, error, bytes });
  if (isBinary) {
    return reject({
      code: 'MALFORMED_MESSAGE',
      message: 'Binary frames are not accepted; send each message as JSON text.',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(buffer.toString('utf8'));
  } catch {
    return reject({ code: 'MALFORMED_MESSAGE', message: 'The message is not valid JSON.' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject({ code: 'MALFORMED_MESSAGE', message: 'The message must be a JSON object.' });
  }

  const fields = value as Record<string, unknown>;
  const echo = {
    ...(typeof fields.id === 'string' &&
      fields.id.length <= maxEchoLength && { replyTo: fields.id }),
    ...(typeof fields.type === 'string' && { messageType: fields.type.slice(0, maxEchoLength) }),
  };
  if (fields.v === undefined) {
    return reject({
      ...echo,
      code: 'MALFORMED_MESSAGE',
      field: 'v',
      message: `The message has no protocol version 'v'; send v: ${protocolVersion}.`,
    });
  }
  if (fields.v !== protocolVersion) {
    return reject({
      ...echo,
      code: 'UNSUPPORTED_VERSION',
      field: 'v',
      message: `Protocol version ${JSON.stringify(fields.v).slice(0, maxEchoLength)} is not supported; this server speaks version ${protocolVersion}.`,
    });
  }
  if (!(agentMessageTypes as readonly unknown[]).includes(fields.type)) {
    return reject({
      ...echo,
      code: 'UNKNOWN_MESSAGE_TYPE',
      field: 'type',
      message: `Message type ${JSON.stringify(echo.messageType ?? null)} is unknown; expected one of ${agentMessageTypes.join(', ')}.`,
    });
  }
  const parsed = agentMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    return reject({
      ...echo,
      code: 'MALFORMED_MESSAGE',
      ...(field && { field }),
      message: `Field '${field || '(message)'}' is invalid: ${issue.message}.`,
    });
  }
  return { ok: true, message: parsed.data };
}

/** Maps a domain error code onto the protocol's list; codes the protocol lacks become internal. */
export function protocolErrorCode(code: string): ErrorCode {
  return (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'INTERNAL_ERROR';
}

export function errorFrame(error: FrameError): ServerError {
  return { v: protocolVersion, type: 'server.error', ...error };
}

export function settingsFrame(settings: AgentSettingsValues): ServerSettings {
  return { v: protocolVersion, type: 'server.settings', settings: { ...settings } };
}

export function desiredStateFrame(
  state: DesiredState,
  offlineRevokeAfterSeconds: number,
): ServerDesiredState {
  return {
    v: protocolVersion,
    type: 'server.desired-state',
    serverTime: state.at.toISOString(),
    sessions: state.sessions.map((session) => ({
      commandId: session.commandId,
      deviceSessionId: session.deviceSessionId,
      requestId: session.requestId,
      userAccountName: session.userAccountName,
      remainingSeconds: session.remainingSeconds,
      expiresAt: session.expiresAt.toISOString(),
      internetAccessRequired: session.internetAccessRequired,
      offlineRevokeAfterSeconds,
    })),
    lower: state.lower.map((entry) => ({
      commandId: entry.commandId,
      deviceSessionId: entry.deviceSessionId,
      requestId: entry.requestId,
      userAccountName: entry.userAccountName,
      reason: entry.reason,
    })),
    excludedAccounts: state.excludedAccounts,
  };
}
