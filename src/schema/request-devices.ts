// Batched loading of JitRequest.devices. The devices of a request come from one of three sources:
// its device sessions, the devices recorded when it ended without starting, or its targets and
// the members of targeted groups. A relation preload would run a statement per source and level.
// Here the devices of every request on a page load together. When the client selects only Device
// scalars, as the tables do, one SQL statement reads them. Otherwise SQL finds the device ids and
// one Prisma query reads the devices with the client's nested selection.
import DataLoader from 'dataloader';

import type { Prisma } from '../db/client.js';
import { scalarColumnsSql } from '../db/columns.js';
import type { Device } from '../generated/prisma/client.js';
import type { GraphQLContext } from './context.js';

/** The Prisma arguments Pothos plans for the client's selection on Device. */
type DeviceQuery = { select?: Prisma.DeviceSelect; include?: Prisma.DeviceInclude };

type DeviceWithRequest = Device & { requestId: string };

// The rule of devicesOfRequest in request-table.ts. A request with device sessions lists their
// devices. A Past request without sessions lists the devices recorded when it ended. A live one
// lists its named devices and the current members of its named groups. $1 contains the ids of Past
// requests and $2 those of live ones, so a Past table page skips the targets entirely. UNION also
// drops a device named both directly and through a group.
const requestDevicePairsSql = `
  SELECT s."requestId", s."deviceId"
    FROM "DeviceSession" s
   WHERE s."requestId" = ANY($1::text[] || $2::text[])
  UNION
  SELECT p."requestId", p."deviceId"
    FROM "PastRequestDevice" p
   WHERE p."requestId" = ANY($1::text[])
     AND NOT EXISTS (SELECT 1 FROM "DeviceSession" s WHERE s."requestId" = p."requestId")
  UNION
  SELECT t."requestId", coalesce(t."deviceId", m."deviceId")
    FROM "JitRequestTarget" t
    LEFT JOIN "DeviceGroupMember" m ON m."groupId" = t."groupId"
   WHERE t."requestId" = ANY($2::text[])
     AND coalesce(t."deviceId", m."deviceId") IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM "DeviceSession" s WHERE s."requestId" = t."requestId")`;

/** Device columns in SQL; the token hash is left out because no field reads it. */
const deviceColumnSql = scalarColumnsSql('Device', 'd', ['tokenHash']);

/**
 * Returns the statement that reads the devices of the requests in SQL, or null when the planned
 * query selects a relation or a column that is not listed above, which Prisma must read.
 */
function requestDevicesSql(query: DeviceQuery): string | null {
  if (Object.keys(query.include ?? {}).length > 0) return null;
  const selected = Object.entries(query.select ?? {});
  if (selected.some(([field, value]) => value !== true || !deviceColumnSql.has(field))) return null;
  // Without a select the query requests every scalar. Id and name are always read for the sort.
  const fields = query.select
    ? new Set(['id', 'name', ...selected.map(([field]) => field)])
    : new Set(deviceColumnSql.keys());
  const columns = [...fields].map((field) => deviceColumnSql.get(field)!);
  return `
    SELECT pairs."requestId", ${columns.join(', ')}
      FROM (${requestDevicePairsSql}) AS pairs
      JOIN "Device" d ON d.id = pairs."deviceId"`;
}

/** A request whose devices are loaded, with whether it is live (PENDING, SCHEDULED or ACTIVE). */
export interface RequestKey {
  id: string;
  live: boolean;
}

type Loader = DataLoader<RequestKey, Device[], string>;

const loadersByContext = new WeakMap<GraphQLContext, Map<string, Loader>>();

/**
 * Loads the devices of a request, sorted by name then id, in one batch with every other request
 * that selects the same fields during this operation. The rows are typed as full devices but
 * contain only the planned selection plus id and name.
 */
export function loadRequestDevices(
  context: GraphQLContext,
  query: DeviceQuery,
  request: RequestKey,
): Promise<Device[]> {
  let loaders = loadersByContext.get(context);
  if (!loaders) {
    loaders = new Map();
    loadersByContext.set(context, loaders);
  }
  const key = JSON.stringify(query);
  let loader = loaders.get(key);
  if (!loader) {
    loader = new DataLoader((requests) => loadBatch(context, query, requests), {
      cacheKeyFn: (request) => request.id,
    });
    loaders.set(key, loader);
  }
  return loader.load(request);
}

async function loadBatch(
  context: GraphQLContext,
  query: DeviceQuery,
  requests: readonly RequestKey[],
): Promise<Device[][]> {
  const requestIds = requests.map((request) => request.id);
  const values: [string[], string[]] = [
    requests.filter((request) => !request.live).map((request) => request.id),
    requests.filter((request) => request.live).map((request) => request.id),
  ];
  const sql = requestDevicesSql(query);
  const rows = sql
    ? (await context.pool.query<DeviceWithRequest>(sql, values)).rows
    : await loadWithPrisma(context, query, values);

  const byRequest = new Map<string, Device[]>(requestIds.map((id) => [id, []]));
  for (const { requestId, ...device } of rows) byRequest.get(requestId)?.push(device);
  return requestIds.map((id) =>
    byRequest.get(id)!.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
  );
}

async function loadWithPrisma(
  context: GraphQLContext,
  query: DeviceQuery,
  values: [pastIds: string[], liveIds: string[]],
): Promise<DeviceWithRequest[]> {
  const pairs = await context.pool.query<{ requestId: string; deviceId: string }>(
    requestDevicePairsSql,
    values,
  );
  if (pairs.rows.length === 0) return [];
  const selection = query.select
    ? { ...query, select: { ...query.select, id: true, name: true } }
    : query;
  const devices = (await context.prisma.device.findMany({
    ...selection,
    where: { id: { in: [...new Set(pairs.rows.map((pair) => pair.deviceId))] } },
  })) as Device[];
  const byId = new Map(devices.map((device) => [device.id, device]));
  // A device deleted between the two statements is left out.
  return pairs.rows.flatMap(({ requestId, deviceId }) => {
    const device = byId.get(deviceId);
    return device ? [{ ...device, requestId }] : [];
  });
}
