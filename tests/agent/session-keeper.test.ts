import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { createSimulateDriver } from '../../agent/drivers/simulate.js';
import { type MonotonicClock, systemMonotonicClock } from '../../agent/monotonic-clock.js';
import { SessionKeeper } from '../../agent/session-keeper.js';
import {
  createFileStateStore,
  createMemoryStateStore,
  type StateStore,
} from '../../agent/state-store.js';
import type {
  DesiredLower,
  DesiredSession,
  ServerDesiredState,
} from '../../src/agent-gateway/protocol.js';

/** A monotonic clock and a wall clock moved by hand, independently of each other. */
class ManualClock implements MonotonicClock {
  monotonicMs = 5_000_000;
  wallMs = Date.parse('2030-01-01T00:00:00Z');

  nowMs(): number {
    return this.monotonicMs;
  }

  wallNowMs(): number {
    return this.wallMs;
  }

  advance(ms: number): void {
    this.monotonicMs += ms;
    this.wallMs += ms;
  }
}

const log = pino({ level: 'silent' });
const keepers: SessionKeeper[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(keepers.splice(0).map((keeper) => keeper.stop()));
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

let commandCounter = 0;

function session(overrides: Partial<DesiredSession> = {}): DesiredSession {
  commandCounter += 1;
  return {
    commandId: `cmd_${commandCounter}`,
    deviceSessionId: 'ses_1',
    requestId: 'req_1',
    userAccountName: 'alice',
    remainingSeconds: 60,
    expiresAt: '2030-01-01T00:01:00Z',
    internetAccessRequired: false,
    offlineRevokeAfterSeconds: 300,
    ...overrides,
  };
}

function lower(overrides: Partial<DesiredLower> = {}): DesiredLower {
  commandCounter += 1;
  return {
    commandId: `cmd_${commandCounter}`,
    deviceSessionId: 'ses_1',
    requestId: 'req_1',
    userAccountName: 'alice',
    reason: 'ended',
    ...overrides,
  };
}

function desired(
  sessions: DesiredSession[],
  lowers: DesiredLower[] = [],
  excludedAccounts: string[] = [],
): ServerDesiredState {
  return {
    v: 1,
    type: 'server.desired-state',
    serverTime: '2030-01-01T00:00:00Z',
    sessions,
    lower: lowers,
    excludedAccounts,
  };
}

async function startKeeper(
  options: { clock?: ManualClock; store?: StateStore; bootId?: string; missing?: string[] } = {},
) {
  const clock = options.clock ?? new ManualClock();
  const driver = createSimulateDriver({ missingAccounts: options.missing });
  const keeper = new SessionKeeper({
    driver,
    clock,
    store: options.store ?? createMemoryStateStore(),
    log,
    bootId: options.bootId ?? 'boot-a',
    // The manual clock never fires real deadlines; the tests call checkNow instead.
    checkIntervalMs: 60_000,
  });
  keepers.push(keeper);
  await keeper.start();
  keeper.markContact();
  return { keeper, driver, clock };
}

describe('SessionKeeper crash safety', () => {
  it('saves a session before raising it', async () => {
    const clock = new ManualClock();
    const store = createMemoryStateStore();
    const simulated = createSimulateDriver();
    // The state as it was saved when the driver raised the account, which is all that a crash at
    // that moment would leave behind.
    let savedAtRaise: Awaited<ReturnType<StateStore['load']>> = null;
    const driver = {
      ...simulated,
      elevate: async (account: string) => {
        savedAtRaise = structuredClone(await store.load());
        await simulated.elevate(account);
      },
    };
    const options = { driver, clock, log, bootId: 'boot-a', checkIntervalMs: 60_000 };
    const keeper = new SessionKeeper({ ...options, store });
    keepers.push(keeper);
    await keeper.start();
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 30 })]));
    expect(savedAtRaise!.sessions.map((held) => held.deviceSessionId)).toEqual(['ses_1']);

    // A restart from that state lowers the account at its deadline.
    const crashed = createMemoryStateStore();
    await crashed.save(savedAtRaise!);
    const restarted = new SessionKeeper({ ...options, store: crashed });
    keepers.push(restarted);
    await restarted.start();
    expect(restarted.elevatedAccounts()).toEqual(['alice']);
    clock.advance(31_000);
    await restarted.checkNow();
    expect(simulated.elevatedAccounts()).toEqual([]);
  });
});

describe('SessionKeeper commands', () => {
  it('applies a session and acknowledges it', async () => {
    const { keeper, driver } = await startKeeper();
    const grant = session();
    expect(await keeper.applyDesiredState(desired([grant]))).toEqual([
      { commandId: grant.commandId, result: 'applied' },
    ]);
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    expect(keeper.elevatedAccounts()).toEqual(['alice']);
  });

  it('reports a missing account', async () => {
    const { keeper } = await startKeeper({ missing: ['ghost'] });
    const grant = session({ userAccountName: 'ghost' });
    const [outcome] = await keeper.applyDesiredState(desired([grant]));
    expect(outcome).toEqual({
      commandId: grant.commandId,
      result: 'account-not-found',
      error: "account not found: 'ghost'",
    });
    expect(keeper.heldSessions()).toEqual([]);
  });

  it('lowers on a lower command', async () => {
    const { keeper, driver } = await startKeeper();
    await keeper.applyDesiredState(desired([session()]));
    const command = lower({ reason: 'revoked' });
    expect(await keeper.applyDesiredState(desired([], [command]))).toEqual([
      { commandId: command.commandId, result: 'lowered' },
    ]);
    expect(driver.elevatedAccounts()).toEqual([]);
  });

  it('lowers a held session the desired state no longer lists', async () => {
    const { keeper, driver } = await startKeeper();
    await keeper.applyDesiredState(desired([session()]));
    expect(await keeper.applyDesiredState(desired([]))).toEqual([]);
    expect(driver.elevatedAccounts()).toEqual([]);
  });

  it('never lowers an excluded account', async () => {
    const { keeper, driver } = await startKeeper();
    await keeper.applyDesiredState(desired([session({ userAccountName: 'owner' })], [], ['owner']));
    const command = lower({ userAccountName: 'owner', deviceSessionId: null, reason: 'drift' });
    const outcomes = await keeper.applyDesiredState(desired([], [command], ['owner']));
    expect(outcomes).toEqual([{ commandId: command.commandId, result: 'lowered' }]);
    expect(driver.elevatedAccounts()).toEqual(['owner']);
  });

  it('keeps an account another session still holds', async () => {
    const { keeper, driver } = await startKeeper();
    const long = session({
      deviceSessionId: 'ses_long',
      requestId: 'req_2',
      remainingSeconds: 100,
    });
    await keeper.applyDesiredState(desired([session(), long]));
    await keeper.applyDesiredState(desired([long], [lower()]));
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    await keeper.applyDesiredState(desired([]));
    expect(driver.elevatedAccounts()).toEqual([]);
  });
});

describe('SessionKeeper deadlines', () => {
  it('lowers at the monotonic deadline without the server', async () => {
    const { keeper, driver, clock } = await startKeeper();
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 60 })]));
    keeper.markDisconnected();

    clock.advance(59_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual(['alice']);

    clock.advance(1_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual([]);
    expect(keeper.heldSessions()).toEqual([]);

    clock.advance(4_000);
    const command = lower();
    expect(await keeper.applyDesiredState(desired([], [command]))).toEqual([
      { commandId: command.commandId, result: 'lowered', loweredSecondsAgo: 4 },
    ]);
  });

  it('ignores a wall clock set back', async () => {
    const { keeper, driver, clock } = await startKeeper();
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 60 })]));
    clock.wallMs -= 3_600_000;
    clock.advance(60_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual([]);
  });

  it('lowers after a sleep that stopped the monotonic clock', async () => {
    const { keeper, driver, clock } = await startKeeper();
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 60 })]));
    clock.wallMs += 120_000;
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual([]);
  });

  it('moves the deadline when a later desired state extends it', async () => {
    const { keeper, driver, clock } = await startKeeper();
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 10 })]));
    clock.advance(5_000);
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 20 })]));
    clock.advance(10_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    clock.advance(10_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual([]);
  });

  it('lowers on the real clock when the deadline passes', async () => {
    const driver = createSimulateDriver();
    const keeper = new SessionKeeper({
      driver,
      clock: systemMonotonicClock,
      store: createMemoryStateStore(),
      log,
    });
    keepers.push(keeper);
    await keeper.start();
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 1 })]));
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    await expect
      .poll(() => driver.elevatedAccounts(), { timeout: 5_000, interval: 20 })
      .toEqual([]);
  });
});

describe('SessionKeeper failed lowering', () => {
  it('retries until the driver succeeds', async () => {
    const { keeper, driver, clock } = await startKeeper();
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 10 })]));
    const lower = driver.lower.bind(driver);
    let failures = 2;
    driver.lower = async (account) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('dseditgroup: Operation timed out');
      }
      await lower(account);
    };

    clock.advance(10_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    expect(keeper.heldSessions()).toHaveLength(1);

    // The second attempt waits one second, the third two more.
    clock.advance(1_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    clock.advance(1_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    clock.advance(1_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual([]);
    expect(keeper.heldSessions()).toEqual([]);
  });
});

describe('SessionKeeper offline', () => {
  it('suspends an Internet-Access-Required session after the offline delay', async () => {
    const { keeper, driver, clock } = await startKeeper();
    const iar = { internetAccessRequired: true, offlineRevokeAfterSeconds: 30 };
    await keeper.applyDesiredState(desired([session(iar)]));
    keeper.markDisconnected();

    clock.advance(29_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual(['alice']);

    clock.advance(1_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual([]);
    expect(keeper.heldSessions().map((held) => held.state)).toEqual(['suspended']);

    keeper.markContact();
    const again = session({ ...iar, remainingSeconds: 25 });
    expect(await keeper.applyDesiredState(desired([again]))).toEqual([
      { commandId: again.commandId, result: 'applied' },
    ]);
    expect(driver.elevatedAccounts()).toEqual(['alice']);
    expect(keeper.heldSessions().map((held) => held.state)).toEqual(['applied']);
  });

  it('keeps other sessions elevated while offline', async () => {
    const { keeper, driver, clock } = await startKeeper();
    await keeper.applyDesiredState(desired([session({ remainingSeconds: 600 })]));
    keeper.markDisconnected();
    clock.advance(400_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual(['alice']);
  });

  it('does not suspend while connected', async () => {
    const { keeper, driver, clock } = await startKeeper();
    const iar = { internetAccessRequired: true, offlineRevokeAfterSeconds: 30 };
    await keeper.applyDesiredState(desired([session(iar)]));
    clock.advance(40_000);
    await keeper.checkNow();
    expect(driver.elevatedAccounts()).toEqual(['alice']);
  });
});

describe('SessionKeeper state file', () => {
  async function stateDir() {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'jit-agent-state-'));
    folders.push(folder);
    return folder;
  }

  it('restores held sessions on the same boot', async () => {
    const folder = await stateDir();
    const clock = new ManualClock();
    const first = await startKeeper({ clock, store: createFileStateStore(folder) });
    await first.keeper.applyDesiredState(desired([session({ remainingSeconds: 60 })]));
    await first.keeper.stop();

    const saved = JSON.parse(await readFile(path.join(folder, 'agent-state.json'), 'utf8'));
    expect(saved.sessions[0].deadlineMonotonicMs).toBe(clock.monotonicMs + 60_000);

    clock.advance(30_000);
    const second = await startKeeper({ clock, store: createFileStateStore(folder) });
    expect(second.keeper.elevatedAccounts()).toEqual(['alice']);
    clock.advance(30_000);
    await second.keeper.checkNow();
    expect(second.keeper.heldSessions()).toEqual([]);
  });

  it('lowers every saved account after a reboot', async () => {
    const folder = await stateDir();
    const first = await startKeeper({ store: createFileStateStore(folder), bootId: 'boot-a' });
    await first.keeper.applyDesiredState(desired([session({ remainingSeconds: 600 })]));
    await first.keeper.stop();

    const second = await startKeeper({ store: createFileStateStore(folder), bootId: 'boot-b' });
    expect(second.keeper.heldSessions()).toEqual([]);
    const command = lower();
    const [outcome] = await second.keeper.applyDesiredState(desired([], [command]));
    expect(outcome).toMatchObject({ commandId: command.commandId, result: 'lowered' });
    expect(outcome?.loweredSecondsAgo).toBe(0);
  });

  it('starts empty from an unreadable state file', async () => {
    const folder = await stateDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(folder, 'agent-state.json'), '{"version": 1');
    const { keeper } = await startKeeper({ store: createFileStateStore(folder) });
    expect(keeper.heldSessions()).toEqual([]);
  });
});
