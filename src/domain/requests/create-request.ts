import type { JitRequest } from '../../generated/prisma/client.js';
import { writeAudit } from '../audit.js';
import { type Actor, actorName, type DomainContext, type Transaction } from '../context.js';
import { ValidationError } from '../errors.js';
import { addSeconds } from './lifecycle.js';
import { requireTargets } from './targets.js';
import { runTransition, startSession } from './transitions.js';
import {
  maxNameLength,
  maxReasonLength,
  optionalText,
  requireAccountName,
  requireDuration,
  requireFutureStart,
  requireText,
} from './validation.js';

export interface CreateRequestInput {
  name: string;
  userAccountName: string;
  durationType: 'FIXED' | 'SCHEDULED';
  durationSeconds: number;
  scheduledStartAt?: Date | null;
  internetAccessRequired?: boolean | null;
  deviceIds?: string[] | null;
  deviceGroupIds?: string[] | null;
  reasonByAdmin?: string | null;
}

/** Request fields after validation, shared by admin-created and device-raised requests. */
export interface ValidRequestFields {
  name: string;
  userAccountName: string;
  durationType: 'FIXED' | 'SCHEDULED';
  durationSeconds: number;
  scheduledStartAt: Date | null;
  internetAccessRequired: boolean;
}

/** Validates the fields every new request has; throws ValidationError naming the first bad field. */
export function validateRequestFields(
  context: DomainContext,
  input: Omit<CreateRequestInput, 'deviceIds' | 'deviceGroupIds' | 'reasonByAdmin'>,
  now: Date,
): ValidRequestFields {
  const fields = {
    name: requireText('name', input.name, maxNameLength),
    userAccountName: requireAccountName('userAccountName', input.userAccountName),
    durationType: input.durationType,
    durationSeconds: requireDuration('durationSeconds', input.durationSeconds, context.config),
    scheduledStartAt: null as Date | null,
    internetAccessRequired: input.internetAccessRequired ?? false,
  };
  if (input.durationType === 'SCHEDULED') {
    fields.scheduledStartAt = requireFutureStart('scheduledStartAt', input.scheduledStartAt, now);
  } else if (input.scheduledStartAt) {
    throw new ValidationError(
      'scheduledStartAt',
      'scheduledStartAt applies only when durationType is SCHEDULED.',
    );
  }
  return fields;
}

/**
 * Creates a request on behalf of an admin. It skips PENDING: the creator approves it, so a Fixed
 * request starts at once and a Scheduled one waits for its start time.
 */
export function createJitRequest(context: DomainContext, actor: Actor, input: CreateRequestInput) {
  const reasonByAdmin = optionalText('reasonByAdmin', input.reasonByAdmin, maxReasonLength);
  return runTransition(context, async (tx, now) => {
    const fields = validateRequestFields(context, input, now);
    const targets = await requireTargets(tx, input.deviceIds ?? [], input.deviceGroupIds ?? []);
    const creator = actorName(actor);
    const created = await insertRequest(tx, {
      ...fields,
      status: fields.durationType === 'FIXED' ? 'ACTIVE' : 'SCHEDULED',
      requesterKind: 'ADMIN',
      requestedBy: creator,
      requestedAt: now,
      approvedBy: creator,
      approvedAt: now,
      reasonByAdmin: reasonByAdmin ?? null,
      targetNames: targets.targetNames,
      targets,
    });
    let request = created;
    let deviceIds: string[] = [];
    if (fields.durationType === 'FIXED') {
      ({ request, deviceIds } = await startSession(tx, { ...created, status: 'ACTIVE' }, now));
    }
    await writeAudit(tx, {
      actor,
      action: 'request.created',
      at: now,
      requestId: request.id,
      details: {
        status: request.status,
        devices: targets.deviceIds,
        deviceGroups: targets.deviceGroupIds,
        // The request's reasonByAdmin is replaced by later notes (revoke, extend), so the
        // creator's note is kept here.
        reasonByAdmin: reasonByAdmin ?? null,
      },
    });
    return {
      request,
      after: {
        action: 'CREATED',
        scheduleStartAt:
          request.status === 'SCHEDULED' ? (request.scheduledStartAt ?? undefined) : undefined,
        scheduleEndAt: request.status === 'ACTIVE' ? (request.expiresAt ?? undefined) : undefined,
        deviceIds,
      },
    };
  }) as Promise<JitRequest>;
}

interface InsertRequestData extends ValidRequestFields {
  status: 'PENDING' | 'ACTIVE' | 'SCHEDULED';
  requesterKind: 'ADMIN' | 'USER';
  requestedBy: string;
  requestedAt: Date;
  approvedBy?: string | null;
  approvedAt?: Date | null;
  reasonByAdmin?: string | null;
  reasonByUser?: string | null;
  raisedFromDeviceId?: string | null;
  targetNames: string;
  targets: { deviceIds: string[]; deviceGroupIds: string[] };
}

/** Inserts a request with its targets. Callers validate the fields and write the audit row. */
export async function insertRequest(tx: Transaction, data: InsertRequestData): Promise<JitRequest> {
  const { targets, ...fields } = data;
  return tx.jitRequest.create({
    data: {
      ...fields,
      targets: {
        create: [
          ...targets.deviceIds.map((deviceId) => ({ deviceId })),
          ...targets.deviceGroupIds.map((groupId) => ({ groupId })),
        ],
      },
    },
  });
}

/** Deadline after which an undecided PENDING request expires. */
export function pendingDeadline(context: DomainContext, requestedAt: Date): Date {
  return addSeconds(requestedAt, context.config.pendingTimeoutSeconds);
}
