import { randomUUID } from 'node:crypto';

import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

import type { GraphQLContext } from './context.js';
import { errorCodeOf } from './errors.js';

const requestIds = new WeakMap<Request, string>();
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Returns the client's X-Request-Id when it is a short token, otherwise a new UUID. */
export function requestIdFromHeader(header: string | string[] | null | undefined): string {
  return typeof header === 'string' && requestIdPattern.test(header) ? header : randomUUID();
}

/**
 * Returns the id that correlates every log line of one HTTP request, the same on every call for
 * that request. Without a request (an operation over WebSocket) each call returns a new id.
 */
export function requestIdOf(request: Request | undefined): string {
  if (!request) return randomUUID();
  let id = requestIds.get(request);
  if (!id) {
    id = requestIdFromHeader(request.headers.get('x-request-id'));
    requestIds.set(request, id);
  }
  return id;
}

/** Records the JIT requests an operation reads or changes, for its log line. */
export function noteRequestIds(context: GraphQLContext, ...ids: string[]): void {
  for (const id of ids) context.jitRequestIds.add(id);
}

/**
 * Logs one line per operation with the request id, the actor (both on the context's child logger),
 * the JIT requests involved, the duration and the error codes. Variables and results are never
 * logged: they may hold agent tokens.
 */
export function useOperationLog(): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const startedAt = performance.now();
      const context = args.contextValue;
      const operation = getOperationAST(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          if (!('errors' in result) && !('data' in result)) return;
          const ids = [...context.jitRequestIds];
          const errorCodes = result.errors?.map(errorCodeOf);
          context.log.info(
            {
              operationName: operation?.name?.value ?? args.operationName ?? null,
              operationType: operation?.operation,
              ...(ids.length === 1 && { jitRequestId: ids[0] }),
              ...(ids.length > 1 && { jitRequestIds: ids }),
              durationMs: Math.round(performance.now() - startedAt),
              ...(errorCodes && errorCodes.length > 0 && { errorCodes }),
            },
            'graphql operation',
          );
        },
      };
    },
    onSubscribe({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      args.contextValue.log.info(
        { operationName: operation?.name?.value ?? args.operationName ?? null },
        'subscription started',
      );
    },
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}
