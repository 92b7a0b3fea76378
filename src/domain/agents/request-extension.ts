import type { JitRequest } from '../../generated/prisma/client.js';
import { writeAudit } from '../audit.js';
import { type Actor, type DomainContext, type Transaction } from '../context.js';
import {
  InvalidTransitionError,
  NotFoundError,
  SubmissionDisabledError,
  ValidationError,
} from '../errors.js';
import { lockRequest, runTransition } from '../requests/transitions.js';
import {
  maxReasonLength,
  requireAccountName,
  requireText,
  truncate,
} from '../requests/validation.js';
import { getEffectiveSettings } from '../settings/agent-settings.js';
import type { AgentDevice } from './acknowledgements.js';

export interface RequestExtensionInput {
  /** The request to extend; absent: the latest ACTIVE one for `userAccountName` on the device. */
  requestId?: string | null;
  userAccountName?: string | null;
  additionalSeconds: number;
  reason: string;
}

/**
 * Records a device user's wish for more time on an ACTIVE request of that device: sets
 * extensionRequested and the seconds asked for, for an approver to grant with extendJitRequest.
 * Asking again replaces the earlier figure. Submission must be on for the device.
 */
export async function requestExtensionFromDevice(
  context: DomainContext,
  device: AgentDevice,
  input: RequestExtensionInput,
): Promise<JitRequest> {
  const settings = await getEffectiveSettings(context, device.id);
  if (!settings.jitSectionVisible || !settings.requestSubmissionEnabled) {
    throw new SubmissionDisabledError(
      `Request submission from device '${device.name}' is turned off in its agent settings; ask an administrator.`,
    );
  }
  const reason = requireText('reason', input.reason, maxReasonLength);
  const additionalSeconds = input.additionalSeconds;
  if (!Number.isInteger(additionalSeconds) || additionalSeconds <= 0) {
    throw new ValidationError(
      'additionalSeconds',
      `additionalSeconds must be a positive whole number of seconds, not ${additionalSeconds}.`,
    );
  }

  const request = await runTransition(context, async (tx, now) => {
    const target = await lockTargetRequest(tx, device, input);
    if (target.status !== 'ACTIVE') {
      throw new InvalidTransitionError(
        target.status,
        `Request '${target.id}' is ${target.status}, so no extension can be requested.`,
      );
    }
    const total = target.durationSeconds + target.extensionSeconds + additionalSeconds;
    if (total > context.config.maxDurationSeconds) {
      const allowed = Math.max(
        0,
        context.config.maxDurationSeconds - target.durationSeconds - target.extensionSeconds,
      );
      throw new ValidationError(
        'additionalSeconds',
        `Adding ${additionalSeconds} s would make the session ${total} s long; the maximum is ${context.config.maxDurationSeconds} s, so at most ${allowed} s can be requested.`,
      );
    }
    const updated = await tx.jitRequest.update({
      where: { id: target.id },
      data: {
        extensionRequested: true,
        extensionRequestedSeconds: additionalSeconds,
        extensionRequestReason: reason,
      },
    });
    const actor: Actor = {
      kind: 'device',
      deviceId: device.id,
      deviceName: device.name,
      userAccountName: target.userAccountName,
    };
    await writeAudit(tx, {
      actor,
      action: 'request.extension-requested',
      at: now,
      requestId: target.id,
      details: { additionalSeconds, reason },
    });
    return { request: updated, after: { action: 'EXTENSION_REQUESTED' } };
  });
  return request!;
}

/** Finds and locks the request to extend; it must have a session on this device. */
async function lockTargetRequest(
  tx: Transaction,
  device: AgentDevice,
  input: RequestExtensionInput,
): Promise<JitRequest> {
  let requestId = input.requestId?.trim();
  if (!requestId) {
    const account = requireAccountName('userAccountName', input.userAccountName);
    const latest = await tx.jitRequest.findFirst({
      where: {
        status: 'ACTIVE',
        userAccountName: account,
        deviceSessions: { some: { deviceId: device.id } },
      },
      select: { id: true },
      orderBy: { startedAt: 'desc' },
    });
    if (!latest) {
      throw new NotFoundError(
        `User account '${account}' has no ACTIVE request on device '${device.name}'.`,
      );
    }
    requestId = latest.id;
  }
  const onDevice = await tx.deviceSession.findFirst({
    where: { requestId, deviceId: device.id },
    select: { id: true },
  });
  if (!onDevice) {
    throw new NotFoundError(
      `Request '${truncate(requestId)}' has no session on device '${device.name}'.`,
    );
  }
  return lockRequest(tx, requestId);
}
