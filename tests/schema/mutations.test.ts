import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestGroup, enrollTestDevice, uniqueName } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';
import {
  AgentSettingsQuery,
  ApproveJitRequestMutation,
  CreateDeviceGroupMutation,
  CreateJitRequestMutation,
  DenyJitRequestMutation,
  EnrollDeviceMutation,
  execute,
  ExtendJitRequestMutation,
  JitRequestDetailsQuery,
  RevokeJitRequestMutation,
  UpdateAgentSettingsMutation,
  UpdateDeviceGroupMembersMutation,
  ViewerQuery,
} from './operations.js';
import { insertPendingRequest } from './rows.js';

let test: TestApp;
let macA: { id: string; name: string };
let macB: { id: string; name: string };

beforeAll(async () => {
  test = await startTestApp();
  macA = await enrollTestDevice(test, { name: uniqueName('mac-a') });
  macB = await enrollTestDevice(test, { name: uniqueName('mac-b') });
});

afterAll(async () => {
  await test.close();
});

const inOneHour = () => new Date(Date.now() + 3_600_000);
const seconds = (later: string | null | undefined, earlier: string | null | undefined) =>
  (Date.parse(later!) - Date.parse(earlier!)) / 1000;

async function auditActions(id: string) {
  const result = await execute(test, JitRequestDetailsQuery, { id });
  return result.data!.jitRequest!.auditTrail.map((event) => [event.actor, event.action]);
}

describe('createJitRequest', () => {
  it('starts a fixed request at once, approved by its creator', async () => {
    const groupId = await createTestGroup(test, [macB.id]);
    const result = await execute(
      test,
      CreateJitRequestMutation,
      {
        input: {
          name: 'Install Xcode',
          userAccountName: 'alice',
          durationType: 'FIXED',
          durationSeconds: 1800,
          deviceIds: [macA.id],
          deviceGroupIds: [groupId],
          internetAccessRequired: true,
          reasonByAdmin: 'Ticket 42',
        },
      },
      { role: 'approver', sub: 'ann' },
    );
    expect(result.errors).toBeUndefined();
    const request = result.data!.createJitRequest;
    expect(request).toMatchObject({
      status: 'ACTIVE',
      requesterKind: 'ADMIN',
      requestedBy: 'ann',
      approvedBy: 'ann',
      internetAccessRequired: true,
      reasonByAdmin: 'Ticket 42',
      extensionRequested: false,
    });
    expect(seconds(request.expiresAt, request.startedAt)).toBe(1800);
    expect(request.remainingSeconds).toBeGreaterThan(1790);
    expect(request.deviceSessions.map((session) => session.state)).toEqual(['WAITING', 'WAITING']);
    expect(new Set(request.devices.map((device) => device.id))).toEqual(
      new Set([macA.id, macB.id]),
    );
    expect(await auditActions(request.id)).toEqual([['ann', 'request.created']]);
  });

  it('schedules a scheduled request and returns its start in UTC', async () => {
    const start = inOneHour();
    start.setUTCMilliseconds(0);
    const withOffset = new Date(start.getTime() + 2 * 3_600_000)
      .toISOString()
      .replace('Z', '+02:00');
    const result = await execute(test, CreateJitRequestMutation, {
      input: {
        name: 'Night maintenance',
        userAccountName: 'bob',
        durationType: 'SCHEDULED',
        durationSeconds: 600,
        scheduledStartAt: withOffset,
        deviceIds: [macA.id],
      },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createJitRequest).toMatchObject({
      status: 'SCHEDULED',
      scheduledStartAt: start.toISOString(),
      startedAt: null,
      remainingSeconds: null,
      deviceSessions: [],
    });
  });
});

describe('approveJitRequest', () => {
  it('starts a fixed pending request with one session per device', async () => {
    const pending = await insertPendingRequest(test, [macA.id, macB.id]);
    const result = await execute(
      test,
      ApproveJitRequestMutation,
      { input: { id: pending.id, reasonByAdmin: 'Go ahead' } },
      { role: 'approver', sub: 'paula' },
    );
    expect(result.errors).toBeUndefined();
    const approved = result.data!.approveJitRequest;
    expect(approved).toMatchObject({
      status: 'ACTIVE',
      approvedBy: 'paula',
      reasonByAdmin: 'Go ahead',
      reasonByUser: 'Install a printer driver',
      requesterKind: 'USER',
    });
    expect(approved.deviceSessions).toHaveLength(2);
    expect(seconds(approved.expiresAt, approved.startedAt)).toBe(900);
    expect(await auditActions(pending.id)).toEqual([['paula', 'request.approved']]);
  });

  it('applies a changed time window before approving', async () => {
    const pending = await insertPendingRequest(test, [macA.id]);
    const start = inOneHour().toISOString();
    const result = await execute(test, ApproveJitRequestMutation, {
      input: {
        id: pending.id,
        durationType: 'SCHEDULED',
        durationSeconds: 300,
        scheduledStartAt: start,
      },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.approveJitRequest).toMatchObject({
      status: 'SCHEDULED',
      durationType: 'SCHEDULED',
      durationSeconds: 300,
      scheduledStartAt: start,
    });
    const details = await execute(test, JitRequestDetailsQuery, { id: pending.id });
    const audit = JSON.parse(details.data!.jitRequest!.auditTrail[0]!.details!);
    expect(audit.windowChange.from).toMatchObject({ durationType: 'FIXED', durationSeconds: 900 });
    expect(audit.windowChange.to).toMatchObject({
      durationType: 'SCHEDULED',
      durationSeconds: 300,
    });
  });
});

describe('denyJitRequest', () => {
  it('moves a pending request to the Past table with the reason', async () => {
    const pending = await insertPendingRequest(test, [macA.id]);
    const result = await execute(test, DenyJitRequestMutation, {
      input: { id: pending.id, reasonByAdmin: 'Not needed' },
    });
    expect(result.data!.denyJitRequest).toMatchObject({
      status: 'DENIED',
      reasonByAdmin: 'Not needed',
      approvedBy: null,
      startedAt: null,
    });
    expect(await auditActions(pending.id)).toEqual([['admin-user', 'request.denied']]);
  });
});

describe('extendJitRequest', () => {
  it('moves the expiry and counts the extension', async () => {
    const created = await execute(test, CreateJitRequestMutation, {
      input: {
        name: 'Debugging',
        userAccountName: 'alice',
        durationType: 'FIXED',
        durationSeconds: 600,
        deviceIds: [macA.id],
      },
    });
    const request = created.data!.createJitRequest;
    const result = await execute(test, ExtendJitRequestMutation, {
      input: { id: request.id, additionalSeconds: 300, reasonByAdmin: 'More time' },
    });
    expect(result.errors).toBeUndefined();
    const extended = result.data!.extendJitRequest;
    expect(extended.extensionSeconds).toBe(300);
    expect(seconds(extended.expiresAt, request.expiresAt)).toBe(300);
    expect(extended.status).toBe('ACTIVE');
  });
});

describe('revokeJitRequest', () => {
  it('pre-revokes a scheduled request and revokes an active one', async () => {
    const scheduled = await execute(test, CreateJitRequestMutation, {
      input: {
        name: 'Later',
        userAccountName: 'alice',
        durationType: 'SCHEDULED',
        durationSeconds: 600,
        scheduledStartAt: inOneHour().toISOString(),
        deviceIds: [macA.id],
      },
    });
    const active = await execute(test, CreateJitRequestMutation, {
      input: {
        name: 'Now',
        userAccountName: 'alice',
        durationType: 'FIXED',
        durationSeconds: 600,
        deviceIds: [macA.id],
      },
    });
    const preRevoked = await execute(test, RevokeJitRequestMutation, {
      input: { id: scheduled.data!.createJitRequest.id },
    });
    const revoked = await execute(test, RevokeJitRequestMutation, {
      input: { id: active.data!.createJitRequest.id, reasonByAdmin: 'Done early' },
    });
    expect(preRevoked.data!.revokeJitRequest).toMatchObject({
      status: 'PRE_REVOKED',
      revokedBy: 'admin-user',
    });
    expect(revoked.data!.revokeJitRequest).toMatchObject({
      status: 'REVOKED',
      revokedBy: 'admin-user',
      reasonByAdmin: 'Done early',
      remainingSeconds: null,
    });
    expect(revoked.data!.revokeJitRequest.endedAt).not.toBeNull();
  });

  it('keeps the creation note after a revoke', async () => {
    const created = await execute(test, CreateJitRequestMutation, {
      input: {
        name: 'Noted',
        userAccountName: 'alice',
        durationType: 'FIXED',
        durationSeconds: 600,
        deviceIds: [macA.id],
        reasonByAdmin: 'Ticket 42',
      },
    });
    const id = created.data!.createJitRequest.id;
    await execute(test, RevokeJitRequestMutation, { input: { id, reasonByAdmin: 'Done early' } });
    const trail = await test.gql<{
      jitRequest: { reasonByAdmin: string; auditTrail: { action: string; details: string }[] };
    }>(`query ($id: ID!) { jitRequest(id: $id) { reasonByAdmin auditTrail { action details } } }`, {
      id,
    });
    expect(trail.data!.jitRequest.reasonByAdmin).toBe('Done early');
    const details = Object.fromEntries(
      trail.data!.jitRequest.auditTrail.map((event) => [event.action, JSON.parse(event.details)]),
    );
    expect(details['request.created'].reasonByAdmin).toBe('Ticket 42');
    expect(details['request.revoked'].reasonByAdmin).toBe('Done early');
  });
});

describe('inventory', () => {
  it('enrolls a device and shows its token once', async () => {
    const group = await execute(test, CreateDeviceGroupMutation, {
      input: { name: uniqueName('lab') },
    });
    const groupId = group.data!.createDeviceGroup.id;
    const result = await execute(test, EnrollDeviceMutation, {
      input: {
        name: 'Lab Mac',
        serialNumber: uniqueName('SN'),
        platform: 'MacOS',
        deviceGroupIds: [groupId],
      },
    });
    expect(result.errors).toBeUndefined();
    const { agentToken, device } = result.data!.enrollDevice;
    expect(agentToken).toMatch(/^jitd_[\w-]{40,}$/);
    expect(device).toMatchObject({ platform: 'macos', online: false, tokenRevoked: false });
    expect(device.groups).toEqual([{ id: groupId }]);

    const stored = await test.app.database.prisma.device.findUniqueOrThrow({
      where: { id: device.id },
    });
    expect(stored.tokenHash).not.toContain(agentToken);
    const details = await test.gql(`query ($id: ID!) { device(id: $id) { id } }`, {
      id: device.id,
    });
    expect(JSON.stringify(details)).not.toContain(agentToken);
  });

  it('adds and removes group members in one step', async () => {
    const group = await execute(test, CreateDeviceGroupMutation, {
      input: { name: uniqueName('ops'), deviceIds: [macA.id] },
    });
    const groupId = group.data!.createDeviceGroup.id;
    const result = await execute(test, UpdateDeviceGroupMembersMutation, {
      input: { deviceGroupId: groupId, addDeviceIds: [macB.id], removeDeviceIds: [macA.id] },
    });
    expect(result.data!.updateDeviceGroupMembers.devices).toEqual([{ id: macB.id }]);
  });

  it('rotates and revokes agent tokens', async () => {
    const device = await enrollTestDevice(test);
    const rotated = await test.gql<{ rotateAgentToken: { agentToken: string } }>(
      `mutation ($id: ID!) { rotateAgentToken(input: { deviceId: $id }) { agentToken } }`,
      { id: device.id },
    );
    expect(rotated.data!.rotateAgentToken.agentToken).not.toBe(device.agentToken);
    const revoked = await test.gql<{ revokeAgentToken: { tokenRevoked: boolean } }>(
      `mutation ($id: ID!) { revokeAgentToken(input: { deviceId: $id }) { tokenRevoked } }`,
      { id: device.id },
    );
    expect(revoked.data!.revokeAgentToken.tokenRevoked).toBe(true);
  });

  it('stores excluded accounts without duplicates', async () => {
    const device = await enrollTestDevice(test);
    const result = await test.gql<{ setExcludedAccounts: { excludedAccounts: string[] } }>(
      `mutation ($id: ID!) { setExcludedAccounts(input: { deviceId: $id, accounts: ["it-admin", " it-admin ", "owner"] }) { excludedAccounts } }`,
      { id: device.id },
    );
    expect(result.data!.setExcludedAccounts.excludedAccounts).toEqual(['it-admin', 'owner']);
  });
});

describe('agent settings', () => {
  it('falls back to the global default until a group has its own', async () => {
    const groupId = await createTestGroup(test, [macA.id]);
    const global = await execute(test, AgentSettingsQuery, {});
    const inherited = await execute(test, AgentSettingsQuery, { deviceGroupId: groupId });
    expect(inherited.data).toEqual(global.data);

    const updated = await execute(test, UpdateAgentSettingsMutation, {
      input: { deviceGroupId: groupId, dailyRequestLimit: 1, requestSubmissionEnabled: false },
    });
    expect(updated.data!.updateAgentSettings).toEqual({
      dailyRequestLimit: 1,
      jitSectionVisible: global.data!.agentSettings.jitSectionVisible,
      requestSubmissionEnabled: false,
    });
    const own = await execute(test, AgentSettingsQuery, { deviceGroupId: groupId });
    expect(own.data!.agentSettings.dailyRequestLimit).toBe(1);
    expect((await execute(test, AgentSettingsQuery, {})).data).toEqual(global.data);
  });
});

describe('roles', () => {
  it('tells the console who is signed in', async () => {
    const result = await execute(test, ViewerQuery, {}, { role: 'auditor', sub: 'audrey' });
    expect(result.data!.viewer).toEqual({ id: 'audrey', role: 'auditor' });
  });

  it('lets an auditor read every table', async () => {
    const result = await test.gql(
      `{ liveRequests(tab: ACTIVE) { totalCount } pastRequests { totalCount } devices { totalCount } deviceGroups { id } agentSettings { dailyRequestLimit } }`,
      {},
      { role: 'auditor' },
    );
    expect(result.errors).toBeUndefined();
  });
});
