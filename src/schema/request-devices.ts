// Batched loading of JitRequest.devices. The devices of a request come from one of three sources
// (its device sessions, the devices recorded when it ended without starting, or its targets and
// the members of targeted groups), so a relation preload runs a statement per source and level. Here the devices of every
// request on a page load together. When the client selects only Device scalars, as the tables do,
// one SQL statement reads them. Otherwise SQL finds the device ids and one Prisma query reads the
// devices with the client's nested selection.
import DataLoader from 'dataloader';

import type { Prisma } from '../db/client.js';
import type { Device } from '../generated/prisma/client.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { GraphQLContext } from './context.js';

/** The Prisma arguments Pothos plans for the client's selection on Device. */
type DeviceQuery = { select?: Prisma.DeviceSelect; include?: Prisma.DeviceInclude };

type DeviceWithRequest = Device & { requestId: string };

// The rule of devicesOfRequest in request-table.ts. A request with device sessions lists their
// devices. A Past request without sessions lists the devices recorded when it ended. A live one
// lists its named devices and the current members of its named groups. UNION also drops a device
// named both directly and through a group.
const requestDevicePairsSql = `
  SELECT s."requestId", s."deviceId"
    FROM "DeviceSession" s
   WHERE s."requestId" = ANY($1::text[])
  UNION
  SELECT p."requestId", p."deviceId"
    FROM "PastRequestDevice" p
   WHERE p."requestId" = ANY($1::text[])
     AND NOT EXISTS (SELECT 1 FROM "DeviceSession" s WHERE s."requestId" = p."requestId")
  UNION
  SELECT t."requestId", coalesce(t."deviceId", m."deviceId")
    FROM "JitRequestTarget" t
    JOIN "JitRequest" r ON r.id = t."requestId"
    LEFT JOIN "DeviceGroupMember" m ON m."groupId" = t."groupId"
   WHERE t."requestId" = ANY($1::text[])
     AND r.status IN ('PENDING', 'SCHEDULED', 'ACTIVE')
     AND coalesce(t."deviceId", m."deviceId") IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM "DeviceSession" s WHERE s."requestId" = t."requestId")`;

/**
 * Device scalar columns as the Prisma client returns them. DateTime columns are stored as UTC
 * without a zone, so they are read AT TIME ZONE 'UTC' because node-postgres would otherwise take
 * them as local time. The token hash is left out because no field reads it.
 */
const deviceColumnsSql = getDatamodel()
  .datamodel.models.Device!.fields.filter(
    (field) => field.kind === 'scalar' && field.name !== 'tokenHash',
  )
  .map((field) =>
    field.type === 'DateTime'
      ? `d."${field.name}" AT TIME ZONE 'UTC' AS "${field.name}"`
      : `d."${field.name}"`,
  )
  .join(', ');

const requestDevicesSql = `
  SELECT pairs."requestId", ${deviceColumnsSql}
    FROM (${requestDevicePairsSql}) AS pairs
    JOIN "Device" d ON d.id = pairs."deviceId"`;

const loadersByContext = new WeakMap<GraphQLContext, Map<string, DataLoader<string, Device[]>>>();

/**
 * Loads the devices of a request, sorted by name then id, in one batch with every other request
 * that selects the same fields during this operation. The rows are typed as full devices but
 * contain only the planned selection plus id and name.
 */
export function loadRequestDevices(
  context: GraphQLContext,
  query: DeviceQuery,
  requestId: string,
): Promise<Device[]> {
  let loaders = loadersByContext.get(context);
  if (!loaders) {
    loaders = new Map();
    loadersByContext.set(context, loaders);
  }
  const key = JSON.stringify(query);
  let loader = loaders.get(key);
  if (!loader) {
    loader = new DataLoader((requestIds) => loadBatch(context, query, [...requestIds]));
    loaders.set(key, loader);
  }
  return loader.load(requestId);
}

async function loadBatch(
  context: GraphQLContext,
  query: DeviceQuery,
  requestIds: string[],
): Promise<Device[][]> {
  const rows = selectsScalarsOnly(query)
    ? (await context.pool.query<DeviceWithRequest>(requestDevicesSql, [requestIds])).rows
    : await loadWithPrisma(context, query, requestIds);

  const byRequest = new Map<string, Device[]>(requestIds.map((id) => [id, []]));
  for (const { requestId, ...device } of rows) byRequest.get(requestId)?.push(device);
  return requestIds.map((id) =>
    byRequest.get(id)!.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
  );
}

/** True when the planned query is every scalar and no relation: `{}` or an empty include. */
function selectsScalarsOnly(query: DeviceQuery): boolean {
  return query.select === undefined && Object.keys(query.include ?? {}).length === 0;
}

async function loadWithPrisma(
  context: GraphQLContext,
  query: DeviceQuery,
  requestIds: string[],
): Promise<DeviceWithRequest[]> {
  const pairs = await context.pool.query<{ requestId: string; deviceId: string }>(
    requestDevicePairsSql,
    [requestIds],
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
