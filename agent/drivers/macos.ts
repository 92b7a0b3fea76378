import { type CommandRunner, execFileRunner } from './command-runner.js';
import { DriverError, type ElevationDriver, requireValidAccount } from './driver.js';
import { commandFailed } from './linux.js';

export interface MacosDriverOptions {
  runner?: CommandRunner;
  dseditgroupPath?: string;
  idPath?: string;
}

const adminGroup = 'admin';

/**
 * Elevates by adding the account to the local admin group with dseditgroup. Needs root.
 * NOTE: tested only with an injected command runner; it has not been run on a Mac.
 */
export function createMacosDriver(options: MacosDriverOptions = {}): ElevationDriver {
  const run = options.runner ?? execFileRunner;
  const dseditgroup = options.dseditgroupPath ?? '/usr/sbin/dseditgroup';
  const id = options.idPath ?? '/usr/bin/id';

  async function requireAccount(account: string): Promise<string> {
    requireValidAccount(account);
    const result = await run(id, ['-u', account]);
    if (result.exitCode !== 0) {
      if (/no such user/i.test(result.stderr)) {
        throw new DriverError('ACCOUNT_NOT_FOUND', `account not found: '${account}'`);
      }
      throw commandFailed('id -u', result);
    }
    return account;
  }

  async function isElevated(account: string): Promise<boolean> {
    await requireAccount(account);
    // checkmember prints "yes <user> is a member of admin" (exit 0) or "no ..." (exit 1).
    const result = await run(dseditgroup, ['-o', 'checkmember', '-m', account, adminGroup]);
    if (result.exitCode === 0 && result.stdout.startsWith('yes')) return true;
    if (result.stdout.startsWith('no')) return false;
    throw commandFailed(`dseditgroup -o checkmember -m ${account} ${adminGroup}`, result);
  }

  async function edit(flag: '-a' | '-d', account: string): Promise<void> {
    const args = ['-o', 'edit', flag, account, '-t', 'user', adminGroup];
    const result = await run(dseditgroup, args);
    if (result.exitCode !== 0) throw commandFailed(`dseditgroup ${args.join(' ')}`, result);
  }

  return {
    name: 'macos',
    isElevated,
    async elevate(account) {
      if (await isElevated(account)) return;
      await edit('-a', account);
    },
    async lower(account) {
      if (!(await isElevated(account))) return;
      await edit('-d', account);
    },
  };
}
