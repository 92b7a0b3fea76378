// A minimal agent for gateway tests: a real `ws` client that buffers server frames and lets a
// test wait for one by type, with a timeout on every wait.
import WebSocket from 'ws';

import type { ServerMessage } from '../../src/agent-gateway/protocol.js';

type MessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

const defaultTimeoutMs = 10_000;

export class TestAgent {
  private readonly buffer: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.buffer.push(JSON.parse(data.toString()) as ServerMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
  }

  /** Opens a connection with `token`; rejects with the HTTP status when the upgrade fails. */
  static connect(baseUrl: string, token: string | null, query = ''): Promise<TestAgent> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/agent${query}`;
    const socket = new WebSocket(url, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    const agent = new TestAgent(socket);
    return withTimeout(
      new Promise<TestAgent>((resolve, reject) => {
        socket.once('open', () => resolve(agent));
        socket.once('unexpected-response', (_request, response) => {
          reject(new UpgradeRejected(response.statusCode ?? 0));
          response.resume();
          socket.terminate();
        });
        socket.once('error', reject);
      }),
      defaultTimeoutMs,
      'connect',
    );
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Waits for the first buffered or future frame of `type` that matches, and removes it. */
  async next<T extends ServerMessage['type']>(
    type: T,
    matches: (message: MessageOf<T>) => boolean = () => true,
    timeoutMs = defaultTimeoutMs,
  ): Promise<MessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.buffer.findIndex(
        (message) => message.type === type && matches(message as MessageOf<T>),
      );
      if (index >= 0) return this.buffer.splice(index, 1)[0] as MessageOf<T>;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(
          `timed out waiting for ${type}; buffered: ${this.buffer.map((m) => m.type).join(', ') || 'none'}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Removes every buffered frame, so the next wait returns only frames sent from now on. */
  clear(): void {
    this.buffer.length = 0;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await withTimeout(this.closed, 5000, 'close').catch(() => this.socket.terminate());
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

export class UpgradeRejected extends Error {
  constructor(readonly status: number) {
    super(`upgrade rejected with HTTP ${status}`);
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = defaultTimeoutMs,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Connects and reads the three frames every connection starts with. */
export async function openAgent(baseUrl: string, token: string) {
  const agent = await TestAgent.connect(baseUrl, token);
  const welcome = await agent.next('server.welcome');
  const settings = await agent.next('server.settings');
  const state = await agent.next('server.desired-state');
  return { agent, welcome, settings, state };
}
