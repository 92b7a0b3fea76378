import type { DocumentNode, ExecutionArgs, GraphQLError } from 'graphql';
import { getOperationAST } from 'graphql';
import { CloseCode, type Context, type SubscribePayload } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import { createGraphQLError } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

import { callAt, tokenExpiryOf } from '../events/subscription-streams.js';
import type { Logger } from '../logger.js';
import type { GraphQLContext } from '../schema/index.js';
import type { UpgradeHandler } from './server.js';
import type { GraphQLServer } from './yoga.js';

/** GraphQL subscriptions over WebSocket (the graphql-transport-ws protocol) at /graphql. */
export interface GraphQLWebSocketServer {
  handleUpgrade: UpgradeHandler;
  /** Closes every socket (code 1001) and stops accepting new ones. */
  close(): Promise<void>;
}

export interface GraphQLWebSocketOptions {
  yoga: GraphQLServer;
  log: Logger;
  /** Largest accepted message in bytes; a larger one closes the socket with code 1009. */
  maxPayloadBytes: number;
}

type EnvelopedRoot = Pick<ReturnType<GraphQLServer['getEnveloped']>, 'execute' | 'subscribe'>;
type ConnectionContext = Context<Record<string, unknown> | undefined, Extra>;

/** Milliseconds that clients get to reply to the close frame at shutdown before they are cut off. */
const closeGraceMs = 1_000;

/**
 * Creates the WebSocket endpoint for subscriptions. Every operation goes through the same Yoga
 * plugins as HTTP (JWT, query limits, error masking) by way of `yoga.getEnveloped`.
 *
 * Authentication happens at connection_init: connectionParams must carry
 * `{ authorization: 'Bearer <JWT>' }`, verified exactly as the HTTP Authorization header is. A
 * missing, invalid or expired token, or one without a console role, closes the socket with 4403
 * Forbidden, the code graphql-ws uses when a connection is not permitted. When the token expires
 * later, the socket is closed with 4403 at its exp. graphql-ws clients retry after 4403, so a
 * client that computes its connectionParams on each attempt resumes with a fresh token.
 *
 * Only subscriptions are accepted here. Queries and mutations use POST /graphql, where the
 * HTTP-level protections, such as the body size limit, apply.
 */
export function createGraphQLWebSocketServer(
  options: GraphQLWebSocketOptions,
): GraphQLWebSocketServer {
  const { yoga, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });

  const server = useServer<Record<string, unknown> | undefined>(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: (ctx) => authorizeConnection(yoga, ctx, log),
      onSubscribe: (ctx, _id, payload) => prepareSubscription(yoga, ctx, payload, log),
    },
    wss,
  );

  return {
    handleUpgrade: (request, socket, head) => {
      wss.handleUpgrade(request, socket, head, (webSocket) => {
        wss.emit('connection', webSocket, request);
      });
    },
    close: async () => {
      const cutOff = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, closeGraceMs);
      await server.dispose();
      clearTimeout(cutOff);
    },
  };
}

/** Builds the GraphQL context the way HTTP does, which verifies the token and the role. */
async function buildContext(
  yoga: GraphQLServer,
  ctx: ConnectionContext,
  params?: SubscribePayload,
): Promise<{ enveloped: ReturnType<GraphQLServer['getEnveloped']>; context: GraphQLContext }> {
  const initialContext = {
    connectionParams: ctx.connectionParams ?? {},
    socket: ctx.extra.socket,
    params,
  };
  const enveloped = yoga.getEnveloped(initialContext as never);
  const context = (await enveloped.contextFactory()) as unknown as GraphQLContext;
  return { enveloped, context };
}

async function authorizeConnection(
  yoga: GraphQLServer,
  ctx: ConnectionContext,
  log: Logger,
): Promise<boolean> {
  let context: GraphQLContext;
  try {
    ({ context } = await buildContext(yoga, ctx));
  } catch (error) {
    if (isGraphQLError(error)) {
      log.info({ reason: error.message }, 'graphql-ws connection rejected');
    } else {
      log.error({ err: error }, 'graphql-ws authentication failed unexpectedly');
    }
    return false;
  }

  const expiresAt = tokenExpiryOf(context);
  if (expiresAt) {
    const { socket } = ctx.extra;
    const cancel = callAt(expiresAt, () => {
      log.info({ actor: context.principal?.sub }, 'graphql-ws token expired; closing socket');
      socket.close(CloseCode.Forbidden, 'Forbidden: token expired');
    });
    socket.once('close', cancel);
  }
  log.debug({ actor: context.principal?.sub }, 'graphql-ws connection accepted');
  return true;
}

/**
 * Parses, validates and authorizes one subscribe message, returning the execution arguments or
 * the errors to send back. Parsing and validation run Yoga's plugins, query limits included.
 */
async function prepareSubscription(
  yoga: GraphQLServer,
  ctx: ConnectionContext,
  payload: SubscribePayload,
  log: Logger,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  try {
    const { enveloped, context } = await buildContext(yoga, ctx, payload);
    const { schema, parse, validate, execute, subscribe } = enveloped;

    const document: DocumentNode = parse(payload.query);
    const errors = validate(schema, document);
    if (errors.length > 0) return errors.map(toProtocolError);

    const operation = getOperationAST(document, payload.operationName);
    if (operation && operation.operation !== 'subscription') {
      return [
        createGraphQLError(
          `Only subscriptions are accepted over WebSocket; send this ${operation.operation} with POST /graphql.`,
          { extensions: { code: 'BAD_REQUEST' } },
        ),
      ];
    }
    const rootValue: EnvelopedRoot = { execute, subscribe };
    return {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: context,
      rootValue,
    };
  } catch (error) {
    if (isGraphQLError(error)) return [toProtocolError(error)];
    log.error({ err: error }, 'graphql-ws subscribe failed unexpectedly');
    return [
      createGraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ];
  }
}

/**
 * Checked by name, not with instanceof: graphql can be loaded twice (its CommonJS and ESM
 * builds, as under vitest), and then each copy has its own GraphQLError class.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/**
 * Re-creates an error with the GraphQLError class that graphql-ws checks with instanceof before
 * it sends errors from onSubscribe. Yoga loads graphql the way graphql-ws does, so
 * createGraphQLError builds errors of the class graphql-ws checks against. The `http` extension
 * (a status for Yoga's HTTP responses) is dropped, as Yoga drops it from HTTP responses.
 */
function toProtocolError(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions ?? {};
  return createGraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions,
  });
}
