import { isLive, remainingSeconds } from '../domain/requests/lifecycle.js';
import { builder } from './builder.js';
import { loadRequestDevices } from './request-devices.js';
import {
  DeviceSessionStateEnum,
  DurationTypeEnum,
  JitStatusEnum,
  RequesterKindEnum,
} from './enums.js';

export const AuditEventRef = builder.prismaObject('AuditEvent', {
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    actor: t.exposeString('actor'),
    action: t.exposeString('action'),
    details: t.string({
      nullable: true,
      description: 'What changed, as a JSON object.',
      select: { details: true },
      resolve: (event) => (event.details === null ? null : JSON.stringify(event.details)),
    }),
  }),
});

export const DeviceSessionRef = builder.prismaObject('DeviceSession', {
  fields: (t) => ({
    device: t.relation('device'),
    state: t.expose('state', { type: DeviceSessionStateEnum }),
    appliedAt: t.expose('appliedAt', { type: 'DateTime', nullable: true }),
    removedAt: t.expose('removedAt', { type: 'DateTime', nullable: true }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    overrunSeconds: t.exposeInt('overrunSeconds', {
      nullable: true,
      description:
        'Seconds the account stayed elevated past the planned end, when the device lowered it late.',
    }),
  }),
});

const deviceSessionOrder = [{ device: { name: 'asc' as const } }, { id: 'asc' as const }];

export const JitRequestRef = builder.prismaNode('JitRequest', {
  id: { field: 'id' },
  // Load only the columns the client's fields need: searchText alone can be longer than the row.
  // The status is always read because the devices field depends on it.
  select: { id: true, status: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    userAccountName: t.exposeString('userAccountName'),
    durationType: t.expose('durationType', { type: DurationTypeEnum }),
    durationSeconds: t.exposeInt('durationSeconds'),
    extensionSeconds: t.exposeInt('extensionSeconds', {
      description: 'Seconds added by extensions.',
    }),
    scheduledStartAt: t.expose('scheduledStartAt', { type: 'DateTime', nullable: true }),
    internetAccessRequired: t.exposeBoolean('internetAccessRequired'),
    status: t.expose('status', { type: JitStatusEnum }),
    requesterKind: t.expose('requesterKind', { type: RequesterKindEnum }),
    requestedBy: t.exposeString('requestedBy'),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    approvedBy: t.exposeString('approvedBy', { nullable: true }),
    approvedAt: t.expose('approvedAt', { type: 'DateTime', nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    remainingSeconds: t.int({
      nullable: true,
      description: 'Seconds until expiry, for ACTIVE requests only.',
      select: { status: true, expiresAt: true },
      resolve: (request, _args, context) =>
        request.status === 'ACTIVE' && request.expiresAt
          ? remainingSeconds(request.expiresAt, context.domain.clock.now())
          : null,
    }),
    reasonByUser: t.exposeString('reasonByUser', { nullable: true }),
    reasonByAdmin: t.exposeString('reasonByAdmin', { nullable: true }),
    revokedBy: t.exposeString('revokedBy', { nullable: true }),
    extensionRequested: t.exposeBoolean('extensionRequested'),
    extensionRequestedSeconds: t.exposeInt('extensionRequestedSeconds', {
      nullable: true,
      description: 'Seconds the device user asked to add, while extensionRequested is true.',
    }),
    extensionRequestReason: t.exposeString('extensionRequestReason', {
      nullable: true,
      description:
        "The device user's justification for the extension, while extensionRequested is true.",
    }),
    raisedFromDevice: t.relation('raisedFrom', {
      nullable: true,
      description: 'The device whose user raised the request.',
    }),
    devices: t.prismaField({
      type: ['Device'],
      description:
        'Devices of the request, sorted by name: those with a device session once it started; for a request that ended without starting, the devices it covered then; otherwise the named devices and the current members of named groups.',
      resolve: (query, request, _args, context) =>
        loadRequestDevices(context, query, { id: request.id, live: isLive(request.status) }),
    }),
    deviceSessions: t.relation('deviceSessions', {
      query: { orderBy: deviceSessionOrder },
    }),
    auditTrail: t.relation('auditEvents', { query: { orderBy: { id: 'asc' } } }),
  }),
});
