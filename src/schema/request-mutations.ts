import { createJitRequest } from '../domain/requests/create-request.js';
import {
  approveRequest,
  denyRequest,
  extendRequest,
  revokeRequest,
} from '../domain/requests/transitions.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { DurationTypeEnum } from './enums.js';
import { noteRequestIds } from './operation-log.js';

const reasonByAdminDescription = 'Note recorded with the action, up to 1000 characters.';

const CreateJitRequestInput = builder.inputType('CreateJitRequestInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'JIT access name, 1 to 120 characters.' }),
    userAccountName: t.string({
      required: true,
      description:
        'Local account to elevate: 1 to 32 letters, digits, ".", "_" or "-", starting with a letter or "_".',
    }),
    durationType: t.field({ type: DurationTypeEnum, required: true }),
    durationSeconds: t.int({
      required: true,
      description:
        'Session length in seconds, within JIT_MIN_DURATION_SECONDS and JIT_MAX_DURATION_SECONDS.',
    }),
    scheduledStartAt: t.field({
      type: 'DateTime',
      description: 'Start of a SCHEDULED session, in the future; must be absent for FIXED.',
    }),
    internetAccessRequired: t.boolean({ defaultValue: false }),
    deviceIds: t.idList({ description: 'Target devices; name at least one device or group.' }),
    deviceGroupIds: t.idList({ description: 'Target groups, resolved to their devices at start.' }),
    reasonByAdmin: t.string({ description: reasonByAdminDescription }),
  }),
});

const ApproveJitRequestInput = builder.inputType('ApproveJitRequestInput', {
  description: 'Absent window fields keep what the requester asked for.',
  fields: (t) => ({
    id: t.id({ required: true }),
    reasonByAdmin: t.string({ description: reasonByAdminDescription }),
    durationType: t.field({ type: DurationTypeEnum }),
    durationSeconds: t.int(),
    scheduledStartAt: t.field({ type: 'DateTime' }),
  }),
});

const DenyJitRequestInput = builder.inputType('DenyJitRequestInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    reasonByAdmin: t.string({ description: reasonByAdminDescription }),
  }),
});

const ExtendJitRequestInput = builder.inputType('ExtendJitRequestInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    additionalSeconds: t.int({
      required: true,
      description:
        'Seconds to add; duration plus all extensions may not pass JIT_MAX_DURATION_SECONDS.',
    }),
    reasonByAdmin: t.string({ description: reasonByAdminDescription }),
  }),
});

const RevokeJitRequestInput = builder.inputType('RevokeJitRequestInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    reasonByAdmin: t.string({ description: reasonByAdminDescription }),
  }),
});

/** Reads a request again with the client's selection after a transition has committed. */
function reload(query: object, id: string, context: GraphQLContext) {
  noteRequestIds(context, id);
  return context.prisma.jitRequest.findUniqueOrThrow({ ...query, where: { id } });
}

/** Records the request id before the transition, so a failed attempt is logged with it too. */
function targetOf(context: GraphQLContext, id: string | number): string {
  const requestId = String(id);
  noteRequestIds(context, requestId);
  return requestId;
}

builder.mutationFields((t) => ({
  createJitRequest: t.prismaField({
    type: 'JitRequest',
    description:
      'Creates a request as an admin. It skips PENDING: a FIXED request starts at once, a SCHEDULED one waits for its start.',
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
    description:
      'Approves a PENDING request, optionally changing its time window first. FIXED starts now; SCHEDULED waits for its start.',
    args: { input: t.arg({ type: ApproveJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = targetOf(context, input.id);
      await approveRequest(context.domain, context.actor, { ...input, id });
      return reload(query, id, context);
    },
  }),
  denyJitRequest: t.prismaField({
    type: 'JitRequest',
    description: 'Denies a PENDING request.',
    args: { input: t.arg({ type: DenyJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = targetOf(context, input.id);
      await denyRequest(context.domain, context.actor, { ...input, id });
      return reload(query, id, context);
    },
  }),
  extendJitRequest: t.prismaField({
    type: 'JitRequest',
    description:
      'Adds time to an ACTIVE request, up to the maximum session length, and clears a pending extension request.',
    args: { input: t.arg({ type: ExtendJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = targetOf(context, input.id);
      await extendRequest(context.domain, context.actor, { ...input, id });
      return reload(query, id, context);
    },
  }),
  revokeJitRequest: t.prismaField({
    type: 'JitRequest',
    description:
      'Revokes an ACTIVE request (REVOKED: its devices lower the account) or a SCHEDULED one (PRE_REVOKED: it never starts).',
    args: { input: t.arg({ type: RevokeJitRequestInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = targetOf(context, input.id);
      await revokeRequest(context.domain, context.actor, { ...input, id });
      return reload(query, id, context);
    },
  }),
}));
