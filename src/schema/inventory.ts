import type { Prisma } from '../db/client.js';
import { readAroundCursor } from '../db/paging.js';
import {
  createDeviceGroup,
  enrollDevice,
  revokeAgentToken,
  rotateAgentToken,
  setExcludedAccounts,
  updateDeviceGroupMembers,
} from '../domain/devices/devices.js';
import { getAgentSettings, updateAgentSettings } from '../domain/settings/agent-settings.js';
import { builder } from './builder.js';
import { checkConnectionArgs } from './connection-args.js';
import type { Principal } from './context.js';
import { DeviceRef, EnrolledDeviceRef } from './device.js';
import { resolveTotalCount } from './request-queries.js';
import { escapeLike, requireSearchTerm } from './request-table.js';

const AgentSettingsRef = builder
  .objectRef<{
    dailyRequestLimit: number;
    jitSectionVisible: boolean;
    requestSubmissionEnabled: boolean;
  }>('AgentSettings')
  .implement({
    fields: (t) => ({
      dailyRequestLimit: t.exposeInt('dailyRequestLimit'),
      jitSectionVisible: t.exposeBoolean('jitSectionVisible'),
      requestSubmissionEnabled: t.exposeBoolean('requestSubmissionEnabled'),
    }),
  });

/** Case-insensitive search over device name and serial number. */
function deviceSearchWhere(search: string | null | undefined): Prisma.DeviceWhereInput {
  const term = requireSearchTerm(search);
  if (term === null) return {};
  const pattern = escapeLike(term);
  return {
    OR: [
      { name: { contains: pattern, mode: 'insensitive' } },
      { serialNumber: { contains: pattern, mode: 'insensitive' } },
    ],
  };
}

const DeviceConnectionRef = builder.connectionObject(
  {
    type: DeviceRef,
    name: 'DeviceConnection',
    fields: (t) => ({
      totalCount: t.int({
        description: 'Devices matching the search, on every page.',
        resolve: (connection) => resolveTotalCount(connection),
      }),
    }),
  },
  { name: 'DeviceEdge' },
);

const ViewerRef = builder.objectRef<Principal>('Viewer').implement({
  description: 'The signed-in console user, so a console can hide what the role may not do.',
  fields: (t) => ({
    id: t.exposeString('sub', { description: 'The `sub` claim of the token.' }),
    role: t.exposeString('role', { description: 'admin, approver or auditor.' }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    resolve: (_parent, _args, context) => context.principal!,
  }),
  devices: t.prismaConnection(
    {
      type: 'Device',
      description: 'Enrolled devices, sorted by name.',
      cursor: 'id',
      defaultSize: 50,
      maxSize: checkConnectionArgs,
      args: {
        search: t.arg.string({
          description: 'Case-insensitive text in the name or serial number.',
        }),
      },
      totalCount: (_parent, args, context) =>
        context.prisma.device.count({ where: deviceSearchWhere(args.search) }),
      resolve: (query, _parent, args, context) =>
        // When the cursor device is renamed out of the search between two pages, the next page
        // still starts at the device after it.
        readAroundCursor(query, (paging) =>
          context.prisma.device.findMany({
            ...paging,
            where: deviceSearchWhere(args.search),
            orderBy: [{ name: 'asc' }, { id: 'asc' }],
          }),
        ),
    },
    DeviceConnectionRef,
  ),
  device: t.prismaField({
    type: 'Device',
    nullable: true,
    description: 'One device by id; null when there is none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.device.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
  deviceGroups: t.prismaField({
    type: ['DeviceGroup'],
    description: 'Every device group, sorted by name.',
    resolve: (query, _parent, _args, context) =>
      context.prisma.deviceGroup.findMany({ ...query, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  }),
  deviceGroup: t.prismaField({
    type: 'DeviceGroup',
    nullable: true,
    description: 'One device group by id; null when there is none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.deviceGroup.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
  agentSettings: t.field({
    type: AgentSettingsRef,
    description:
      "A device group's own settings, or the global default when the group has none or no group is given.",
    args: { deviceGroupId: t.arg.id() },
    resolve: (_parent, args, context) =>
      getAgentSettings(
        context.domain,
        args.deviceGroupId === null || args.deviceGroupId === undefined
          ? null
          : String(args.deviceGroupId),
      ),
  }),
}));

const EnrollDeviceInput = builder.inputType('EnrollDeviceInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    serialNumber: t.string(),
    platform: t.string({ required: true, description: 'macos, linux or windows.' }),
    deviceGroupIds: t.idList(),
  }),
});

const CreateDeviceGroupInput = builder.inputType('CreateDeviceGroupInput', {
  fields: (t) => ({ name: t.string({ required: true }), deviceIds: t.idList() }),
});

const UpdateDeviceGroupMembersInput = builder.inputType('UpdateDeviceGroupMembersInput', {
  fields: (t) => ({
    deviceGroupId: t.id({ required: true }),
    addDeviceIds: t.idList(),
    removeDeviceIds: t.idList(),
  }),
});

const UpdateAgentSettingsInput = builder.inputType('UpdateAgentSettingsInput', {
  fields: (t) => ({
    deviceGroupId: t.id({ description: 'Absent: the global default.' }),
    dailyRequestLimit: t.int({
      description: 'Requests one user account may raise per day, 0 to 1000.',
    }),
    jitSectionVisible: t.boolean(),
    requestSubmissionEnabled: t.boolean(),
  }),
});

const DeviceIdInput = builder.inputType('DeviceIdInput', {
  fields: (t) => ({ deviceId: t.id({ required: true }) }),
});

const SetExcludedAccountsInput = builder.inputType('SetExcludedAccountsInput', {
  fields: (t) => ({
    deviceId: t.id({ required: true }),
    accounts: t.stringList({ required: true }),
  }),
});

const ids = (values: readonly (string | number)[] | null | undefined) => values?.map(String);

builder.mutationFields((t) => ({
  enrollDevice: t.field({
    type: EnrolledDeviceRef,
    description: 'Enrolls a device and returns its agent token, which is shown only here.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: EnrollDeviceInput, required: true }) },
    resolve: (_root, { input }, context) =>
      enrollDevice(context.domain, context.actor, {
        ...input,
        deviceGroupIds: ids(input.deviceGroupIds),
      }),
  }),
  rotateAgentToken: t.field({
    type: EnrolledDeviceRef,
    description:
      'Issues a new agent token; the old one stops working at once. Also re-enables a revoked token.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeviceIdInput, required: true }) },
    resolve: (_root, { input }, context) =>
      rotateAgentToken(context.domain, context.actor, String(input.deviceId)),
  }),
  revokeAgentToken: t.prismaField({
    type: 'Device',
    description:
      'Revokes the agent token: the agent is refused and the device is no longer targeted.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeviceIdInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const device = await revokeAgentToken(context.domain, context.actor, String(input.deviceId));
      return context.prisma.device.findUniqueOrThrow({ ...query, where: { id: device.id } });
    },
  }),
  setExcludedAccounts: t.prismaField({
    type: 'Device',
    description: "Replaces the local accounts the device's agent never lowers.",
    authScopes: { admin: true },
    args: { input: t.arg({ type: SetExcludedAccountsInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const device = await setExcludedAccounts(
        context.domain,
        context.actor,
        String(input.deviceId),
        input.accounts,
      );
      return context.prisma.device.findUniqueOrThrow({ ...query, where: { id: device.id } });
    },
  }),
  createDeviceGroup: t.prismaField({
    type: 'DeviceGroup',
    description: 'Creates a device group with a unique name.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateDeviceGroupInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const group = await createDeviceGroup(context.domain, context.actor, {
        ...input,
        deviceIds: ids(input.deviceIds),
      });
      return context.prisma.deviceGroup.findUniqueOrThrow({ ...query, where: { id: group.id } });
    },
  }),
  updateDeviceGroupMembers: t.prismaField({
    type: 'DeviceGroup',
    description: 'Adds and removes members in one step; running sessions keep their devices.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateDeviceGroupMembersInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const group = await updateDeviceGroupMembers(context.domain, context.actor, {
        deviceGroupId: String(input.deviceGroupId),
        addDeviceIds: ids(input.addDeviceIds),
        removeDeviceIds: ids(input.removeDeviceIds),
      });
      return context.prisma.deviceGroup.findUniqueOrThrow({ ...query, where: { id: group.id } });
    },
  }),
  updateAgentSettings: t.field({
    type: AgentSettingsRef,
    description:
      "Changes the global default (no deviceGroupId) or one group's settings; absent fields keep their value.",
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateAgentSettingsInput, required: true }) },
    resolve: (_root, { input }, context) =>
      updateAgentSettings(context.domain, context.actor, {
        ...input,
        deviceGroupId:
          input.deviceGroupId === null || input.deviceGroupId === undefined
            ? null
            : String(input.deviceGroupId),
      }),
  }),
}));
