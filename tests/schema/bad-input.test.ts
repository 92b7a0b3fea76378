// Every rejected input gets its API error code and leaves every table exactly as it was.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Role } from '../../src/domain/context.js';
import { createTestGroup, createTestRequest, enrollTestDevice, uniqueName } from '../factories.js';
import { startTestApp, type TestApp, testJwtSecret } from '../helpers.js';
import { databaseFingerprint, insertPendingRequest } from './rows.js';

let test: TestApp;
let deviceId: string;
let serialNumber: string;
let groupId: string;
let groupName: string;
let pendingId: string;
let activeId: string;
let deniedId: string;
let revokedDeviceId: string;

const minSeconds = 60;
const maxSeconds = 3600;

beforeAll(async () => {
  test = await startTestApp({
    env: {
      JIT_MIN_DURATION_SECONDS: String(minSeconds),
      JIT_MAX_DURATION_SECONDS: String(maxSeconds),
    },
  });
  serialNumber = uniqueName('C02');
  const enrolled = await test.gql<{ enrollDevice: { device: { id: string } } }>(
    `mutation ($serial: String) { enrollDevice(input: { name: "Finance-Mac", platform: "macos", serialNumber: $serial }) { device { id } } }`,
    { serial: serialNumber },
  );
  deviceId = enrolled.data!.enrollDevice.device.id;
  groupName = uniqueName('finance');
  groupId = await createTestGroup(test, [deviceId], groupName);
  pendingId = (await insertPendingRequest(test, [deviceId])).id;
  deniedId = (await insertPendingRequest(test, [deviceId], { status: 'DENIED' })).id;
  activeId = (await createTestRequest(test, { deviceIds: [deviceId], durationSeconds: 3000 })).id;
  revokedDeviceId = (await enrollTestDevice(test)).id;
  await test.gql(`mutation ($id: ID!) { revokeAgentToken(input: { deviceId: $id }) { id } }`, {
    id: revokedDeviceId,
  });
});

afterAll(async () => {
  await test.close();
});

/** Posts one operation and returns the HTTP status with the parsed body. */
async function post(query: string, variables: Record<string, unknown>, token: string | null) {
  const response = await test.app.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== null && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, body };
}

const future = () => new Date(Date.now() + 3_600_000).toISOString();
const createMutation = `mutation ($input: CreateJitRequestInput!) { createJitRequest(input: $input) { id } }`;

function createInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Install tools',
    userAccountName: 'alice',
    durationType: 'FIXED',
    durationSeconds: 600,
    deviceIds: [deviceId],
    ...overrides,
  };
}

interface Case {
  name: string;
  query: string;
  variables?: () => Record<string, unknown>;
  /** A role to sign the token with, or a function that returns the raw token (null: no header). */
  as?: Role | (() => Promise<string | null>);
  code: string;
  field?: string;
  status?: () => string;
  httpStatus?: number;
}

const extend = `mutation ($input: ExtendJitRequestInput!) { extendJitRequest(input: $input) { id } }`;
const approve = `mutation ($input: ApproveJitRequestInput!) { approveJitRequest(input: $input) { id } }`;
const deny = `mutation ($input: DenyJitRequestInput!) { denyJitRequest(input: $input) { id } }`;
const revoke = `mutation ($input: RevokeJitRequestInput!) { revokeJitRequest(input: $input) { id } }`;
const enroll = `mutation ($input: EnrollDeviceInput!) { enrollDevice(input: $input) { agentToken } }`;
const createGroup = `mutation ($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { id } }`;
const updateMembers = `mutation ($input: UpdateDeviceGroupMembersInput!) { updateDeviceGroupMembers(input: $input) { id } }`;
const updateSettings = `mutation ($input: UpdateAgentSettingsInput!) { updateAgentSettings(input: $input) { dailyRequestLimit } }`;
const rotateToken = `mutation ($id: ID!) { rotateAgentToken(input: { deviceId: $id }) { agentToken } }`;
const revokeToken = `mutation ($id: ID!) { revokeAgentToken(input: { deviceId: $id }) { id } }`;
const setExcluded = `mutation ($id: ID!, $accounts: [String!]!) { setExcludedAccounts(input: { deviceId: $id, accounts: $accounts }) { id } }`;
const missingId = 'req_00000000000000000000000000000000';
const missingDevice = 'dev_00000000000000000000000000000000';
const missingGroup = 'grp_00000000000000000000000000000000';

const signed = (
  claims: Record<string, unknown>,
  secret = testJwtSecret,
  expiresAt: string | number = '1h',
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));

const cases: Case[] = [
  // Names, reasons and account names.
  ...[
    ['an empty name', { name: '' }, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name of 121 characters', { name: 'n'.repeat(121) }, 'name'],
    ['a name with a control character', { name: 'tools\u0007' }, 'name'],
    ['a reason of 1001 characters', { reasonByAdmin: 'r'.repeat(1001) }, 'reasonByAdmin'],
    ...[
      '',
      'bad name',
      '-alice',
      '1alice',
      'a'.repeat(33),
      'alice.',
      'ali/ce',
      'al:ice',
      'ålice',
    ].map(
      (account) =>
        [`user account '${account}'`, { userAccountName: account }, 'userAccountName'] as const,
    ),
  ].map(([label, overrides, field]): Case => ({
    name: `create with ${label as string}`,
    query: createMutation,
    variables: () => ({ input: createInput(overrides as Record<string, unknown>) }),
    code: 'VALIDATION_FAILED',
    field: field as string,
  })),
  // Durations and start times.
  ...[minSeconds - 1, maxSeconds + 1, 0, -60].map((durationSeconds): Case => ({
    name: `create with a duration of ${durationSeconds} s`,
    query: createMutation,
    variables: () => ({ input: createInput({ durationSeconds }) }),
    code: 'VALIDATION_FAILED',
    field: 'durationSeconds',
  })),
  {
    name: 'create with a duration past the 32-bit range',
    query: createMutation,
    variables: () => ({ input: createInput({ durationSeconds: 2 ** 31 }) }),
    code: 'VALIDATION_FAILED',
    field: 'durationSeconds',
  },
  {
    name: 'create with a scheduled start in the past',
    query: createMutation,
    variables: () => ({
      input: createInput({ durationType: 'SCHEDULED', scheduledStartAt: '2020-01-01T10:00:00Z' }),
    }),
    code: 'VALIDATION_FAILED',
    field: 'scheduledStartAt',
  },
  {
    name: 'create with a start without offset, in a variable',
    query: createMutation,
    variables: () => ({
      input: createInput({ durationType: 'SCHEDULED', scheduledStartAt: '2030-01-01T10:00:00' }),
    }),
    code: 'VALIDATION_FAILED',
    field: 'scheduledStartAt',
  },
  {
    name: 'create with a start without offset, as a literal',
    query: `mutation ($device: ID!) { createJitRequest(input: { name: "x", userAccountName: "alice", durationType: SCHEDULED, durationSeconds: 600, deviceIds: [$device], scheduledStartAt: "2030-01-01T10:00:00" }) { id } }`,
    variables: () => ({ device: deviceId }),
    code: 'VALIDATION_FAILED',
    field: 'scheduledStartAt',
  },
  {
    name: 'create with a start that is no date',
    query: createMutation,
    variables: () => ({
      input: createInput({ durationType: 'SCHEDULED', scheduledStartAt: 'tomorrow' }),
    }),
    code: 'VALIDATION_FAILED',
    field: 'scheduledStartAt',
  },
  {
    name: 'create with an impossible calendar date',
    query: createMutation,
    variables: () => ({
      input: createInput({ durationType: 'SCHEDULED', scheduledStartAt: '2030-02-31T10:00:00Z' }),
    }),
    code: 'VALIDATION_FAILED',
    field: 'scheduledStartAt',
  },
  {
    name: 'create a scheduled request without a start',
    query: createMutation,
    variables: () => ({ input: createInput({ durationType: 'SCHEDULED' }) }),
    code: 'VALIDATION_FAILED',
    field: 'scheduledStartAt',
  },
  {
    name: 'create a fixed request with a start',
    query: createMutation,
    variables: () => ({ input: createInput({ scheduledStartAt: future() }) }),
    code: 'VALIDATION_FAILED',
    field: 'scheduledStartAt',
  },
  {
    name: 'create with an unknown duration type',
    query: `mutation ($device: ID!) { createJitRequest(input: { name: "x", userAccountName: "alice", durationType: FOREVER, durationSeconds: 600, deviceIds: [$device] }) { id } }`,
    variables: () => ({ device: deviceId }),
    code: 'VALIDATION_FAILED',
    field: 'durationType',
  },
  {
    name: 'create without a required field',
    query: createMutation,
    variables: () => ({ input: { ...createInput(), name: undefined } }),
    code: 'VALIDATION_FAILED',
    field: 'name',
  },
  // Targets.
  {
    name: 'create for an unknown device',
    query: createMutation,
    variables: () => ({ input: createInput({ deviceIds: [deviceId, missingDevice] }) }),
    code: 'VALIDATION_FAILED',
    field: 'deviceIds',
  },
  {
    name: 'create for a device whose token was revoked',
    query: createMutation,
    variables: () => ({ input: createInput({ deviceIds: [revokedDeviceId] }) }),
    code: 'VALIDATION_FAILED',
    field: 'deviceIds',
  },
  {
    name: 'create for an unknown group',
    query: createMutation,
    variables: () => ({ input: createInput({ deviceIds: [], deviceGroupIds: [missingGroup] }) }),
    code: 'VALIDATION_FAILED',
    field: 'deviceGroupIds',
  },
  {
    name: 'create without targets',
    query: createMutation,
    variables: () => ({ input: createInput({ deviceIds: [], deviceGroupIds: [] }) }),
    code: 'VALIDATION_FAILED',
    field: 'deviceIds',
  },
  // Transitions.
  {
    name: 'approve an unknown request',
    query: approve,
    variables: () => ({ input: { id: missingId } }),
    code: 'NOT_FOUND',
  },
  {
    name: 'approve with a duration over the maximum',
    query: approve,
    variables: () => ({ input: { id: pendingId, durationSeconds: maxSeconds + 1 } }),
    code: 'VALIDATION_FAILED',
    field: 'durationSeconds',
  },
  {
    name: 'approve as scheduled with a past start',
    query: approve,
    variables: () => ({
      input: { id: pendingId, durationType: 'SCHEDULED', scheduledStartAt: '2020-01-01T00:00:00Z' },
    }),
    code: 'VALIDATION_FAILED',
    field: 'scheduledStartAt',
  },
  {
    name: 'approve with a reason of 1001 characters',
    query: approve,
    variables: () => ({ input: { id: pendingId, reasonByAdmin: 'r'.repeat(1001) } }),
    code: 'VALIDATION_FAILED',
    field: 'reasonByAdmin',
  },
  {
    name: 'approve a denied request',
    query: approve,
    variables: () => ({ input: { id: deniedId } }),
    code: 'INVALID_TRANSITION',
    status: () => 'DENIED',
  },
  {
    name: 'approve an active request',
    query: approve,
    variables: () => ({ input: { id: activeId } }),
    code: 'INVALID_TRANSITION',
    status: () => 'ACTIVE',
  },
  {
    name: 'deny an unknown request',
    query: deny,
    variables: () => ({ input: { id: missingId } }),
    code: 'NOT_FOUND',
  },
  {
    name: 'deny an active request',
    query: deny,
    variables: () => ({ input: { id: activeId } }),
    code: 'INVALID_TRANSITION',
    status: () => 'ACTIVE',
  },
  {
    name: 'extend past the maximum duration',
    query: extend,
    variables: () => ({ input: { id: activeId, additionalSeconds: maxSeconds - 3000 + 1 } }),
    code: 'VALIDATION_FAILED',
    field: 'additionalSeconds',
  },
  {
    name: 'extend by zero seconds',
    query: extend,
    variables: () => ({ input: { id: activeId, additionalSeconds: 0 } }),
    code: 'VALIDATION_FAILED',
    field: 'additionalSeconds',
  },
  {
    name: 'extend a pending request',
    query: extend,
    variables: () => ({ input: { id: pendingId, additionalSeconds: 60 } }),
    code: 'INVALID_TRANSITION',
    status: () => 'PENDING',
  },
  {
    name: 'extend an unknown request',
    query: extend,
    variables: () => ({ input: { id: missingId, additionalSeconds: 60 } }),
    code: 'NOT_FOUND',
  },
  {
    name: 'revoke a pending request',
    query: revoke,
    variables: () => ({ input: { id: pendingId } }),
    code: 'INVALID_TRANSITION',
    status: () => 'PENDING',
  },
  {
    name: 'revoke a denied request',
    query: revoke,
    variables: () => ({ input: { id: deniedId } }),
    code: 'INVALID_TRANSITION',
    status: () => 'DENIED',
  },
  {
    name: 'revoke an unknown request',
    query: revoke,
    variables: () => ({ input: { id: missingId } }),
    code: 'NOT_FOUND',
  },
  // Inventory and settings.
  {
    name: 'enroll with an empty name',
    query: enroll,
    variables: () => ({ input: { name: ' ', platform: 'macos' } }),
    code: 'VALIDATION_FAILED',
    field: 'name',
  },
  {
    name: 'enroll an unsupported platform',
    query: enroll,
    variables: () => ({ input: { name: 'Amiga', platform: 'amigaos' } }),
    code: 'VALIDATION_FAILED',
    field: 'platform',
  },
  {
    name: 'enroll into an unknown group',
    query: enroll,
    variables: () => ({
      input: { name: 'Mac', platform: 'macos', deviceGroupIds: [missingGroup] },
    }),
    code: 'VALIDATION_FAILED',
    field: 'deviceGroupIds',
  },
  {
    name: 'enroll a serial number twice',
    query: enroll,
    variables: () => ({ input: { name: 'Mac', platform: 'macos', serialNumber } }),
    code: 'VALIDATION_FAILED',
    field: 'serialNumber',
  },
  {
    name: 'create a group with an existing name',
    query: createGroup,
    variables: () => ({ input: { name: groupName } }),
    code: 'VALIDATION_FAILED',
    field: 'name',
  },
  {
    name: 'create a group with an unknown device',
    query: createGroup,
    variables: () => ({ input: { name: uniqueName('group'), deviceIds: [missingDevice] } }),
    code: 'VALIDATION_FAILED',
    field: 'deviceIds',
  },
  {
    name: 'change members of an unknown group',
    query: updateMembers,
    variables: () => ({ input: { deviceGroupId: missingGroup, addDeviceIds: [deviceId] } }),
    code: 'NOT_FOUND',
  },
  {
    name: 'add an unknown device to a group',
    query: updateMembers,
    variables: () => ({ input: { deviceGroupId: groupId, addDeviceIds: [missingDevice] } }),
    code: 'VALIDATION_FAILED',
    field: 'addDeviceIds',
  },
  ...[-1, 1001].map((dailyRequestLimit): Case => ({
    name: `set a daily limit of ${dailyRequestLimit}`,
    query: updateSettings,
    variables: () => ({ input: { dailyRequestLimit } }),
    code: 'VALIDATION_FAILED',
    field: 'dailyRequestLimit',
  })),
  {
    name: 'change settings of an unknown group',
    query: updateSettings,
    variables: () => ({ input: { deviceGroupId: missingGroup, dailyRequestLimit: 2 } }),
    code: 'NOT_FOUND',
  },
  {
    name: 'exclude an invalid account name',
    query: setExcluded,
    variables: () => ({ id: deviceId, accounts: ['admin', 'not valid'] }),
    code: 'VALIDATION_FAILED',
    field: 'accounts',
  },
  {
    name: 'exclude accounts on an unknown device',
    query: setExcluded,
    variables: () => ({ id: missingDevice, accounts: ['admin'] }),
    code: 'NOT_FOUND',
  },
  {
    name: 'rotate the token of an unknown device',
    query: rotateToken,
    variables: () => ({ id: missingDevice }),
    code: 'NOT_FOUND',
  },
  {
    name: 'revoke the token of an unknown device',
    query: revokeToken,
    variables: () => ({ id: missingDevice }),
    code: 'NOT_FOUND',
  },
  // Roles.
  ...(
    [
      ['create', createMutation, () => ({ input: createInput() })],
      ['approve', approve, () => ({ input: { id: pendingId } })],
      ['deny', deny, () => ({ input: { id: pendingId } })],
      ['extend', extend, () => ({ input: { id: activeId, additionalSeconds: 60 } })],
      ['revoke', revoke, () => ({ input: { id: activeId } })],
      ['enroll', enroll, () => ({ input: { name: 'Mac', platform: 'macos' } })],
      ['update settings', updateSettings, () => ({ input: { dailyRequestLimit: 9 } })],
    ] as const
  ).map(([label, query, variables]): Case => ({
    name: `${label} as auditor`,
    query,
    variables,
    as: 'auditor',
    code: 'FORBIDDEN',
  })),
  ...(
    [
      ['enroll', enroll, () => ({ input: { name: 'Mac', platform: 'macos' } })],
      ['update settings', updateSettings, () => ({ input: { dailyRequestLimit: 9 } })],
      ['create a group', createGroup, () => ({ input: { name: uniqueName('group') } })],
      [
        'change group members',
        updateMembers,
        () => ({ input: { deviceGroupId: groupId, removeDeviceIds: [deviceId] } }),
      ],
      ['rotate a token', rotateToken, () => ({ id: deviceId })],
      ['revoke a token', revokeToken, () => ({ id: deviceId })],
      ['exclude accounts', setExcluded, () => ({ id: deviceId, accounts: ['admin'] })],
    ] as const
  ).map(([label, query, variables]): Case => ({
    name: `${label} as approver`,
    query,
    variables,
    as: 'approver',
    code: 'FORBIDDEN',
  })),
  // NUL characters, which PostgreSQL text cannot contain, in literals and in variables.
  {
    name: 'search with a NUL character in the document',
    query: '{ liveRequests(tab: ACTIVE, search: "a\\u0000b") { totalCount } }',
    code: 'VALIDATION_FAILED',
    field: 'search',
  },
  {
    name: 'search with a NUL character in a variable',
    query: 'query ($text: String) { pastRequests(search: $text) { totalCount } }',
    variables: () => ({ text: 'a\u0000b' }),
    code: 'VALIDATION_FAILED',
    field: 'text',
  },
  {
    name: 'read a request whose id contains a NUL character',
    query: 'query ($id: ID!) { jitRequest(id: $id) { id } }',
    variables: () => ({ id: 'req_\u0000' }),
    code: 'VALIDATION_FAILED',
    field: 'id',
  },
  {
    name: 'revoke a request whose id contains a NUL character',
    query: revoke,
    variables: () => ({ input: { id: 'req_\u0000', reasonByAdmin: 'done' } }),
    code: 'VALIDATION_FAILED',
    field: 'id',
  },
  {
    name: 'create with a device id containing a NUL character',
    query: createMutation,
    variables: () => ({ input: createInput({ deviceIds: ['dev_\u0000'] }) }),
    code: 'VALIDATION_FAILED',
    field: 'deviceIds',
  },
  {
    name: 'search devices with a NUL character',
    query: '{ devices(search: "x\\u0000") { totalCount } }',
    code: 'VALIDATION_FAILED',
    field: 'search',
  },
  // Authentication.
  ...(
    [
      ['without a token', async () => null],
      ['with a malformed token', async () => 'not-a-jwt'],
      [
        'with a token signed by another key',
        () => signed({ sub: 'mallory', role: 'admin' }, 'x'.repeat(48)),
      ],
      [
        'with an expired token',
        () =>
          signed(
            { sub: 'alice', role: 'admin' },
            testJwtSecret,
            Math.floor(Date.now() / 1000) - 60,
          ),
      ],
      [
        'with an unsigned token (alg none)',
        async () => {
          const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'mallory', role: 'admin', iat: now, exp: now + 3600 })}.`;
        },
      ],
      [
        'with a token signed by the right secret under HS512',
        () =>
          new SignJWT({ sub: 'mallory', role: 'admin' })
            .setProtectedHeader({ alg: 'HS512' })
            .setIssuedAt()
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode(testJwtSecret)),
      ],
      ['with an unknown role', () => signed({ sub: 'alice', role: 'superuser' })],
      ['without a subject', () => signed({ role: 'admin' })],
    ] as const
  ).map(([label, token]): Case => ({
    name: `create ${label}`,
    query: createMutation,
    variables: () => ({ input: createInput() }),
    as: token,
    code: 'UNAUTHENTICATED',
    httpStatus: 401,
  })),
];

describe('rejected operations', () => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    async (_name, testCase) => {
      const before = await databaseFingerprint(test);
      const token =
        typeof testCase.as === 'function'
          ? await testCase.as()
          : await test.tokenFor(testCase.as ?? 'admin');
      const { status, body } = await post(testCase.query, testCase.variables?.() ?? {}, token);

      expect(body.errors, JSON.stringify(body)).toHaveLength(1);
      const error = body.errors![0]!;
      expect(error.extensions?.code, error.message).toBe(testCase.code);
      if (testCase.field) expect(error.extensions?.field, error.message).toBe(testCase.field);
      if (testCase.status) expect(error.extensions?.status).toBe(testCase.status());
      if (testCase.httpStatus) expect(status).toBe(testCase.httpStatus);
      expect(status).toBeLessThan(500);
      expect(error.message).toMatch(/\S/);
      expect(await databaseFingerprint(test)).toEqual(before);
    },
  );
});

describe('jitRequest', () => {
  it('returns null for an unknown id', async () => {
    const result = await test.gql(`query ($id: ID!) { jitRequest(id: $id) { id } }`, {
      id: missingId,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ jitRequest: null });
  });
});

describe('Authorization header forms', () => {
  async function viewerWith(authorization: string) {
    const response = await test.app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ viewer { id role } }' }),
    });
    return { response, body: (await response.json()) as Record<string, any> };
  }

  it('accepts the scheme in any case', async () => {
    const token = await test.tokenFor('auditor', 'carol');
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const { response, body } = await viewerWith(`${scheme} ${token}`);
      expect(response.status, scheme).toBe(200);
      expect(body.data, scheme).toEqual({ viewer: { id: 'carol', role: 'auditor' } });
    }
  });

  it.each([
    ['another scheme', (token: string) => `Basic ${token}`, "scheme 'Basic'"],
    ['a token without a scheme', (token: string) => token, 'no scheme'],
    ['a scheme without a token', () => 'Bearer', 'no token'],
    ['a scheme and spaces', () => 'Bearer    ', 'no token'],
  ])('rejects %s as UNAUTHENTICATED', async (_label, header, problem) => {
    const { response, body } = await viewerWith(header(await test.tokenFor('admin')));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0].message).toContain(problem);
  });
});
