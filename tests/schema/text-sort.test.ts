// Text columns sort as people read them, without regard to case, through Prisma and through the
// SQL that pages a narrow search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enrollTestDevice, uniqueName } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';

let test: TestApp;
const tag = uniqueName('sorttag');
// Byte order would put both capitals first: Alpha, Charlie, bravo, delta.
const names = ['delta', 'Charlie', 'bravo', 'Alpha'];

beforeAll(async () => {
  test = await startTestApp();
  for (const [index, name] of names.entries()) {
    await test.app.database.prisma.jitRequest.create({
      data: {
        name: `${name} ${tag}`,
        userAccountName: name.toLowerCase(),
        durationType: 'FIXED',
        durationSeconds: 600,
        status: 'COMPLETED',
        requesterKind: 'ADMIN',
        requestedBy: name,
        requestedAt: new Date(Date.UTC(2026, 5, 1, index)),
        endedAt: new Date(Date.UTC(2026, 5, 1, index + 1)),
      },
    });
  }
});

afterAll(async () => {
  await test.close();
});

type Names = { pastRequests: { edges: { node: { name: string } }[] } };

async function pastNames(variables: Record<string, unknown>) {
  const result = await test.gql<Names>(
    `query ($search: String, $orderBy: JitRequestOrder) {
      pastRequests(search: $search, orderBy: $orderBy, first: 100) { edges { node { name } } }
    }`,
    variables,
  );
  expect(result.errors).toBeUndefined();
  return result
    .data!.pastRequests.edges.map((edge) => edge.node.name)
    .filter((name) => name.endsWith(tag))
    .map((name) => name.slice(0, -tag.length - 1));
}

describe('text sort order', () => {
  it.each(['NAME', 'REQUESTED_BY'])('sorts %s ignoring case', async (field) => {
    const expected = ['Alpha', 'bravo', 'Charlie', 'delta'];
    expect(await pastNames({ orderBy: { field, direction: 'ASC' } })).toEqual(expected);
    expect(await pastNames({ orderBy: { field, direction: 'DESC' } })).toEqual(
      [...expected].reverse(),
    );
  });

  it('sorts a narrow search the same way', async () => {
    const expected = ['Alpha', 'bravo', 'Charlie', 'delta'];
    expect(await pastNames({ search: tag, orderBy: { field: 'NAME', direction: 'ASC' } })).toEqual(
      expected,
    );
  });

  it('still searches without regard to case', async () => {
    expect(await pastNames({ search: `CHARLIE ${tag.toUpperCase()}` })).toEqual(['Charlie']);
  });

  it('lists devices ignoring case', async () => {
    const prefix = uniqueName('fleet');
    for (const name of ['mac-b', 'Mac-C', 'mac-a']) {
      await enrollTestDevice(test, { name: `${prefix}-${name}` });
    }
    const result = await test.gql<{ devices: { edges: { node: { name: string } }[] } }>(
      `query ($search: String) { devices(search: $search, first: 10) { edges { node { name } } } }`,
      { search: prefix },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.devices.edges.map((edge) => edge.node.name)).toEqual(
      ['mac-a', 'mac-b', 'Mac-C'].map((name) => `${prefix}-${name}`),
    );
  });
});
