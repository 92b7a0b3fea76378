import { builder } from './builder.js';

export const DeviceRef = builder.prismaNode('Device', {
  id: { field: 'id' },
  // Load only the columns the client's fields need; JitRequest.devices reads them in SQL.
  select: { id: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    serialNumber: t.exposeString('serialNumber', { nullable: true }),
    platform: t.exposeString('platform'),
    online: t.exposeBoolean('online'),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', nullable: true }),
    tokenRevoked: t.boolean({
      description: 'True once the agent token was revoked; the agent can no longer connect.',
      select: { tokenRevokedAt: true },
      resolve: (device) => device.tokenRevokedAt !== null,
    }),
    excludedAccounts: t.exposeStringList('excludedAccounts', {
      description: 'Local accounts the agent never lowers.',
    }),
    enrolledAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const DeviceGroupRef = builder.prismaNode('DeviceGroup', {
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectField(DeviceRef, 'groups', (t) =>
  t.field({
    type: [DeviceGroupRef],
    description: 'Groups the device belongs to, sorted by name.',
    // The client's selection on DeviceGroup is planned into the same statement as the memberships.
    select: (_args, _context, nestedSelection) => ({
      memberships: {
        select: { group: nestedSelection(true) },
        orderBy: [{ group: { name: 'asc' } }, { groupId: 'asc' }],
      },
    }),
    resolve: (device) => device.memberships.map((membership) => membership.group),
  }),
);

builder.prismaObjectField(DeviceGroupRef, 'devices', (t) =>
  t.field({
    type: [DeviceRef],
    description: 'Devices in the group, sorted by name.',
    select: (_args, _context, nestedSelection) => ({
      members: {
        select: { device: nestedSelection(true) },
        orderBy: [{ device: { name: 'asc' } }, { deviceId: 'asc' }],
      },
    }),
    resolve: (group) => group.members.map((member) => member.device),
  }),
);

export const EnrolledDeviceRef = builder
  .objectRef<{ device: { id: string }; agentToken: string }>('EnrolledDevice')
  .implement({
    fields: (t) => ({
      device: t.prismaField({
        type: 'Device',
        resolve: (query, parent, _args, context) =>
          context.prisma.device.findUniqueOrThrow({ ...query, where: { id: parent.device.id } }),
      }),
      agentToken: t.exposeString('agentToken', {
        description: 'The agent token, shown only in this response. Only its hash is stored.',
      }),
    }),
  });
