import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import type { Logger } from '../logger.js';

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => void | Promise<void>;
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface HttpRoutes {
  /** Exact paths served before GraphQL, such as /healthz. */
  routes: Map<string, RouteHandler>;
  /** Path prefixes, such as /export/. */
  prefixRoutes: Map<string, RouteHandler>;
  /** WebSocket upgrades by exact path (/graphql, /agent). */
  upgrades: Map<string, UpgradeHandler>;
  fallback: RouteHandler;
}

/** Creates the one HTTP server that carries GraphQL, exports, health checks and both WebSockets. */
export function createHttpServer(routes: HttpRoutes, log: Logger): Server {
  const server = createServer((request, response) => {
    const pathname = pathOf(request);
    const handler =
      routes.routes.get(pathname) ??
      [...routes.prefixRoutes].find(([prefix]) => pathname.startsWith(prefix))?.[1] ??
      routes.fallback;
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      log.error({ err: error, path: pathname }, 'request handler failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'Internal server error.' }));
    });
  });

  server.on('upgrade', (request, socket, head) => {
    const handler = routes.upgrades.get(pathOf(request));
    if (!handler) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    handler(request, socket, head);
  });
  return server;
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').pathname;
}

/** Writes a small JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
