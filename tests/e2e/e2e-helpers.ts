import { expect } from 'vitest';

import { startTestApp, type TestApp } from '../helpers.js';

export { TcpProxy } from './tcp-proxy.js';

/** Short timings, so a whole lifecycle fits in seconds. */
export const e2eEnv = {
  JIT_MIN_DURATION_SECONDS: '1',
  OFFLINE_REVOKE_AFTER_SECONDS: '2',
  AGENT_HEARTBEAT_INTERVAL_SECONDS: '1',
  JOBS_PROCESS_EVERY_MS: '200',
};

/** Polling options for waits on agents and jobs; generous for a loaded two-core machine. */
export const poll = { timeout: 30_000, interval: 100 };

export interface E2eServer {
  test: TestApp;
  url: string;
  port: number;
}

/** Starts the whole application on its own database and listens on a free port. */
export async function startE2eServer(env: Record<string, string> = {}): Promise<E2eServer> {
  const test = await startTestApp({ env: { ...e2eEnv, ...env } });
  const { url, port } = await test.app.listen();
  return { test, url, port };
}

export interface DeviceSessionView {
  state: string;
  failureReason: string | null;
  appliedAt: string | null;
  removedAt: string | null;
  device: { id: string; name: string; online: boolean };
}

export interface RequestView {
  id: string;
  status: string;
  extensionRequested: boolean;
  expiresAt: string | null;
  remainingSeconds: number | null;
  deviceSessions: DeviceSessionView[];
}

const requestFields = `id status extensionRequested expiresAt remainingSeconds
  deviceSessions { state failureReason appliedAt removedAt device { id name online } }`;

/** Reads a request with its device sessions through GraphQL, as an admin. */
export async function readRequest(test: TestApp, id: string): Promise<RequestView> {
  const result = await test.gql<{ jitRequest: RequestView }>(
    `query ($id: ID!) { jitRequest(id: $id) { ${requestFields} } }`,
    { id },
  );
  if (!result.data?.jitRequest)
    throw new Error(`jitRequest(${id}) failed: ${JSON.stringify(result.errors)}`);
  return result.data.jitRequest;
}

/** Device session states of a request by device id. */
export async function sessionStates(test: TestApp, id: string): Promise<Record<string, string>> {
  const request = await readRequest(test, id);
  return Object.fromEntries(
    request.deviceSessions.map((session) => [session.device.id, session.state]),
  );
}

/** Runs one lifecycle mutation as an approver and returns the request's new status. */
export async function decide(
  test: TestApp,
  mutation: 'approveJitRequest' | 'denyJitRequest' | 'revokeJitRequest' | 'extendJitRequest',
  input: Record<string, unknown>,
): Promise<string> {
  const result = await test.gql<Record<string, { status: string }>>(
    `mutation ($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { status } }`,
    { input },
    { role: 'approver', sub: 'carol' },
  );
  const data = result.data?.[mutation];
  if (!data) throw new Error(`${mutation} failed: ${JSON.stringify(result.errors)}`);
  return data.status;
}

/** Waits until the API shows the device online (its agent connected) or offline. */
export async function waitOnline(
  test: TestApp,
  device: { id: string; name: string },
  online = true,
): Promise<void> {
  await expect
    .poll(async () => {
      const result = await test.gql<{
        devices: { edges: { node: { id: string; online: boolean } }[] };
      }>(
        `query ($search: String) { devices(search: $search, first: 10) { edges { node { id online } } } }`,
        {
          search: device.name,
        },
      );
      if (result.errors) throw new Error(`devices query failed: ${JSON.stringify(result.errors)}`);
      return result.data?.devices.edges.find((edge) => edge.node.id === device.id)?.node.online;
    }, poll)
    .toBe(online);
}
