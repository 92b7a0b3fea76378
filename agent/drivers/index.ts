import type { CommandRunner } from './command-runner.js';
import type { ElevationDriver } from './driver.js';
import { createLinuxDriver } from './linux.js';
import { createMacosDriver } from './macos.js';
import { createSimulateDriver } from './simulate.js';

export { DriverError, type ElevationDriver } from './driver.js';

export const driverNames = ['simulate', 'macos', 'linux'] as const;
export type DriverName = (typeof driverNames)[number];

export interface DriverOptions {
  /** Linux only: the administrators' group, default sudo. */
  adminGroup?: string;
  /** Simulate only: accounts that do not exist. */
  missingAccounts?: string[];
  /** Simulate only: file that keeps the simulated administrators between agent processes. */
  simulateStateFile?: string;
  runner?: CommandRunner;
}

export function isDriverName(name: string): name is DriverName {
  return (driverNames as readonly string[]).includes(name);
}

/** Creates the driver named on the command line. */
export function createDriver(name: DriverName, options: DriverOptions = {}): ElevationDriver {
  switch (name) {
    case 'simulate':
      return createSimulateDriver({
        missingAccounts: options.missingAccounts,
        stateFile: options.simulateStateFile,
      });
    case 'macos':
      return createMacosDriver({ runner: options.runner });
    case 'linux':
      return createLinuxDriver({ adminGroup: options.adminGroup, runner: options.runner });
  }
}
