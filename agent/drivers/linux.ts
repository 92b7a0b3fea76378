import { type CommandResult, type CommandRunner, execFileRunner } from './command-runner.js';
import {
  DriverError,
  type ElevationDriver,
  requireValidAccount,
  requireValidGroup,
} from './driver.js';

export interface LinuxDriverOptions {
  /** Group whose members are administrators, default sudo (Debian, Ubuntu); wheel on Fedora and Arch. */
  adminGroup?: string;
  runner?: CommandRunner;
  gpasswdPath?: string;
  idPath?: string;
}

/** Elevates by adding the account to the administrators' group with gpasswd. Needs root. */
export function createLinuxDriver(options: LinuxDriverOptions = {}): ElevationDriver {
  const group = requireValidGroup(options.adminGroup ?? 'sudo');
  const run = options.runner ?? execFileRunner;
  const gpasswd = options.gpasswdPath ?? '/usr/bin/gpasswd';
  const id = options.idPath ?? '/usr/bin/id';

  async function groupsOf(account: string): Promise<string[]> {
    const result = await run(id, ['-Gn', '--', account]);
    if (result.exitCode !== 0) {
      if (/no such user/i.test(result.stderr)) {
        throw new DriverError('ACCOUNT_NOT_FOUND', `account not found: '${account}'`);
      }
      throw commandFailed('id -Gn', result);
    }
    return result.stdout.trim().split(/\s+/);
  }

  async function isElevated(account: string): Promise<boolean> {
    return (await groupsOf(requireValidAccount(account))).includes(group);
  }

  return {
    name: 'linux',
    isElevated,
    async elevate(account) {
      if (await isElevated(account)) return;
      const result = await run(gpasswd, ['-a', account, group]);
      if (result.exitCode !== 0) throw commandFailed(`gpasswd -a ${account} ${group}`, result);
    },
    async lower(account) {
      if (!(await isElevated(account))) return;
      const result = await run(gpasswd, ['-d', account, group]);
      if (result.exitCode !== 0) throw commandFailed(`gpasswd -d ${account} ${group}`, result);
      // gpasswd only edits supplementary membership: a primary group stays, so check the outcome.
      if (await isElevated(account)) {
        throw new DriverError(
          'COMMAND_FAILED',
          `Account '${account}' is still in group '${group}' after gpasswd -d; it may be its primary group.`,
        );
      }
    },
  };
}

export function commandFailed(command: string, result: CommandResult): DriverError {
  const detail = (result.stderr || result.stdout).trim().split('\n')[0]?.slice(0, 200) ?? '';
  return new DriverError(
    'COMMAND_FAILED',
    `${command} failed with exit code ${result.exitCode}${detail ? `: ${detail}` : ''}`,
  );
}
