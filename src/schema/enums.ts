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
  values: ['WAITING', 'APPLIED', 'SUSPENDED', 'REMOVED', 'FAILED'] as const,
});
