import { DriverError, type ElevationDriver, requireValidAccount } from './driver.js';

export interface SimulateDriverOptions {
  /** Accounts that do not exist on the simulated device; elevating them fails with 'account not found'. */
  missingAccounts?: Iterable<string>;
}

/** One change the simulate driver made, kept for tests and demos. */
export interface SimulatedChange {
  account: string;
  action: 'elevate' | 'lower';
}

export interface SimulateDriver extends ElevationDriver {
  /** Accounts currently elevated, sorted. */
  elevatedAccounts(): string[];
  /** Every change made so far, oldest first (no entry for a call that changed nothing). */
  readonly changes: readonly SimulatedChange[];
}

/** Keeps administrator membership in memory, so demos and tests need no root and touch no system. */
export function createSimulateDriver(options: SimulateDriverOptions = {}): SimulateDriver {
  const missing = new Set(options.missingAccounts ?? []);
  const elevated = new Set<string>();
  const changes: SimulatedChange[] = [];

  function requireAccount(account: string): string {
    requireValidAccount(account);
    if (missing.has(account)) {
      throw new DriverError('ACCOUNT_NOT_FOUND', `account not found: '${account}'`);
    }
    return account;
  }

  return {
    name: 'simulate',
    changes,
    elevatedAccounts: () => [...elevated].sort(),
    async isElevated(account) {
      return elevated.has(requireAccount(account));
    },
    async elevate(account) {
      if (elevated.has(requireAccount(account))) return;
      elevated.add(account);
      changes.push({ account, action: 'elevate' });
    },
    async lower(account) {
      if (!elevated.delete(requireAccount(account))) return;
      changes.push({ account, action: 'lower' });
    },
  };
}
