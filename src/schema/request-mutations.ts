import { createJitRequest } from '../domain/requests/create-request.js';
import {
  approveRequest,
  denyRequest,
  extendRequest,
  revokeRequest,
} from '../domain/requests/transitions.js';
import { builder } from './builder.js';
import { DurationTypeEnum } from './enums.js';

const CreateJitRequestInput = builder.inputType('CreateJitRequestInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    userAccountName: t.string({ required: true }),
    durationType: t.field({ type: DurationTypeEnum, required: true }),
    durationSeconds: t.int({ required: true }),
    scheduledStartAt: t.field({ type: 'DateTime' }),
    internetAccessRequired: t.boolean({ defaultValue: false }),
    deviceIds: t.idList(),
    deviceGroupIds: t.idList(),
    reasonByAdmin: t.string(),
  }),
});

const ApproveJitRequestInput = builder.inputType('ApproveJitRequestInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    reasonByAdmin: t.string(),
    durationType: t.field({ type: DurationTypeEnum }),
    durationSeconds: t.int(),
    scheduledStartAt: t.field({ type: 'DateTime' }),
  }),
});

const DenyJitRequestInput = builder.inputType('DenyJitRequestInput', {
  fields: (t) => ({ id: t.id({ required: true }), reasonByAdmin: t.string() }),
});

const ExtendJitRequestInput = builder.inputType('ExtendJitRequestInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    additionalSeconds: t.int({ required: true }),
    reasonByAdmin: t.string(),
  }),
});

const RevokeJitRequestInput = builder.inputType('RevokeJitRequestInput', {
  fields: (t) => ({ id: t.id({ required: true }), reasonByAdmin: t.string() }),
});

/** Reads a request again with the client's selection after a transition has committed. */
async function reload(
  query: object,
  id: string,
  context: { prisma: import('../db/client.js').PrismaClient },
) {
  return context.prisma.jitRequest.findUniqueOrThrow({ ...query, where: { id } });
}

builder.mutationFields((t) => ({
  createJitRequest: t.prismaField({
    type: 'JitRequest',
    args: { input: t.arg({ type: CreateJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const created = await createJitRequest(context.domain, context.actor, {
        ...input,
        deviceIds: input.deviceIds?.map(String),
        deviceGroupIds: input.deviceGroupIds?.map(String),
      });
      return reload(query, created.id, context);
    },
  }),
  approveJitRequest: t.prismaField({
    type: 'JitRequest',
    args: { input: t.arg({ type: ApproveJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = String(input.id);
      await approveRequest(context.domain, context.actor, { ...input, id });
      return reload(query, id, context);
    },
  }),
  denyJitRequest: t.prismaField({
    type: 'JitRequest',
    args: { input: t.arg({ type: DenyJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = String(input.id);
      await denyRequest(context.domain, context.actor, { ...input, id });
      return reload(query, id, context);
    },
  }),
  extendJitRequest: t.prismaField({
    type: 'JitRequest',
    args: { input: t.arg({ type: ExtendJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = String(input.id);
      await extendRequest(context.domain, context.actor, { ...input, id });
      return reload(query, id, context);
    },
  }),
  revokeJitRequest: t.prismaField({
    type: 'JitRequest',
    args: { input: t.arg({ type: RevokeJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = String(input.id);
      await revokeRequest(context.domain, context.actor, { ...input, id });
      return reload(query, id, context);
    },
  }),
}));
