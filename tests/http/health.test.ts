import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestApp, type TestApp } from '../helpers.js';

let test: TestApp;
let baseUrl: string;

beforeAll(async () => {
  test = await startTestApp();
  baseUrl = (await test.app.listen()).url;
});

afterAll(async () => {
  await test.close();
});

describe('/healthz', () => {
  it('answers 200 without a token', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('/readyz', () => {
  it('reports ready once the database and scheduler answer', async () => {
    const response = await fetch(`${baseUrl}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; checks: Record<string, boolean> };
    expect(body.status).toBe('ready');
    expect(body.checks).toMatchObject({ database: true, scheduler: true });
  });

  it('answers 503 while the database fails', async () => {
    const pool = test.app.database.pool;
    const query = pool.query;
    pool.query = (() => Promise.reject(new Error('connection refused'))) as typeof pool.query;
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; checks: Record<string, boolean> };
      expect(body).toMatchObject({ status: 'not ready', checks: { database: false } });
    } finally {
      pool.query = query;
    }
  });
});

describe('/graphql over HTTP', () => {
  it('answers 401 with UNAUTHENTICATED when the token is missing', async () => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 to a malformed Authorization header', async () => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer a.b.c' },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(response.status).toBe(401);
  });
});
