// The log lines of a real server process: request id, actor and JIT request id on each
// operation, and no secret anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signConsoleToken } from '../../src/tokens.js';
import { createTestDatabase, type TestDatabase, testJwtSecret } from '../helpers.js';
import { type Replica, startReplica } from '../replicas/replica-process.js';

let database: TestDatabase;
let server: Replica;
let adminToken: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startReplica('logging', {
    DATABASE_URL: database.url,
    JWT_SECRET: testJwtSecret,
    LOG_LEVEL: 'debug',
  });
  adminToken = await signConsoleToken(testJwtSecret, { sub: 'lara', role: 'admin' });
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

async function graphql(query: string, variables: Record<string, unknown>, requestId?: string) {
  const response = await fetch(`${server.httpUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${adminToken}`,
      ...(requestId && { 'x-request-id': requestId }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  return { response, body };
}

type LogLine = Record<string, unknown>;

/** Parses the JSON log lines written so far, waiting until `predicate` matches one of them. */
async function logLines(predicate: (line: LogLine) => boolean): Promise<LogLine[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
    if (lines.some(predicate) || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('operation logging', () => {
  let agentToken: string;
  let jitRequestId: string;

  beforeAll(async () => {
    const enrolled = await graphql(
      `
        mutation {
          enrollDevice(input: { name: "Log-Mac", platform: "macos" }) {
            agentToken
            device {
              id
            }
          }
        }
      `,
      {},
      'enroll-1',
    );
    agentToken = enrolled.body.data.enrollDevice.agentToken;
    const created = await graphql(
      `
        mutation ($device: ID!) {
          createJitRequest(
            input: {
              name: "Logged"
              userAccountName: "alice"
              durationType: FIXED
              durationSeconds: 600
              deviceIds: [$device]
            }
          ) {
            id
          }
        }
      `,
      { device: enrolled.body.data.enrollDevice.device.id },
      'create-1',
    );
    jitRequestId = created.body.data.createJitRequest.id;
    await graphql(
      `
        mutation ($id: ID!) {
          revokeJitRequest(input: { id: $id, reasonByAdmin: "done" }) {
            id
          }
        }
      `,
      { id: jitRequestId },
      'revoke-1',
    );
    await graphql(
      `
        mutation ($id: ID!) {
          revokeJitRequest(input: { id: $id }) {
            id
          }
        }
      `,
      { id: jitRequestId },
      'revoke-again',
    );
  });

  it('echoes the request id to the client', async () => {
    const { response } = await graphql(
      `
        {
          viewer {
            id
          }
        }
      `,
      {},
      'echo-me',
    );
    expect(response.headers.get('x-request-id')).toBe('echo-me');
    const generated = await graphql(
      `
        {
          viewer {
            id
          }
        }
      `,
      {},
    );
    expect(generated.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs each operation with request id, actor and JIT request id', async () => {
    const lines = await logLines((line) => line.requestId === 'revoke-again');
    const operation = (requestId: string) =>
      lines.find((line) => line.requestId === requestId && line.msg === 'graphql operation');

    expect(operation('enroll-1')).toMatchObject({ actor: 'lara', role: 'admin' });
    expect(operation('create-1')).toMatchObject({ actor: 'lara', jitRequestId });
    expect(operation('revoke-1')).toMatchObject({
      actor: 'lara',
      jitRequestId,
      operationType: 'mutation',
    });
    expect(operation('revoke-again')).toMatchObject({
      jitRequestId,
      errorCodes: ['INVALID_TRANSITION'],
    });
  });

  it('carries the request id into the domain lines of the operation', async () => {
    const lines = await logLines((line) => line.msg === 'request changed');
    const changed = lines.find(
      (line) => line.msg === 'request changed' && line.requestId === 'revoke-1',
    );
    expect(changed).toMatchObject({ actor: 'lara', jitRequestId, status: 'REVOKED' });
  });

  it('never logs tokens or the signing secret', () => {
    const output = server.output();
    expect(output).not.toContain(adminToken);
    expect(output).not.toContain(adminToken.split('.')[2]);
    expect(output).not.toContain(agentToken);
    expect(output).not.toContain(testJwtSecret);
  });
});
