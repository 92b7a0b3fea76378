// Rows written straight through Prisma for states the console API cannot create itself.
import type { Prisma } from '../../src/db/client.js';
import { uniqueName } from '../factories.js';
import type { TestApp } from '../helpers.js';

/** Inserts a PENDING request as a device user would have raised it through an agent. */
export async function insertPendingRequest(
  test: TestApp,
  deviceIds: string[],
  data: Partial<Prisma.JitRequestUncheckedCreateInput> = {},
) {
  const prisma = test.app.database.prisma;
  const devices = await prisma.device.findMany({ where: { id: { in: deviceIds } } });
  return prisma.jitRequest.create({
    data: {
      name: uniqueName('raised'),
      userAccountName: 'alice',
      durationType: 'FIXED',
      durationSeconds: 900,
      status: 'PENDING',
      requesterKind: 'USER',
      requestedBy: 'alice',
      requestedAt: test.app.domain.clock.now(),
      reasonByUser: 'Install a printer driver',
      raisedFromDeviceId: deviceIds[0],
      targetNames: devices.map((device) => device.name).join(' '),
      targets: { create: deviceIds.map((deviceId) => ({ deviceId })) },
      ...data,
    },
  });
}

const tables = [
  'JitRequest',
  'JitRequestTarget',
  'DeviceSession',
  'PastRequestDevice',
  'AuditEvent',
  'Device',
  'DeviceGroup',
  'DeviceGroupMember',
  'AgentSettings',
  'AgentCommand',
] as const;

/** Row count and a digest of every row of each application table, to prove nothing changed. */
export async function databaseFingerprint(test: TestApp): Promise<Record<string, string>> {
  const fingerprint: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await test.app.database.pool.query<{ count: string; digest: string }>(
      `SELECT count(*)::text AS count,
              md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest
         FROM "${table}" t`,
    );
    fingerprint[table] = `${rows[0]!.count} rows, ${rows[0]!.digest}`;
  }
  return fingerprint;
}
