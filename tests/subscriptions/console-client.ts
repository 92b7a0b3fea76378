// Test clients of the console's real-time API: graphql-ws over WebSocket and GraphQL over SSE.
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface SubscriptionResult {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

/** Results of one subscription, read one at a time with a timeout. */
export class ResultQueue {
  private readonly results: SubscriptionResult[] = [];
  private readonly waiters: ((result: SubscriptionResult | null) => void)[] = [];
  completed = false;
  error: unknown = null;

  push(result: SubscriptionResult): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(result);
    else this.results.push(result);
  }

  finish(error?: unknown): void {
    this.completed = true;
    this.error = error ?? null;
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }

  /** Waits for the next result (null once the subscription ended); rejects after `timeoutMs`. */
  next(timeoutMs = 10_000): Promise<SubscriptionResult | null> {
    const queued = this.results.shift();
    if (queued) return Promise.resolve(queued);
    if (this.completed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no subscription result within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (result: SubscriptionResult | null) => {
        clearTimeout(timer);
        resolve(result);
      };
      this.waiters.push(waiter);
    });
  }

  /** Skips results until `accept` returns true for one, and returns it. */
  async nextMatching(
    accept: (result: SubscriptionResult) => boolean,
    timeoutMs = 10_000,
  ): Promise<SubscriptionResult> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.next(Math.max(1, deadline - Date.now()));
      if (!result) throw new Error('the subscription ended before the expected result');
      if (accept(result)) return result;
    }
  }
}

export interface WsConsole {
  client: Client;
  subscribe(query: string, variables?: Record<string, unknown>): WsSubscription;
  close(): Promise<void>;
}

export interface WsSubscription {
  results: ResultQueue;
  unsubscribe(): void;
}

/** Opens a graphql-ws client that authenticates with `token` in connectionParams. */
export function connectConsole(wsUrl: string, token: string): WsConsole {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  return {
    client,
    subscribe: (query, variables) => {
      const results = new ResultQueue();
      const unsubscribe = client.subscribe(
        { query, variables },
        {
          next: (value) => results.push(value as SubscriptionResult),
          error: (error) => results.finish(error),
          complete: () => results.finish(),
        },
      );
      return { results, unsubscribe };
    },
    close: () => client.dispose() as Promise<void>,
  };
}

/**
 * Opens a raw WebSocket speaking graphql-transport-ws, sends connection_init with `payload`, and
 * resolves with the first message or the close code, whichever comes first.
 */
export function rawConnectionInit(
  wsUrl: string,
  payload: Record<string, unknown> | undefined,
  timeoutMs = 10_000,
): Promise<{ socket: WebSocket; message?: { type: string }; closeCode?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer to connection_init within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload }));
    });
    socket.once('message', (data) => {
      clearTimeout(timer);
      resolve({ socket, message: JSON.parse(String(data)) as { type: string } });
    });
    socket.once('close', (code) => {
      clearTimeout(timer);
      resolve({ socket, closeCode: code });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Resolves with the close code of `socket`, or rejects after `timeoutMs`. */
export function closeCodeOf(socket: WebSocket, timeoutMs = 10_000): Promise<number> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.reject(new Error('already closed'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`socket still open after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export interface SseSubscription {
  status: number;
  results: ResultQueue;
  close(): void;
}

/**
 * Subscribes over SSE (GraphQL over HTTP with Accept: text/event-stream) and queues each `next`
 * event; the queue finishes on `complete` or when the stream ends.
 */
export async function subscribeSse(
  httpUrl: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<SseSubscription> {
  const abort = new AbortController();
  const response = await fetch(`${httpUrl}/graphql`, {
    method: 'POST',
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const results = new ResultQueue();
  const isEventStream = response.headers.get('content-type')?.startsWith('text/event-stream');
  if (isEventStream && response.body) void readEvents(response.body, results);
  else {
    results.push((await response.json()) as SubscriptionResult);
    results.finish();
  }
  return { status: response.status, results, close: () => abort.abort() };
}

async function readEvents(body: ReadableStream<Uint8Array>, results: ResultQueue) {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (event === 'complete') {
          results.finish();
          return;
        }
        if (event === 'next' || (event === undefined && data)) {
          results.push(JSON.parse(data) as SubscriptionResult);
        }
        end = buffer.indexOf('\n\n');
      }
    }
    results.finish();
  } catch (error) {
    results.finish(error);
  }
}
