// Direct inserts for job tests that need requests in states the API cannot reach on demand
// (overdue, pending, crashed mid-session).
import { randomBytes } from 'node:crypto';

import type { Prisma, PrismaClient } from '../../src/db/client.js';

export async function insertDevice(
  prisma: PrismaClient,
  fields: { lastSeenAt?: Date | null; online?: boolean } = {},
) {
  const suffix = randomBytes(6).toString('hex');
  return prisma.device.create({
    data: {
      name: `device-${suffix}`,
      platform: 'macos',
      tokenHash: `hash-${suffix}`,
      lastSeenAt: fields.lastSeenAt ?? null,
      online: fields.online ?? false,
    },
  });
}

type RequestFields = Partial<Prisma.JitRequestUncheckedCreateInput> &
  Pick<Prisma.JitRequestUncheckedCreateInput, 'status'>;

/** Inserts a request row with the given fields; one hour, Fixed, admin-raised unless overridden. */
export function insertRequest(prisma: PrismaClient, fields: RequestFields) {
  return prisma.jitRequest.create({
    data: {
      name: `request-${randomBytes(4).toString('hex')}`,
      userAccountName: 'alice',
      durationType: 'FIXED',
      durationSeconds: 3600,
      requesterKind: 'ADMIN',
      requestedBy: 'admin-user',
      ...fields,
    },
  });
}

export function secondsFromNow(seconds: number): Date {
  return new Date(Date.now() + seconds * 1000);
}
