// The token command, run as a child process the way the README shows it.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = path.resolve('node_modules/.bin/tsx');
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-token-cli-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function token(env: Record<string, string>, args = ['--sub', 'alice', '--role', 'auditor']) {
  const clean = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  try {
    const { stdout, stderr } = await run(tsx, ['src/cli/token.ts', ...args], {
      env: { ...clean, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('token command', () => {
  it('fails without a server secret', async () => {
    const result = await token({ DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('No development secret');
    expect(result.stderr).toContain(dataDir);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('signs with the server secret in DATA_DIR', async () => {
    const secret = 'a-development-secret-of-at-least-32-characters';
    await writeFile(path.join(dataDir, 'jwt-secret'), `${secret}\n`);
    const result = await token({ DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    const { payload } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(secret));
    expect(payload).toMatchObject({ sub: 'alice', role: 'auditor' });
  });

  it('signs with JWT_SECRET', async () => {
    const secret = 'another-secret-that-is-long-enough-for-hs256';
    const result = await token({ DATA_DIR: dataDir, JWT_SECRET: secret }, [
      '--sub',
      'bob',
      '--role',
      'approver',
    ]);
    expect(result.code).toBe(0);
    const { payload } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(secret));
    expect(payload).toMatchObject({ sub: 'bob', role: 'approver' });
  });

  it('rejects an unknown role', async () => {
    const result = await token({ DATA_DIR: dataDir }, ['--sub', 'eve', '--role', 'root']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Invalid --role 'root'");
  });
});
