import { markDevicesOffline, markDevicesOnline } from '../domain/agents/presence.js';
import type { DomainContext } from '../domain/context.js';
import type { Logger } from '../logger.js';

/**
 * Collects connects, disconnects and signs of life, and writes them in a few batched statements
 * per flush instead of one statement per event. Flushes run one at a time, in event order.
 */
export class PresenceWriter {
  private online = new Set<string>();
  private offline = new Map<string, Date>();
  private seen = new Set<string>();
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly domain: DomainContext,
    private readonly log: Logger,
  ) {}

  connected(deviceId: string): void {
    this.offline.delete(deviceId);
    this.online.add(deviceId);
  }

  disconnected(deviceId: string, at: Date): void {
    this.online.delete(deviceId);
    this.seen.delete(deviceId);
    this.offline.set(deviceId, at);
  }

  markSeen(deviceIds: readonly string[]): void {
    for (const id of deviceIds) {
      if (!this.offline.has(id)) this.seen.add(id);
    }
  }

  get hasChanges(): boolean {
    return this.online.size > 0 || this.offline.size > 0 || this.seen.size > 0;
  }

  /** Writes everything collected so far; waits for a flush already running, then runs again. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.hasChanges) return;
    this.flushing = this.write().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async write(): Promise<void> {
    const online = [...this.online];
    const offline = [...this.offline].map(([deviceId, at]) => ({ deviceId, at }));
    const seen = [...this.seen].filter((id) => !this.online.has(id));
    this.online = new Set();
    this.offline = new Map();
    this.seen = new Set();
    const now = this.domain.clock.now();
    try {
      const onlineOrSeen = [...online, ...seen];
      if (onlineOrSeen.length > 0) await markDevicesOnline(this.domain, onlineOrSeen, now);
      if (offline.length > 0) await markDevicesOffline(this.domain, offline);
    } catch (error) {
      this.log.error(
        { err: error, online: online.length, offline: offline.length, seen: seen.length },
        'writing device presence failed; retrying on the next flush',
      );
      // Put back what no newer event replaced, so the next flush writes it.
      for (const id of online) if (!this.offline.has(id)) this.online.add(id);
      for (const entry of offline) {
        if (!this.online.has(entry.deviceId) && !this.offline.has(entry.deviceId)) {
          this.offline.set(entry.deviceId, entry.at);
        }
      }
      this.markSeen(seen);
    }
  }
}
