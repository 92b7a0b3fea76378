// CSV export over a listening HTTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestRequest, enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';
import { insertPendingRequest } from '../schema/rows.js';

let test: TestApp;
let baseUrl: string;
let auditorToken: string;
let device: { id: string; name: string };
let activeId: string;
const statements: string[] = [];

const pastRows = 1201;
const tricky = [
  '=HYPERLINK("http://example.invalid")',
  '+1+2',
  '-3',
  '@SUM(A1)',
  'comma, "quote"\nline',
];

beforeAll(async () => {
  test = await startTestApp();
  baseUrl = (await test.app.listen()).url;
  auditorToken = await test.tokenFor('auditor');
  device = await enrollTestDevice(test, { name: 'Reception-iMac' });

  activeId = (
    await createTestRequest(test, {
      name: 'Printer setup',
      userAccountName: 'frontdesk',
      deviceIds: [device.id],
      internetAccessRequired: true,
    })
  ).id;
  for (const name of tricky) await insertPendingRequest(test, [device.id], { name });

  const prisma = test.app.database.prisma;
  await prisma.jitRequest.createMany({
    data: Array.from({ length: pastRows }, (_, index) => ({
      name: `archived-${String(index).padStart(4, '0')}`,
      userAccountName: index % 2 === 0 ? 'alice' : 'bob',
      durationType: 'FIXED' as const,
      durationSeconds: 600,
      status: index % 3 === 0 ? ('DENIED' as const) : ('COMPLETED' as const),
      requesterKind: 'USER' as const,
      requestedBy: 'alice',
      requestedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)),
      endedAt: new Date(Date.UTC(2026, 0, 2)),
    })),
  });

  const pool = test.app.database.pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    const [first] = args;
    statements.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
    return query(...args);
  };
});

afterAll(async () => {
  await test.close();
});

/** Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i]!;
    if (quoted) {
      if (character === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (character === '"') {
        quoted = false;
      } else {
        field += character;
      }
    } else if (character === '"') {
      quoted = true;
    } else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += character;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

async function exportTable(path: string, token: string | null = auditorToken) {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  return { response, text };
}

async function tableColumns(table: string) {
  const result = await test.gql<{
    tableColumns: { key: string; label: string; defaultVisible: boolean }[];
  }>(`query ($table: RequestTable!) { tableColumns(table: $table) { key label defaultVisible } }`, {
    table,
  });
  return result.data!.tableColumns;
}

function expectJsonError(text: string, code: string, field?: string) {
  const body = JSON.parse(text) as {
    errors: { message: string; extensions: Record<string, unknown> }[];
  };
  expect(body.errors[0]!.extensions.code).toBe(code);
  if (field) expect(body.errors[0]!.extensions.field).toBe(field);
  return body.errors[0]!.message;
}

describe('authentication', () => {
  it('answers 401 without a token', async () => {
    const { response, text } = await exportTable('/export/pending.csv', null);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expectJsonError(text, 'UNAUTHENTICATED');
  });

  it('answers 401 to a token it cannot verify', async () => {
    const { response } = await exportTable('/export/pending.csv', `${auditorToken}x`);
    expect(response.status).toBe(401);
  });

  it.each(['admin', 'approver', 'auditor'] as const)('lets the %s role export', async (role) => {
    const { response } = await exportTable('/export/active.csv', await test.tokenFor(role));
    expect(response.status).toBe(200);
  });
});

describe('columns', () => {
  it('uses the default columns of the table, with their labels', async () => {
    const { response, text } = await exportTable('/export/active.csv');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="active-requests-\d{8}T\d{6}Z\.csv"$/,
    );
    const defaults = (await tableColumns('ACTIVE')).filter((column) => column.defaultVisible);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(defaults.map((column) => column.label));
    expect(rows).toHaveLength(1);
  });

  it('accepts every key of tableColumns, in the order given', async () => {
    const columns = await tableColumns('ACTIVE');
    const keys = columns.map((column) => column.key).reverse();
    const { response, text } = await exportTable(`/export/active.csv?columns=${keys.join(',')}`);
    expect(response.status).toBe(200);
    const [header, row] = parseCsv(text);
    expect(header).toEqual([...columns].reverse().map((column) => column.label));
    const cell = (key: string) => row![keys.indexOf(key)];
    expect(cell('id')).toBe(activeId);
    expect(cell('devices')).toBe('Reception-iMac');
    expect(cell('internetAccessRequired')).toBe('true');
    expect(cell('extensionRequested')).toBe('false');
    expect(cell('startedAt')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Number(cell('remainingSeconds'))).toBeGreaterThan(500);
    expect(cell('reasonByUser')).toBe('');
  });

  it('rejects an unknown column, naming it', async () => {
    const { response, text } = await exportTable('/export/pending.csv?columns=name,password');
    expect(response.status).toBe(400);
    expect(expectJsonError(text, 'VALIDATION_FAILED', 'columns')).toContain("'password'");
  });

  it('rejects a column the table does not offer', async () => {
    const { response, text } = await exportTable('/export/active.csv?columns=name,endedAt');
    expect(response.status).toBe(400);
    expect(expectJsonError(text, 'VALIDATION_FAILED', 'columns')).toContain("'endedAt'");
  });

  it('rejects an empty column list', async () => {
    const { response, text } = await exportTable('/export/active.csv?columns=');
    expect(response.status).toBe(400);
    expectJsonError(text, 'VALIDATION_FAILED', 'columns');
  });
});

describe('cells', () => {
  it('neutralises formulas and keeps quotes, commas and line breaks', async () => {
    const { text } = await exportTable(
      '/export/pending.csv?columns=name&orderBy=name&direction=asc',
    );
    const names = parseCsv(text)
      .slice(1)
      .map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        `'=HYPERLINK("http://example.invalid")`,
        `'+1+2`,
        `'-3`,
        `'@SUM(A1)`,
        'comma, "quote"\nline',
      ]),
    );
    expect(names).toHaveLength(tricky.length);
  });
});

describe('filters and order', () => {
  it('searches like the tables do', async () => {
    const { text } = await exportTable('/export/active.csv?columns=id&search=RECEPTION-imac');
    expect(parseCsv(text).slice(1)).toEqual([[activeId]]);
    const none = await exportTable('/export/active.csv?columns=id&search=nothing-matches');
    expect(parseCsv(none.text)).toHaveLength(1);
  });

  it('filters the Past table by status', async () => {
    const { text } = await exportTable('/export/past.csv?columns=status&statuses=DENIED');
    const statuses = parseCsv(text).slice(1);
    expect(statuses).toHaveLength(Math.ceil(pastRows / 3));
    expect(new Set(statuses.map(([status]) => status))).toEqual(new Set(['DENIED']));
  });

  it.each([
    ['/export/past.csv?statuses=ACTIVE', 'statuses'],
    ['/export/past.csv?statuses=FINISHED', 'statuses'],
    ['/export/pending.csv?statuses=DENIED', 'statuses'],
    ['/export/past.csv?orderBy=password', 'orderBy'],
    ['/export/past.csv?orderBy=devices', 'orderBy'],
    ['/export/past.csv?direction=sideways', 'direction'],
    [`/export/past.csv?search=${'x'.repeat(201)}`, 'search'],
    ['/export/past.csv?search=a%00b', 'search'],
    ['/export/active.csv?columns=id,na%00me', 'columns'],
  ])('rejects %s', async (path, field) => {
    const { response, text } = await exportTable(path);
    expect(response.status).toBe(400);
    expectJsonError(text, 'VALIDATION_FAILED', field);
  });

  it('sorts by a column in either direction', async () => {
    const ascending = await exportTable('/export/past.csv?columns=name&orderBy=name&direction=asc');
    const names = parseCsv(ascending.text)
      .slice(1)
      .map(([name]) => name!);
    expect(names).toEqual([...names].sort());
    const descending = await exportTable(
      '/export/past.csv?columns=name&orderBy=name&direction=DESC',
    );
    expect(
      parseCsv(descending.text)
        .slice(1)
        .map(([name]) => name),
    ).toEqual([...names].reverse());
  });
});

describe('streaming', () => {
  it('exports every Past row once, reading the table page by page', async () => {
    statements.length = 0;
    const { response, text } = await exportTable('/export/past.csv?columns=id,name');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBeNull();
    const rows = parseCsv(text).slice(1);
    expect(rows).toHaveLength(pastRows);
    expect(new Set(rows.map(([id]) => id)).size).toBe(pastRows);
    // 1201 rows in pages of 500: at least three reads of the request table.
    const pageReads = statements.filter(
      (sql) => sql.includes('FROM "public"."JitRequest"') && sql.includes('LIMIT'),
    );
    expect(pageReads.length).toBeGreaterThanOrEqual(3);
  });
});

describe('routes', () => {
  it('answers 404 for an unknown table', async () => {
    const { response, text } = await exportTable('/export/everything.csv');
    expect(response.status).toBe(404);
    expectJsonError(text, 'NOT_FOUND');
  });

  it('answers 405 to anything but GET', async () => {
    const response = await fetch(`${baseUrl}/export/past.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auditorToken}` },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});
