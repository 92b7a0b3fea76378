/** Failure kind of a driver operation. */
export type DriverFailureCode = 'ACCOUNT_NOT_FOUND' | 'INVALID_ACCOUNT' | 'COMMAND_FAILED';

/** An expected failure of a driver operation; its message is what the agent reports to the server. */
export class DriverError extends Error {
  constructor(
    readonly code: DriverFailureCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DriverError';
  }
}

/**
 * Raises and lowers one local account between standard user and administrator. Operations are
 * idempotent: elevating an administrator or lowering a standard user succeeds and changes nothing.
 */
export interface ElevationDriver {
  readonly name: string;
  elevate(account: string): Promise<void>;
  lower(account: string): Promise<void>;
  isElevated(account: string): Promise<boolean>;
  /**
   * Every account that is an administrator now, when the driver can list them safely. Only the
   * simulate driver implements it: on a real machine the list includes root and the owner's own
   * admin account, which the server would lower as drift unless they are excluded.
   */
  listElevated?(): Promise<string[]>;
}

/**
 * Local account names accepted on macOS, Linux and Windows: a letter or underscore, then up to 31
 * letters, digits, dots, underscores or hyphens, not ending in a dot. The server applies the same
 * rule. The driver checks again because the name becomes a command argument, where a leading '-'
 * would be read as an option.
 */
const accountNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

/** Throws DriverError INVALID_ACCOUNT unless `account` is a valid local account name. */
export function requireValidAccount(account: string): string {
  if (!accountNamePattern.test(account) || account.endsWith('.')) {
    throw new DriverError(
      'INVALID_ACCOUNT',
      `Account name '${account.slice(0, 40)}' is not a valid local account name.`,
    );
  }
  return account;
}

/** Group names for the Linux driver: the usual useradd/groupadd rule. */
const groupNamePattern = /^[a-z_][a-z0-9_-]{0,31}$/;

export function requireValidGroup(group: string): string {
  if (!groupNamePattern.test(group)) {
    throw new DriverError(
      'INVALID_ACCOUNT',
      `Group name '${group.slice(0, 40)}' is not a valid group name: use lower-case letters, digits, '_' or '-', starting with a letter or '_'.`,
    );
  }
  return group;
}
