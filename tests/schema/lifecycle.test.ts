import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestRequest, enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';

let test: TestApp;

beforeAll(async () => {
  test = await startTestApp();
});

afterAll(async () => {
  await test.close();
});

describe('revokeJitRequest', () => {
  it('revokes an active request once', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, { deviceIds: [device.id] });
    expect(request.status).toBe('ACTIVE');

    const revoke = `mutation ($id: ID!) { revokeJitRequest(input: { id: $id, reasonByAdmin: "done" }) { status revokedBy } }`;
    const first = await test.gql(revoke, { id: request.id });
    expect(first.data?.revokeJitRequest).toEqual({ status: 'REVOKED', revokedBy: 'admin-user' });

    const second = await test.gql(revoke, { id: request.id });
    expect(second.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(second.errors?.[0]?.extensions?.status).toBe('REVOKED');
  });
});
