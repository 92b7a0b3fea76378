import { randomBytes } from 'node:crypto';

import type { TestApp } from './helpers.js';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Enrolls a device through the API and returns its id and agent token. */
export async function enrollTestDevice(
  test: TestApp,
  input: { name?: string; platform?: string; deviceGroupIds?: string[] } = {},
): Promise<{ id: string; name: string; agentToken: string }> {
  const name = input.name ?? uniqueName('mac');
  const result = await test.gql<{ enrollDevice: { agentToken: string; device: { id: string } } }>(
    `mutation ($input: EnrollDeviceInput!) { enrollDevice(input: $input) { agentToken device { id } } }`,
    { input: { name, platform: input.platform ?? 'macos', deviceGroupIds: input.deviceGroupIds } },
  );
  if (!result.data) throw new Error(`enrollDevice failed: ${JSON.stringify(result.errors)}`);
  return {
    id: result.data.enrollDevice.device.id,
    name,
    agentToken: result.data.enrollDevice.agentToken,
  };
}

export async function createTestGroup(
  test: TestApp,
  deviceIds: string[],
  name = uniqueName('group'),
) {
  const result = await test.gql<{ createDeviceGroup: { id: string } }>(
    `mutation ($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { id } }`,
    { input: { name, deviceIds } },
  );
  if (!result.data) throw new Error(`createDeviceGroup failed: ${JSON.stringify(result.errors)}`);
  return result.data.createDeviceGroup.id;
}

export interface RequestInput {
  name?: string;
  userAccountName?: string;
  durationType?: 'FIXED' | 'SCHEDULED';
  durationSeconds?: number;
  scheduledStartAt?: string;
  internetAccessRequired?: boolean;
  deviceIds?: string[];
  deviceGroupIds?: string[];
  reasonByAdmin?: string;
}

/** Creates an admin request through the API and returns its id and status. */
export async function createTestRequest(test: TestApp, input: RequestInput) {
  const result = await test.gql<{ createJitRequest: { id: string; status: string } }>(
    `mutation ($input: CreateJitRequestInput!) { createJitRequest(input: $input) { id status } }`,
    {
      input: {
        name: input.name ?? uniqueName('request'),
        userAccountName: input.userAccountName ?? 'alice',
        durationType: input.durationType ?? 'FIXED',
        durationSeconds: input.durationSeconds ?? 600,
        ...input,
      },
    },
  );
  if (!result.data) throw new Error(`createJitRequest failed: ${JSON.stringify(result.errors)}`);
  return result.data.createJitRequest;
}
