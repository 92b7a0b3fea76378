import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DriverError } from '../../agent/drivers/driver.js';
import { createLinuxDriver } from '../../agent/drivers/linux.js';

const isRoot = process.platform === 'linux' && process.getuid?.() === 0;
const skipReason = isRoot
  ? ''
  : 'the linux driver test creates a real account and group, which needs root on Linux';
if (!isRoot) console.warn(`Skipped linux driver test: ${skipReason}.`);

const suffix = randomBytes(4).toString('hex');
const account = `jitu_${suffix}`;
const group = `jitg_${suffix}`;

function groupsOf(name: string): string[] {
  return execFileSync('/usr/bin/id', ['-Gn', name], { encoding: 'utf8' }).trim().split(/\s+/);
}

describe.skipIf(!isRoot)('linux driver on this machine', () => {
  beforeAll(() => {
    execFileSync('/usr/sbin/groupadd', [group]);
    // -M: no home folder, -N: no group of the same name, so the admin group is only supplementary.
    execFileSync('/usr/sbin/useradd', ['-M', '-N', '-s', '/usr/sbin/nologin', account]);
  });

  afterAll(() => {
    const cleanups: [string, string[]][] = [
      ['/usr/sbin/userdel', [account]],
      ['/usr/sbin/groupdel', [group]],
    ];
    for (const [file, args] of cleanups) {
      try {
        execFileSync(file, args, { stdio: 'ignore' });
      } catch {
        // The account or group was never created; nothing to remove.
      }
    }
  });

  const driver = () => createLinuxDriver({ adminGroup: group });

  it('elevates and lowers a real account', async () => {
    expect(groupsOf(account)).not.toContain(group);
    await driver().elevate(account);
    expect(groupsOf(account)).toContain(group);
    expect(await driver().isElevated(account)).toBe(true);

    await driver().elevate(account);
    expect(groupsOf(account).filter((name) => name === group)).toHaveLength(1);

    await driver().lower(account);
    expect(groupsOf(account)).not.toContain(group);
    expect(await driver().isElevated(account)).toBe(false);
    await driver().lower(account);
  });

  it('reports an account that does not exist', async () => {
    const error = await driver()
      .elevate(`jitnone_${suffix}`)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('ACCOUNT_NOT_FOUND');
    expect((error as DriverError).message).toContain('account not found');
  });

  it('reports a missing admin group', async () => {
    const error = await createLinuxDriver({ adminGroup: `jitnogroup_${suffix}`.slice(0, 32) })
      .elevate(account)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('COMMAND_FAILED');
  });
});
