import {
  createDeviceGroup,
  enrollDevice,
  revokeAgentToken,
  rotateAgentToken,
  setExcludedAccounts,
  updateDeviceGroupMembers,
} from '../domain/devices/devices.js';
import { ValidationError } from '../domain/errors.js';
import { getAgentSettings, updateAgentSettings } from '../domain/settings/agent-settings.js';
import { builder } from './builder.js';
import { EnrolledDeviceRef } from './device.js';
import { maxPageSize, maxSearchLength } from './request-queries.js';

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

function deviceSearchWhere(search: string | null | undefined) {
  const term = search?.trim();
  if (!term) return {};
  if (term.length > maxSearchLength) {
    throw new ValidationError(
      'search',
      `Search text is ${term.length} characters long; the maximum is ${maxSearchLength}.`,
    );
  }
  return {
    OR: [
      { name: { contains: term, mode: 'insensitive' as const } },
      { serialNumber: { contains: term, mode: 'insensitive' as const } },
    ],
  };
}

builder.queryFields((t) => ({
  devices: t.prismaConnection({
    type: 'Device',
    cursor: 'id',
    defaultSize: 50,
    maxSize: maxPageSize,
    args: { search: t.arg.string() },
    totalCount: (_parent, args, context) =>
      context.prisma.device.count({ where: deviceSearchWhere(args.search) }),
    resolve: (query, _parent, args, context) =>
      context.prisma.device.findMany({
        ...query,
        where: deviceSearchWhere(args.search),
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }),
  deviceGroups: t.prismaField({
    type: ['DeviceGroup'],
    resolve: (query, _parent, _args, context) =>
      context.prisma.deviceGroup.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
  agentSettings: t.field({
    type: AgentSettingsRef,
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
    dailyRequestLimit: t.int(),
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
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeviceIdInput, required: true }) },
    resolve: (_root, { input }, context) =>
      rotateAgentToken(context.domain, context.actor, String(input.deviceId)),
  }),
  revokeAgentToken: t.prismaField({
    type: 'Device',
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeviceIdInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const device = await revokeAgentToken(context.domain, context.actor, String(input.deviceId));
      return context.prisma.device.findUniqueOrThrow({ ...query, where: { id: device.id } });
    },
  }),
  setExcludedAccounts: t.prismaField({
    type: 'Device',
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
