// JitRequest.devices: which devices a request lists before and after it starts, in what order,
// and that the single-statement path (Device scalars only) and the Prisma path (a nested
// selection such as groups) return the same devices with the same values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestGroup, createTestRequest, enrollTestDevice, uniqueName } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';
import { insertPendingRequest } from './rows.js';

let test: TestApp;
const devices: Record<'alpha' | 'bravo' | 'charlie' | 'delta', { id: string; name: string }> =
  {} as never;
let groupId: string;

beforeAll(async () => {
  test = await startTestApp();
  const prefix = `rd-${Date.now()}`;
  // Enrolled out of name order, so that the sort is visible.
  for (const key of ['delta', 'bravo', 'alpha', 'charlie'] as const) {
    devices[key] = await enrollTestDevice(test, { name: `${prefix}-${key}` });
  }
  groupId = await createTestGroup(test, [devices.alpha.id, devices.charlie.id]);
  // A last-seen time with milliseconds, so that a time-zone or precision slip would show.
  await test.app.database.prisma.device.update({
    where: { id: devices.alpha.id },
    data: { lastSeenAt: new Date('2026-06-30T23:45:12.345Z') },
  });
});

afterAll(async () => {
  await test.close();
});

interface ListedDevice {
  id: string;
  name: string;
  online: boolean;
  lastSeenAt: string | null;
  enrolledAt: string;
  tokenRevoked: boolean;
  excludedAccounts: string[];
  groups?: { id: string }[];
}

const scalarFields = 'id name online lastSeenAt enrolledAt tokenRevoked excludedAccounts';

/** Reads one request's devices twice in one operation: scalars only, and with their groups. */
async function devicesOf(requestId: string) {
  const result = await test.gql<{
    jitRequest: { scalars: ListedDevice[]; nested: ListedDevice[] };
  }>(
    `query ($id: ID!) { jitRequest(id: $id) {
      scalars: devices { ${scalarFields} }
      nested: devices { ${scalarFields} groups { id } }
    } }`,
    { id: requestId },
  );
  expect(result.errors).toBeUndefined();
  const { scalars, nested } = result.data!.jitRequest;
  expect(nested.map(({ groups: _groups, ...device }) => device)).toEqual(scalars);
  return { scalars, nested };
}

function inFuture(seconds: number) {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

describe('JitRequest.devices', () => {
  it('lists targets and group members before start', async () => {
    const request = await createTestRequest(test, {
      durationType: 'SCHEDULED',
      scheduledStartAt: inFuture(3600),
      // alpha is named and also a member of the group: listed once.
      deviceIds: [devices.delta.id, devices.alpha.id],
      deviceGroupIds: [groupId],
    });
    expect(request.status).toBe('SCHEDULED');

    const { scalars, nested } = await devicesOf(request.id);
    expect(scalars.map((device) => device.id)).toEqual(
      [devices.alpha, devices.charlie, devices.delta].map((device) => device.id),
    );
    expect(nested[0]!.groups).toEqual([{ id: groupId }]);
    expect(nested[2]!.groups).toEqual([]);

    // Before the start the group is read as it is now.
    await test.gql(
      `mutation ($input: UpdateDeviceGroupMembersInput!) { updateDeviceGroupMembers(input: $input) { id } }`,
      { input: { deviceGroupId: groupId, addDeviceIds: [devices.bravo.id] } },
    );
    try {
      expect((await devicesOf(request.id)).scalars.map((device) => device.name)).toEqual(
        [devices.alpha, devices.bravo, devices.charlie, devices.delta].map((d) => d.name),
      );
    } finally {
      await test.gql(
        `mutation ($input: UpdateDeviceGroupMembersInput!) { updateDeviceGroupMembers(input: $input) { id } }`,
        { input: { deviceGroupId: groupId, removeDeviceIds: [devices.bravo.id] } },
      );
    }
  });

  it('lists session devices once started', async () => {
    const request = await createTestRequest(test, {
      deviceIds: [devices.bravo.id],
      deviceGroupIds: [groupId],
    });
    expect(request.status).toBe('ACTIVE');
    const started = [devices.alpha, devices.bravo, devices.charlie].map((device) => device.id);
    expect((await devicesOf(request.id)).scalars.map((device) => device.id)).toEqual(started);

    await test.gql(
      `mutation ($input: UpdateDeviceGroupMembersInput!) { updateDeviceGroupMembers(input: $input) { id } }`,
      { input: { deviceGroupId: groupId, addDeviceIds: [devices.delta.id] } },
    );
    try {
      expect((await devicesOf(request.id)).scalars.map((device) => device.id)).toEqual(started);
    } finally {
      await test.gql(
        `mutation ($input: UpdateDeviceGroupMembersInput!) { updateDeviceGroupMembers(input: $input) { id } }`,
        { input: { deviceGroupId: groupId, removeDeviceIds: [devices.delta.id] } },
      );
    }
  });

  it('matches the device query in any time zone', async () => {
    const request = await createTestRequest(test, { deviceIds: [devices.alpha.id] });
    const expected = await test.gql<{ device: ListedDevice }>(
      `query ($id: ID!) { device(id: $id) { ${scalarFields} } }`,
      { id: devices.alpha.id },
    );
    expect(expected.data!.device.lastSeenAt).toBe('2026-06-30T23:45:12.345Z');

    const zone = process.env.TZ;
    // node-postgres reads a timestamp without a zone in the process's zone; Node.js applies a new
    // TZ at once.
    process.env.TZ = 'America/New_York';
    try {
      const { scalars } = await devicesOf(request.id);
      expect(scalars).toEqual([expected.data!.device]);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('lists nothing for an empty group', async () => {
    const emptyGroup = await createTestGroup(test, []);
    const empty = await createTestRequest(test, {
      durationType: 'SCHEDULED',
      scheduledStartAt: inFuture(7200),
      deviceGroupIds: [emptyGroup],
    });
    const result = await test.gql<{
      liveRequests: { edges: { node: { id: string; devices: { id: string }[] } }[] };
    }>(`{ liveRequests(tab: SCHEDULED, first: 50) { edges { node { id devices { id } } } } }`);
    expect(result.errors).toBeUndefined();
    const edges = result.data!.liveRequests.edges;
    expect(edges.find((edge) => edge.node.id === empty.id)!.node.devices).toEqual([]);
    expect(edges.some((edge) => edge.node.devices.length > 0)).toBe(true);
  });

  describe('after the request ends without starting', () => {
    const membersOf = async (
      groupId: string,
      change: 'addDeviceIds' | 'removeDeviceIds',
      ids: string[],
    ) => {
      const result = await test.gql(
        `mutation ($input: UpdateDeviceGroupMembersInput!) { updateDeviceGroupMembers(input: $input) { id } }`,
        { input: { deviceGroupId: groupId, [change]: ids } },
      );
      expect(result.errors).toBeUndefined();
    };
    const searchPast = async (text: string) => {
      const result = await test.gql<{ pastRequests: { edges: { node: { id: string } }[] } }>(
        `query ($text: String) { pastRequests(search: $text) { edges { node { id } } } }`,
        { text },
      );
      expect(result.errors).toBeUndefined();
      return result.data!.pastRequests.edges.map((edge) => edge.node.id);
    };
    const exportedDevices = async (requestId: string) => {
      const { url } = await test.app.listen();
      const token = await test.tokenFor('auditor');
      const response = await fetch(`${url}/export/past.csv?columns=id,devices`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      const line = (await response.text()).split(/\r?\n/).find((row) => row.startsWith(requestId));
      return line?.slice(requestId.length + 1);
    };

    it("keeps a pre-revoked request's devices", async () => {
      const before = await enrollTestDevice(test, { name: uniqueName('before-member') });
      const later = await enrollTestDevice(test, { name: uniqueName('later-member') });
      const group = await createTestGroup(test, [before.id]);
      const request = await createTestRequest(test, {
        durationType: 'SCHEDULED',
        scheduledStartAt: inFuture(3600),
        deviceGroupIds: [group],
      });
      const revoked = await test.gql(
        `mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { status } }`,
        { id: request.id },
      );
      expect(revoked.data).toEqual({ revokeJitRequest: { status: 'PRE_REVOKED' } });

      await membersOf(group, 'addDeviceIds', [later.id]);
      await membersOf(group, 'removeDeviceIds', [before.id]);

      const { scalars, nested } = await devicesOf(request.id);
      expect(scalars.map((device) => device.id)).toEqual([before.id]);
      expect(nested[0]!.groups).toEqual([]);
      expect(await exportedDevices(request.id)).toBe(before.name);
      expect(await searchPast(before.name)).toEqual([request.id]);
      expect(await searchPast(later.name)).toEqual([]);
    });

    it("keeps a denied request's devices", async () => {
      const member = await enrollTestDevice(test, { name: uniqueName('denied-member') });
      const group = await createTestGroup(test, [member.id]);
      const pending = await insertPendingRequest(test, [], {
        targets: { create: [{ groupId: group }] },
      });
      const denied = await test.gql(
        `mutation ($id: ID!) { denyJitRequest(input: { id: $id }) { status } }`,
        { id: pending.id },
      );
      expect(denied.data).toEqual({ denyJitRequest: { status: 'DENIED' } });

      await membersOf(group, 'removeDeviceIds', [member.id]);
      expect((await devicesOf(pending.id)).scalars.map((device) => device.id)).toEqual([member.id]);
      expect(await searchPast(member.name)).toEqual([pending.id]);
    });
  });

  it("finds a live request by its group's current members", async () => {
    const member = await enrollTestDevice(test, { name: uniqueName('new-member') });
    const group = await createTestGroup(test, []);
    const request = await createTestRequest(test, {
      durationType: 'SCHEDULED',
      scheduledStartAt: inFuture(5400),
      deviceGroupIds: [group],
    });
    const search = async () => {
      const result = await test.gql<{ liveRequests: { edges: { node: { id: string } }[] } }>(
        `query ($text: String) { liveRequests(tab: SCHEDULED, search: $text) { edges { node { id } } } }`,
        { text: member.name },
      );
      expect(result.errors).toBeUndefined();
      return result.data!.liveRequests.edges.map((edge) => edge.node.id);
    };
    expect(await search()).toEqual([]);

    const added = await test.gql(
      `mutation ($input: UpdateDeviceGroupMembersInput!) { updateDeviceGroupMembers(input: $input) { id } }`,
      { input: { deviceGroupId: group, addDeviceIds: [member.id] } },
    );
    expect(added.errors).toBeUndefined();
    expect(await search()).toEqual([request.id]);

    // Enrolling straight into the group counts as a membership change too.
    const enrolled = await enrollTestDevice(test, {
      name: uniqueName('enrolled-member'),
      deviceGroupIds: [group],
    });
    const byEnrolled = await test.gql<{ liveRequests: { totalCount: number } }>(
      `query ($text: String) { liveRequests(tab: SCHEDULED, search: $text) { totalCount } }`,
      { text: enrolled.name },
    );
    expect(byEnrolled.data!.liveRequests.totalCount).toBe(1);
  });
});
