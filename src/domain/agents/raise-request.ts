import type { JitRequest } from '../../generated/prisma/client.js';
import { writeAudit } from '../audit.js';
import { type Actor, actorName, type DomainContext } from '../context.js';
import { DailyLimitReachedError, SubmissionDisabledError } from '../errors.js';
import {
  insertRequest,
  pendingDeadline,
  validateRequestFields,
} from '../requests/create-request.js';
import { runTransition } from '../requests/transitions.js';
import {
  maxNameLength,
  maxReasonLength,
  requireAccountName,
  requireText,
} from '../requests/validation.js';
import { getEffectiveSettings } from '../settings/agent-settings.js';
import type { AgentDevice } from './acknowledgements.js';
import { countRaisedToday, lockDailyLimit } from './daily-limit.js';

export interface RaiseRequestInput {
  userAccountName: string;
  durationSeconds: number;
  reason: string;
  name?: string | null;
  /** Present: a Scheduled request starting then. Absent: a Fixed one. */
  scheduledStartAt?: Date | null;
  internetAccessRequired?: boolean | null;
}

/**
 * Raises a PENDING request from a device user for that device, under the agent settings in force
 * on it. Submission must be on and the JIT section visible. The user account may raise at most
 * `dailyRequestLimit` requests on this device per calendar day in DAILY_LIMIT_TIME_ZONE, and the
 * count and the insert run under one advisory lock, so concurrent raises cannot overshoot.
 */
export async function raiseRequestFromDevice(
  context: DomainContext,
  device: AgentDevice,
  input: RaiseRequestInput,
): Promise<JitRequest> {
  const settings = await getEffectiveSettings(context, device.id);
  if (!settings.jitSectionVisible || !settings.requestSubmissionEnabled) {
    throw new SubmissionDisabledError(
      `Request submission from device '${device.name}' is turned off in its agent settings; ask an administrator.`,
    );
  }
  const userAccountName = requireAccountName('userAccountName', input.userAccountName);
  const reasonByUser = requireText('reason', input.reason, maxReasonLength);
  const actor: Actor = {
    kind: 'device',
    deviceId: device.id,
    deviceName: device.name,
    userAccountName,
  };
  const timeZone = context.config.dailyLimitTimeZone;

  const request = await runTransition(context, async (tx, now) => {
    const fields = validateRequestFields(
      context,
      {
        name: input.name?.trim() ? input.name : defaultName(userAccountName, device.name),
        userAccountName,
        durationType: input.scheduledStartAt ? 'SCHEDULED' : 'FIXED',
        durationSeconds: input.durationSeconds,
        scheduledStartAt: input.scheduledStartAt,
        internetAccessRequired: input.internetAccessRequired,
      },
      now,
    );
    await lockDailyLimit(tx, device.id, userAccountName);
    const raisedToday = await countRaisedToday(tx, {
      deviceId: device.id,
      userAccountName,
      now,
      timeZone,
    });
    const limit = settings.dailyRequestLimit;
    if (raisedToday >= limit) {
      throw new DailyLimitReachedError(
        limit,
        `User account '${userAccountName}' has raised ${raisedToday} of the ${limit} requests allowed per day on device '${device.name}'; try again after midnight (${timeZone}).`,
      );
    }
    const raised = await insertRequest(tx, {
      ...fields,
      status: 'PENDING',
      requesterKind: 'USER',
      requestedBy: actorName(actor),
      requestedAt: now,
      reasonByUser,
      raisedFromDeviceId: device.id,
      targetNames: device.name,
      targets: { deviceIds: [device.id], deviceGroupIds: [] },
    });
    await writeAudit(tx, {
      actor,
      action: 'request.raised',
      at: now,
      requestId: raised.id,
      details: {
        durationType: raised.durationType,
        durationSeconds: raised.durationSeconds,
        raisedToday: raisedToday + 1,
        dailyRequestLimit: limit,
      },
    });
    return {
      request: raised,
      after: {
        action: 'RAISED',
        raisedByUser: true,
        schedulePendingTimeoutAt: pendingDeadline(context, now),
      },
    };
  });
  // runTransition returns null only when the work returns null, which this work never does.
  return request!;
}

function defaultName(userAccountName: string, deviceName: string): string {
  return `${userAccountName} on ${deviceName}`.slice(0, maxNameLength);
}
