// Messages of the agent protocol, version 1, as zod schemas with their TypeScript types.
// docs/agent-protocol.md describes the exchange; this file is the machine-checked half of it, and
// the reference agent imports it. Changes must stay additive: new optional fields or new message
// types. Receivers ignore fields they do not know, so both sides parse with plain z.object.
import { z } from 'zod';

export const protocolVersion = 1;

/** Path of the agent WebSocket on the server's HTTP port. */
export const agentPath = '/agent';

/** WebSocket close codes the server uses, beside the standard 1001 (going away) and 1009 (too big). */
export const closeCodes = {
  /** The device's token was rotated or revoked while connected: stop and re-enroll. */
  tokenRevoked: 4001,
  /** A newer connection of the same device replaced this one: do not reconnect from this process. */
  replaced: 4002,
  /** No message for three heartbeat intervals. */
  heartbeatTimeout: 4003,
} as const;

/** Error codes of `server.error` frames and of failed results. */
export const errorCodes = [
  // Domain errors, shared with the GraphQL API.
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'DAILY_LIMIT_REACHED',
  'SUBMISSION_DISABLED',
  'RATE_LIMITED',
  // Protocol errors.
  'MALFORMED_MESSAGE',
  'UNKNOWN_MESSAGE_TYPE',
  'UNSUPPORTED_VERSION',
  'INTERNAL_ERROR',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** A string PostgreSQL can store: text columns cannot contain the NUL character (U+0000). */
const storable = () =>
  z.string().refine((value) => !value.includes('\u0000'), {
    message: 'contains a NUL character (U+0000), which cannot be stored',
  });
const accountName = storable().min(1).max(64);
const identifier = storable().min(1).max(64);
/** Client-chosen correlation id; the server copies it into `replyTo` of the matching reply. */
const messageId = storable().min(1).max(64);
const text = (max: number) => storable().max(max);
const isoDateTime = z.iso.datetime({ offset: true });

const envelope = { v: z.literal(protocolVersion) };

/** Local accounts that are administrators right now, excluded accounts included. */
const elevatedAccounts = z.array(accountName).max(256);

// ---------------------------------------------------------------------------------------------
// Agent to server

export const agentHelloSchema = z.object({
  ...envelope,
  type: z.literal('agent.hello'),
  agentVersion: text(64),
  platform: text(32).optional(),
  elevatedAccounts: elevatedAccounts.optional(),
});

export const agentHeartbeatSchema = z.object({
  ...envelope,
  type: z.literal('agent.heartbeat'),
  elevatedAccounts: elevatedAccounts.optional(),
});

export const agentStateSchema = z.object({
  ...envelope,
  type: z.literal('agent.state'),
  elevatedAccounts,
});

export const ackResults = ['applied', 'lowered', 'account-not-found', 'failed'] as const;
export type AckResult = (typeof ackResults)[number];

export const agentAckSchema = z.object({
  ...envelope,
  type: z.literal('agent.ack'),
  commandId: identifier,
  /** `applied` acknowledges an apply and `lowered` a lower. The other two fit either kind. */
  result: z.enum(ackResults),
  /** Error text for `failed` (and optionally `account-not-found`). */
  error: text(1000).optional(),
  /**
   * For `lowered`: seconds since the account was actually lowered, on the agent's monotonic
   * clock, when the agent lowered it on its own before this ack (deadline or offline revoke).
   * Absent or 0: lowered just now.
   */
  loweredSecondsAgo: z.number().int().min(0).optional(),
});

export const agentRaiseSchema = z.object({
  ...envelope,
  type: z.literal('agent.raise'),
  id: messageId,
  userAccountName: accountName,
  durationSeconds: z.number().int().positive(),
  reason: text(1000),
  name: text(120).optional(),
  /** Present: a Scheduled request starting then (must lie in the future). Absent: Fixed. */
  scheduledStartAt: isoDateTime.optional(),
  internetAccessRequired: z.boolean().optional(),
});

export const agentRequestExtensionSchema = z
  .object({
    ...envelope,
    type: z.literal('agent.request-extension'),
    id: messageId,
    /** The ACTIVE request to extend; absent: the latest ACTIVE request for `userAccountName`. */
    requestId: identifier.optional(),
    userAccountName: accountName.optional(),
    additionalSeconds: z.number().int().positive(),
    reason: text(1000),
  })
  .refine((message) => message.requestId !== undefined || message.userAccountName !== undefined, {
    message: 'requestId or userAccountName is required',
    path: ['requestId'],
  });

export const agentMessageSchema = z.discriminatedUnion('type', [
  agentHelloSchema,
  agentHeartbeatSchema,
  agentStateSchema,
  agentAckSchema,
  agentRaiseSchema,
  agentRequestExtensionSchema,
]);

export const agentMessageTypes = [
  'agent.hello',
  'agent.heartbeat',
  'agent.state',
  'agent.ack',
  'agent.raise',
  'agent.request-extension',
] as const;

export type AgentHello = z.infer<typeof agentHelloSchema>;
export type AgentHeartbeat = z.infer<typeof agentHeartbeatSchema>;
export type AgentState = z.infer<typeof agentStateSchema>;
export type AgentAck = z.infer<typeof agentAckSchema>;
export type AgentRaise = z.infer<typeof agentRaiseSchema>;
export type AgentRequestExtension = z.infer<typeof agentRequestExtensionSchema>;
export type AgentMessage = z.infer<typeof agentMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Server to agent

export const agentSettingsSchema = z.object({
  dailyRequestLimit: z.number().int().min(0),
  jitSectionVisible: z.boolean(),
  requestSubmissionEnabled: z.boolean(),
});

export const serverWelcomeSchema = z.object({
  ...envelope,
  type: z.literal('server.welcome'),
  deviceId: z.string(),
  deviceName: z.string(),
  serverTime: isoDateTime,
  heartbeatIntervalSeconds: z.number().int().positive(),
  offlineRevokeAfterSeconds: z.number().int().positive(),
  maxMessageBytes: z.number().int().positive(),
});

export const serverSettingsSchema = z.object({
  ...envelope,
  type: z.literal('server.settings'),
  settings: agentSettingsSchema,
});

/** One elevation the device must hold now. */
export const desiredSessionSchema = z.object({
  /** Acknowledge with `agent.ack` (`applied`, `account-not-found` or `failed`). */
  commandId: z.string(),
  deviceSessionId: z.string(),
  requestId: z.string(),
  userAccountName: z.string(),
  /** Seconds left at `serverTime`, by the server's clock; count down on a monotonic clock. */
  remainingSeconds: z.number().int().positive(),
  /** The planned end, for display only: the deadline is `remainingSeconds`, not this. */
  expiresAt: isoDateTime,
  internetAccessRequired: z.boolean(),
  /** With internetAccessRequired: lower the account after this many seconds without the server. */
  offlineRevokeAfterSeconds: z.number().int().positive(),
});

export const lowerReasons = ['ended', 'revoked', 'drift'] as const;

/** One account the device must lower now. */
export const desiredLowerSchema = z.object({
  /** Acknowledge with `agent.ack` (`lowered`, `account-not-found` or `failed`). */
  commandId: z.string(),
  deviceSessionId: z.string().nullable(),
  requestId: z.string().nullable(),
  userAccountName: z.string(),
  reason: z.enum(lowerReasons),
});

export const serverDesiredStateSchema = z.object({
  ...envelope,
  type: z.literal('server.desired-state'),
  serverTime: isoDateTime,
  /** The full set of sessions to keep. An elevation the agent applied earlier and no longer finds here is lowered. */
  sessions: z.array(desiredSessionSchema),
  lower: z.array(desiredLowerSchema),
  /** Accounts never to lower: the device's list plus the server-wide list. */
  excludedAccounts: z.array(z.string()),
});

export const serverAckReceivedSchema = z.object({
  ...envelope,
  type: z.literal('server.ack-received'),
  commandId: z.string(),
  /** True when the command had been acknowledged before; nothing changed. */
  alreadyAcknowledged: z.boolean(),
});

const resultError = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  field: z.string().optional(),
});

export const serverRaiseResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ...envelope,
    type: z.literal('server.raise-result'),
    replyTo: z.string(),
    ok: z.literal(true),
    requestId: z.string(),
    status: z.string(),
  }),
  z.object({
    ...envelope,
    type: z.literal('server.raise-result'),
    replyTo: z.string(),
    ok: z.literal(false),
    error: resultError,
  }),
]);

export const serverExtensionResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ...envelope,
    type: z.literal('server.extension-result'),
    replyTo: z.string(),
    ok: z.literal(true),
    requestId: z.string(),
  }),
  z.object({
    ...envelope,
    type: z.literal('server.extension-result'),
    replyTo: z.string(),
    ok: z.literal(false),
    error: resultError,
  }),
]);

export const serverHeartbeatAckSchema = z.object({
  ...envelope,
  type: z.literal('server.heartbeat-ack'),
  serverTime: isoDateTime,
});

export const serverErrorSchema = z.object({
  ...envelope,
  type: z.literal('server.error'),
  code: z.enum(errorCodes),
  message: z.string(),
  /** The offending field of the rejected message, when one is to blame. */
  field: z.string().optional(),
  /** `id` of the rejected message, when it had one. */
  replyTo: z.string().optional(),
  /** `type` of the rejected message, when it could be read. */
  messageType: z.string().optional(),
});

export const serverMessageSchema = z.union([
  serverWelcomeSchema,
  serverSettingsSchema,
  serverDesiredStateSchema,
  serverAckReceivedSchema,
  serverRaiseResultSchema,
  serverExtensionResultSchema,
  serverHeartbeatAckSchema,
  serverErrorSchema,
]);

export type AgentSettings = z.infer<typeof agentSettingsSchema>;
export type DesiredSession = z.infer<typeof desiredSessionSchema>;
export type DesiredLower = z.infer<typeof desiredLowerSchema>;
export type LowerReason = (typeof lowerReasons)[number];
export type ServerWelcome = z.infer<typeof serverWelcomeSchema>;
export type ServerSettings = z.infer<typeof serverSettingsSchema>;
export type ServerDesiredState = z.infer<typeof serverDesiredStateSchema>;
export type ServerAckReceived = z.infer<typeof serverAckReceivedSchema>;
export type ServerRaiseResult = z.infer<typeof serverRaiseResultSchema>;
export type ServerExtensionResult = z.infer<typeof serverExtensionResultSchema>;
export type ServerHeartbeatAck = z.infer<typeof serverHeartbeatAckSchema>;
export type ServerError = z.infer<typeof serverErrorSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;
