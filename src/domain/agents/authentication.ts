import type { DomainContext } from '../context.js';

/**
 * Finds the devices that agent token hashes belong to, leaving out unknown and revoked tokens,
 * in one query for the whole batch. It applies the rule of authenticateAgentToken to many
 * connection attempts at once, so a reconnect storm does not cost a query per agent.
 */
export async function findDevicesByTokenHashes(
  context: Pick<DomainContext, 'prisma'>,
  tokenHashes: readonly string[],
): Promise<Map<string, { id: string; name: string }>> {
  const hashes = [...new Set(tokenHashes)];
  if (hashes.length === 0) return new Map();
  const rows = await context.prisma.$queryRaw<{ id: string; name: string; tokenHash: string }[]>`
    SELECT id, name, "tokenHash"
    FROM "Device"
    WHERE "tokenHash" = ANY(${hashes}::text[]) AND "tokenRevokedAt" IS NULL`;
  return new Map(rows.map((row) => [row.tokenHash, { id: row.id, name: row.name }]));
}
