// Two admins deciding on the same requests at the same moment, over real HTTP connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';
import { insertPendingRequest } from './rows.js';

let test: TestApp;
let url: string;

beforeAll(async () => {
  test = await startTestApp();
  url = `${(await test.app.listen()).url}/graphql`;
});

afterAll(async () => {
  await test.close();
});

interface Decision {
  data?: Record<string, { status: string }> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function decide(
  mutation: 'approveJitRequest' | 'denyJitRequest',
  id: string,
  token: string,
): Promise<Decision> {
  const input = mutation === 'approveJitRequest' ? 'ApproveJitRequestInput' : 'DenyJitRequestInput';
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation ($input: ${input}!) { ${mutation}(input: $input) { id status } }`,
      variables: { input: { id, reasonByAdmin: `${mutation} race` } },
    }),
  });
  return (await response.json()) as Decision;
}

describe('approve and deny at once', () => {
  it('lets exactly one decision win on each of 20 requests', async () => {
    const device = await enrollTestDevice(test);
    const requests = await Promise.all(
      Array.from({ length: 20 }, () => insertPendingRequest(test, [device.id])),
    );
    const approver = await test.tokenFor('approver', 'approver-one');
    const other = await test.tokenFor('approver', 'approver-two');

    // All 40 operations start before any finishes; each pair races for one row lock.
    // The send order alternates, so neither decision always has a head start.
    const outcomes = await Promise.all(
      requests.map(async (request, index) => {
        const approve = () => decide('approveJitRequest', request.id, approver);
        const deny = () => decide('denyJitRequest', request.id, other);
        const [approved, denied] =
          index % 2 === 0
            ? await Promise.all([approve(), deny()])
            : await Promise.all([deny(), approve()]).then(([d, a]) => [a, d] as const);
        return { id: request.id, approved, denied };
      }),
    );

    const prisma = test.app.database.prisma;
    for (const { id, approved, denied } of outcomes) {
      const winners = [approved, denied].filter((decision) => !decision.errors);
      const losers = [approved, denied].filter((decision) => decision.errors);
      expect(winners, `request ${id}`).toHaveLength(1);
      expect(losers, `request ${id}`).toHaveLength(1);

      const final = await prisma.jitRequest.findUniqueOrThrow({ where: { id } });
      const winnerStatus = Object.values(winners[0]!.data!)[0]!.status;
      expect(final.status).toBe(winnerStatus);
      expect(['ACTIVE', 'DENIED']).toContain(final.status);

      const error = losers[0]!.errors![0]!;
      expect(error.extensions?.code, error.message).toBe('INVALID_TRANSITION');
      expect(error.extensions?.status).toBe(final.status);

      const decisions = await prisma.auditEvent.count({
        where: { requestId: id, action: { in: ['request.approved', 'request.denied'] } },
      });
      expect(decisions, `audit rows of ${id}`).toBe(1);
    }
  });
});
