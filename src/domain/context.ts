import type { Config } from '../config.js';
import type { Prisma, PrismaClient } from '../db/client.js';
import type { Logger } from '../logger.js';

/** Source of the current time. The server's clock is the only authority on session times. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The performer of an action: a console user, a device agent or the server itself. */
export type Actor =
  | { kind: 'admin'; id: string; role: Role }
  | { kind: 'device'; deviceId: string; deviceName: string; userAccountName?: string }
  | { kind: 'system'; id: 'scheduler' | 'gateway' | 'reconciler' };

export type Role = 'admin' | 'approver' | 'auditor';

/** A lifecycle change of one request, published to live dashboards after it commits. */
export interface RequestChange {
  action: string;
  requestId: string;
  status: string;
  /** Status before the change, when it changed; lets a Live tab see a request leave it. */
  previousStatus?: string;
  /** True when a device user raised the request (the console's real-time notification). */
  raisedByUser?: boolean;
}

/** Publishes committed changes to subscribers, in process or across replicas. */
export interface ChangePublisher {
  publishRequestChange(change: RequestChange): void;
}

/** Time-driven transitions that the job scheduler runs later. Implemented with Agenda in src/jobs. */
export interface TransitionScheduler {
  scheduleStart(requestId: string, at: Date): Promise<void>;
  scheduleEnd(requestId: string, at: Date): Promise<void>;
  schedulePendingTimeout(requestId: string, at: Date): Promise<void>;
  /** Cancels every job scheduled for a request that left the Live tables. */
  cancelRequestJobs(requestId: string): Promise<void>;
}

/** Tells connected agents that the sessions they must hold have changed. Implemented by the gateway. */
export interface DeviceNotifier {
  devicesChanged(deviceIds: string[]): void;
  /** Agent settings changed for these devices, or for every device when `deviceIds` is undefined. */
  settingsChanged(deviceIds?: string[]): void;
}

/** Shared services every domain use case receives. Built once in main.ts; tests build their own. */
export interface DomainContext {
  prisma: PrismaClient;
  clock: Clock;
  config: Config['jit'] & { excludedAccounts: string[] };
  log: Logger;
  publisher: ChangePublisher;
  scheduler: TransitionScheduler;
  notifier: DeviceNotifier;
}

export type Transaction = Prisma.TransactionClient;

/** Name recorded as the actor of an audit event or as requestedBy / approvedBy. */
export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'admin':
      return actor.id;
    case 'device':
      return actor.userAccountName ?? `device:${actor.deviceId}`;
    case 'system':
      return actor.id;
  }
}

/** Runs `work` in one database transaction with waits sized for bursts of concurrent writes. */
export function inTransaction<T>(
  context: Pick<DomainContext, 'prisma'>,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return context.prisma.$transaction(work, { maxWait: 10_000, timeout: 20_000 });
}

/** No-op implementations for processes or tests that run without jobs, gateway or subscribers. */
export const noopPublisher: ChangePublisher = { publishRequestChange: () => undefined };
export const noopNotifier: DeviceNotifier = {
  devicesChanged: () => undefined,
  settingsChanged: () => undefined,
};
export const noopScheduler: TransitionScheduler = {
  scheduleStart: async () => undefined,
  scheduleEnd: async () => undefined,
  schedulePendingTimeout: async () => undefined,
  cancelRequestJobs: async () => undefined,
};
