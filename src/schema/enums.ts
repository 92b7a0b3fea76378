import { builder } from './builder.js';

export const JitStatusEnum = builder.enumType('JitStatus', {
  values: [
    'PENDING',
    'SCHEDULED',
    'ACTIVE',
    'COMPLETED',
    'DENIED',
    'REVOKED',
    'PRE_REVOKED',
    'EXPIRED',
    'FAILED',
  ] as const,
});

export const DurationTypeEnum = builder.enumType('DurationType', {
  values: ['FIXED', 'SCHEDULED'] as const,
});

export const RequesterKindEnum = builder.enumType('RequesterKind', {
  values: ['USER', 'ADMIN'] as const,
});

export const LiveTabEnum = builder.enumType('LiveTab', {
  values: ['PENDING', 'ACTIVE', 'SCHEDULED'] as const,
});

export const DeviceSessionStateEnum = builder.enumType('DeviceSessionState', {
  values: {
    WAITING: {
      description:
        'Not applied yet. In a Past request: never applied, because the device did not connect while the window was open.',
    },
    APPLIED: { description: 'The agent made the account an administrator.' },
    SUSPENDED: {
      description:
        'Lowered by the agent while offline (Internet Access Required); raised again on reconnect if time remains.',
    },
    REMOVED: { description: 'The agent lowered the account again.' },
    FAILED: { description: 'The agent could not apply the change; see failureReason.' },
  } as const,
});
