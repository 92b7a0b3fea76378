// Query limits and the request body limit, over a listening HTTP server.
import { request as httpRequest } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defaultQueryLimits } from '../../src/http/limits.js';
import { startTestApp, type TestApp } from '../helpers.js';

const bodyLimitBytes = 50_000;
let test: TestApp;
let port: number;
let token: string;

beforeAll(async () => {
  test = await startTestApp({ env: { HTTP_BODY_LIMIT_BYTES: String(bodyLimitBytes) } });
  port = (await test.app.listen()).port;
  token = await test.tokenFor('admin');
});

afterAll(async () => {
  await test.close();
});

interface Reply {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function postQuery(query: string, variables?: Record<string, unknown>): Promise<Reply> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Reply['body'] };
}

function expectTooComplex(reply: Reply, limitWords: RegExp) {
  expect(reply.body.errors, JSON.stringify(reply.body)).toHaveLength(1);
  expect(reply.body.errors![0]!.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  expect(reply.body.errors![0]!.message).toMatch(limitWords);
  expect(reply.body.data).toBeUndefined();
}

/** A Live table page of 100 rows with every request field and relation a console shows. */
const consolePage = `{
  liveRequests(tab: ACTIVE, first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id name userAccountName status durationType durationSeconds extensionSeconds
      scheduledStartAt internetAccessRequired requesterKind requestedBy requestedAt approvedBy
      approvedAt startedAt endedAt expiresAt remainingSeconds reasonByUser reasonByAdmin revokedBy
      extensionRequested extensionRequestedSeconds
      raisedFromDevice { id name }
      devices { id name online platform serialNumber lastSeenAt groups { id name } }
      deviceSessions { state appliedAt removedAt failureReason overrunSeconds device { id name online } }
      auditTrail { at actor action details }
    } }
  }
}`;

describe('query limits', () => {
  it('admits the console page query at 100 rows', async () => {
    const reply = await postQuery(consolePage);
    expect(reply.body.errors).toBeUndefined();
    expect(reply.status).toBe(200);
  });

  it('rejects nesting deeper than the limit', async () => {
    // deviceGroups { devices { groups { devices { … } } } }: one level per field.
    let selection = 'id';
    for (let level = defaultQueryLimits.maxDepth; level > 0; level--) {
      selection = level % 2 === 1 ? `devices { ${selection} }` : `groups { ${selection} }`;
    }
    expectTooComplex(await postQuery(`{ deviceGroups { ${selection} } }`), /depth/i);
  });

  it('rejects more aliases than the limit', async () => {
    const aliases = Array.from(
      { length: defaultQueryLimits.maxAliases + 1 },
      (_, index) => `a${index}: viewer { id }`,
    );
    expectTooComplex(await postQuery(`{ ${aliases.join(' ')} }`), /alias/i);
  });

  it('rejects a query whose estimated cost is over the limit', async () => {
    const wide = `edges { node { devices { groups { devices { groups { devices { id name } } } } } } }`;
    const query = `{
      a: pastRequests(first: 100) { ${wide} }
      b: liveRequests(tab: ACTIVE, first: 100) { ${wide} }
      c: liveRequests(tab: PENDING, first: 100) { ${wide} }
      d: devices(first: 100) { edges { node { groups { devices { groups { devices { id } } } } } } }
    }`;
    expectTooComplex(await postQuery(query), /cost/i);
  });

  it('counts page sizes given in variables', async () => {
    const wide = `edges { node { devices { groups { devices { groups { devices { id name } } } } } } }`;
    const query = `query ($rows: Int, $defaulted: Int = 100) {
      a: pastRequests(first: $rows) { ${wide} }
      b: liveRequests(tab: ACTIVE, first: $rows) { ${wide} }
      c: liveRequests(tab: PENDING, first: $defaulted) { ${wide} }
      d: devices(first: $rows) { edges { node { groups { devices { groups { devices { id } } } } } } }
    }`;
    expectTooComplex(await postQuery(query, { rows: 100 }), /cost/i);
    const small = await postQuery(query, { rows: 2, defaulted: 2 });
    expect(small.body.errors).toBeUndefined();
    expect(small.status).toBe(200);
  });

  it('rejects more tokens than the limit', async () => {
    const fields = Array.from({ length: defaultQueryLimits.maxTokens }, () => 'id').join(' ');
    expectTooComplex(await postQuery(`{ viewer { ${fields} } }`), /token/i);
  });

  it('rejects more directives than the limit', async () => {
    const directives = Array.from(
      { length: defaultQueryLimits.maxDirectives + 1 },
      () => 'id @include(if: true)',
    ).join(' ');
    expectTooComplex(await postQuery(`{ viewer { ${directives} } }`), /directive/i);
  });

  it('hides field suggestions', async () => {
    const reply = await postQuery(`{ viewer { rol } }`);
    expect(reply.body.errors?.[0]?.message).not.toContain('role');
    expect(reply.body.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });
});

interface RawReply {
  status: number;
  body: string;
  /** Bytes of the request body written before the response arrived. */
  sent: number;
}

/**
 * Posts a body in 4 KiB chunks until `total` bytes are written or the response arrives. With
 * `declare`, Content-Length announces `total` up front; otherwise the body is chunked.
 */
function postBody(total: number, declare: boolean): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...(declare && { 'content-length': String(total) }),
        },
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString(), sent }),
        );
      },
    );
    // Writes after the server closed the connection fail; the response is what counts.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(4096, 0x20);
    const writeMore = () => {
      while (!answered && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!request.write(piece)) {
          request.once('drain', writeMore);
          return;
        }
      }
      if (!answered) request.end();
    };
    if (declare) {
      // Send the headers and one chunk only: the server must respond without the rest.
      request.flushHeaders();
      sent = 4096;
      request.write(chunk);
    } else {
      writeMore();
    }
  });
}

describe('request body limit', () => {
  it('answers 413 from Content-Length before reading the body', async () => {
    const reply = await postBody(10 * bodyLimitBytes, true);
    expect(reply.status).toBe(413);
    expect(reply.sent).toBeLessThan(bodyLimitBytes);
    expect(JSON.parse(reply.body).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('answers 413 to a chunked body once it passes the limit', async () => {
    const reply = await postBody(20 * bodyLimitBytes, false);
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).errors[0].message).toContain(String(bodyLimitBytes));
  });

  it('accepts a body just under the limit', async () => {
    const padding = ' '.repeat(bodyLimitBytes - 200);
    const reply = await postQuery(`${padding}{ viewer { id } }`);
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ viewer: { id: 'admin-user' } });
  });

  it('answers an empty body with a validation error', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});
