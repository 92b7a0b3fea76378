import { describe, expect, it } from 'vitest';

import type { CommandResult, CommandRunner } from '../../agent/drivers/command-runner.js';
import { DriverError } from '../../agent/drivers/driver.js';
import { createLinuxDriver } from '../../agent/drivers/linux.js';
import { createMacosDriver } from '../../agent/drivers/macos.js';
import { createSimulateDriver } from '../../agent/drivers/simulate.js';

/** Records calls and returns results from a handler, in place of the system's commands. */
function fakeRunner(handler: (file: string, args: readonly string[]) => Partial<CommandResult>) {
  const calls: string[][] = [];
  const runner: CommandRunner = async (file, args) => {
    calls.push([file, ...args]);
    return { exitCode: 0, stdout: '', stderr: '', ...handler(file, args) };
  };
  return { runner, calls };
}

async function failureOf(promise: Promise<unknown>): Promise<DriverError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DriverError);
  return error as DriverError;
}

describe('simulate driver', () => {
  it('elevates and lowers idempotently', async () => {
    const driver = createSimulateDriver();
    await driver.elevate('alice');
    await driver.elevate('alice');
    expect(await driver.isElevated('alice')).toBe(true);
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    await driver.lower('alice');
    await driver.lower('alice');
    expect(await driver.isElevated('alice')).toBe(false);
    expect(driver.changes).toEqual([
      { account: 'alice', action: 'elevate' },
      { account: 'alice', action: 'lower' },
    ]);
  });

  it('reports a missing account', async () => {
    const driver = createSimulateDriver({ missingAccounts: ['ghost'] });
    const error = await failureOf(driver.elevate('ghost'));
    expect(error.code).toBe('ACCOUNT_NOT_FOUND');
    expect(error.message).toContain('account not found');
  });

  it('rejects names that could be read as options', async () => {
    const driver = createSimulateDriver();
    for (const name of ['-rf', '', 'a b', 'x'.repeat(33), 'dot.', 'semi;colon']) {
      const error = await failureOf(driver.elevate(name));
      expect(error.code).toBe('INVALID_ACCOUNT');
    }
  });
});

describe('macos driver', () => {
  const member = new Set<string>();
  const { runner, calls } = fakeRunner((file, args) => {
    if (file === '/usr/bin/id') {
      return args[1] === 'ghost'
        ? { exitCode: 1, stderr: 'id: ghost: no such user' }
        : { stdout: '501\n' };
    }
    if (args[1] === 'checkmember') {
      const user = args[3]!;
      return member.has(user)
        ? { stdout: `yes ${user} is a member of admin\n` }
        : { exitCode: 1, stdout: `no ${user} is NOT a member of admin\n` };
    }
    if (args[1] === 'edit') {
      if (args[2] === '-a') member.add(args[3]!);
      else member.delete(args[3]!);
      return {};
    }
    return { exitCode: 64, stderr: 'unexpected command' };
  });
  const driver = createMacosDriver({ runner });

  it('adds and removes admin membership with dseditgroup', async () => {
    calls.length = 0;
    await driver.elevate('alice');
    expect(await driver.isElevated('alice')).toBe(true);
    await driver.lower('alice');
    expect(await driver.isElevated('alice')).toBe(false);

    const edits = calls.filter((call) => call[2] === 'edit');
    expect(edits).toEqual([
      ['/usr/sbin/dseditgroup', '-o', 'edit', '-a', 'alice', '-t', 'user', 'admin'],
      ['/usr/sbin/dseditgroup', '-o', 'edit', '-d', 'alice', '-t', 'user', 'admin'],
    ]);
    expect(calls).toContainEqual([
      '/usr/sbin/dseditgroup',
      '-o',
      'checkmember',
      '-m',
      'alice',
      'admin',
    ]);
  });

  it('changes nothing when membership already matches', async () => {
    calls.length = 0;
    await driver.lower('bob');
    member.add('carol');
    await driver.elevate('carol');
    expect(calls.filter((call) => call[2] === 'edit')).toEqual([]);
  });

  it('reports a missing account', async () => {
    const error = await failureOf(driver.elevate('ghost'));
    expect(error.code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('reports a failed edit with its exit code and output', async () => {
    const failing = fakeRunner((file, args) => {
      if (file === '/usr/bin/id') return { stdout: '501\n' };
      if (args[1] === 'checkmember') return { exitCode: 1, stdout: 'no dave is NOT a member\n' };
      return { exitCode: 64, stderr: 'Operation not permitted\n' };
    });
    const error = await failureOf(createMacosDriver({ runner: failing.runner }).elevate('dave'));
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toContain('exit code 64');
    expect(error.message).toContain('Operation not permitted');
  });

  it('runs no command for an invalid name', async () => {
    calls.length = 0;
    const error = await failureOf(driver.elevate('--help'));
    expect(error.code).toBe('INVALID_ACCOUNT');
    expect(calls).toEqual([]);
  });
});

describe('linux driver with a fake runner', () => {
  it('reads membership from id -Gn and edits it with gpasswd', async () => {
    const groups = new Set(['alice']);
    const { runner, calls } = fakeRunner((file, args) => {
      if (file === '/usr/bin/id') return { stdout: [...groups].join(' ') + '\n' };
      if (args[0] === '-a') groups.add(args[2]!);
      if (args[0] === '-d') groups.delete(args[2]!);
      return {};
    });
    const driver = createLinuxDriver({ adminGroup: 'wheel', runner });
    await driver.elevate('alice');
    expect(await driver.isElevated('alice')).toBe(true);
    await driver.lower('alice');
    expect(calls).toContainEqual(['/usr/bin/gpasswd', '-a', 'alice', 'wheel']);
    expect(calls).toContainEqual(['/usr/bin/gpasswd', '-d', 'alice', 'wheel']);
    expect(calls).toContainEqual(['/usr/bin/id', '-Gn', '--', 'alice']);
  });

  it('rejects an invalid admin group name', () => {
    expect(() => createLinuxDriver({ adminGroup: 'Bad Group' })).toThrow(DriverError);
  });
});
