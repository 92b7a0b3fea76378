import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { DriverError, type ElevationDriver, requireValidAccount } from './driver.js';

export interface SimulateDriverOptions {
  /** Accounts that do not exist on the simulated device; elevating them fails with 'account not found'. */
  missingAccounts?: Iterable<string>;
  /**
   * JSON file that keeps the simulated administrators, so a restarted agent finds the device as
   * the previous process left it, and tests can read it. Absent: memory only.
   */
  stateFile?: string;
}

/** One change the simulate driver made, kept for tests and demos. */
export interface SimulatedChange {
  account: string;
  action: 'elevate' | 'lower';
}

export interface SimulateDriver extends ElevationDriver {
  /** Accounts elevated now, sorted. */
  elevatedAccounts(): string[];
  /** Every change made by this instance, oldest first; a call that changed nothing adds none. */
  readonly changes: readonly SimulatedChange[];
}

export const simulatedAdminsFileName = 'simulated-admins.json';

/** Keeps administrator membership in memory (and optionally a file), so it needs no root and touches no system account. */
export function createSimulateDriver(options: SimulateDriverOptions = {}): SimulateDriver {
  const missing = new Set(options.missingAccounts ?? []);
  const elevated = new Set<string>(options.stateFile ? readAdmins(options.stateFile) : []);
  const changes: SimulatedChange[] = [];

  function requireAccount(account: string): string {
    requireValidAccount(account);
    if (missing.has(account)) {
      throw new DriverError('ACCOUNT_NOT_FOUND', `account not found: '${account}'`);
    }
    return account;
  }

  function record(change: SimulatedChange): void {
    changes.push(change);
    if (options.stateFile) writeAdmins(options.stateFile, [...elevated].sort());
  }

  return {
    name: 'simulate',
    changes,
    elevatedAccounts: () => [...elevated].sort(),
    listElevated: async () => [...elevated].sort(),
    async isElevated(account) {
      return elevated.has(requireAccount(account));
    },
    async elevate(account) {
      if (elevated.has(requireAccount(account))) return;
      elevated.add(account);
      record({ account, action: 'elevate' });
    },
    async lower(account) {
      if (!elevated.delete(requireAccount(account))) return;
      record({ account, action: 'lower' });
    },
  };
}

function readAdmins(file: string): string[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((item) => typeof item === 'string') : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(
      `Simulated administrators file ${file} is unreadable; delete it to start empty.`,
      {
        cause: error,
      },
    );
  }
}

/** Replaces the file atomically, so a reader never sees half of it. */
function writeAdmins(file: string, accounts: string[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(accounts) + '\n');
  renameSync(temporary, file);
}
