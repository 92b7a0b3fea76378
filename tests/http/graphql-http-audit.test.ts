// Runs the GraphQL over HTTP conformance audits of graphql-http against the listening server.
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestApp, type TestApp } from '../helpers.js';

let test: TestApp;
let graphqlUrl: string;
let token: string;

beforeAll(async () => {
  test = await startTestApp();
  const { url } = await test.app.listen();
  graphqlUrl = `${url}/graphql`;
  token = await test.tokenFor('auditor');
});

afterAll(async () => {
  await test?.close();
});

/** fetch with a valid console token, as an authenticated client would call the API. */
const authenticatedFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

describe('GraphQL over HTTP audit', () => {
  for (const audit of serverAudits({ url: () => graphqlUrl, fetchFn: authenticatedFetch })) {
    it(audit.name, async () => {
      const result = await audit.fn();
      const detail =
        result.status === 'ok' ? '' : `${result.reason} (HTTP ${result.response.status})`;
      expect(result.status, detail).toBe('ok');
    });
  }
});
