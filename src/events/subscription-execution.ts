import { createRequire } from 'node:module';

import { initContextCache } from '@pothos/core';
import type { DocumentNode, ExecutionArgs, ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';

import { oncePerEvent } from './subscription-streams.js';

// graphql 16 has no `exports` map, so Node gives every package that imports it (Pothos, Yoga) its
// CommonJS build, and graphql-js rejects a schema built by another copy of itself. `require`
// reaches that same copy even under vitest, which resolves this file's imports to index.mjs.
const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * Envelop plugin that executes each subscription event once for all subscribers of the same
 * operation: same document, operation name, variables and role. The result is computed after the
 * event arrives, in a context of its own with fresh Pothos caches, so every event is resolved
 * from the database as it is then, and nothing cached outlives the event.
 *
 * Sharing by role is sound because field authorization depends on the role alone (the scopes in
 * schema/builder.ts). A field whose value depended on the subscriber's identity would need the
 * subject in the key.
 */
export function useSharedSubscriptionEvents(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribeWithSharedEvents);
    },
  };
}

async function subscribeWithSharedEvents(args: ExecutionArgs) {
  // Parsing, validation and the context already ran in Yoga's envelop, with its plugins.
  const source = await graphql.createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source as ExecutionResult;
  const key = operationKey(args);
  return mapAsyncIterator(source, (event: unknown) => {
    const execute = async () =>
      graphql.execute({ ...args, rootValue: event, contextValue: eventContext(args.contextValue) });
    // A primitive event (the token-expired marker) belongs to one subscriber and is not shared.
    if (key === null || typeof event !== 'object' || event === null) return execute();
    return oncePerEvent(event, `execute:${key}`, execute);
  });
}

/** Copies the subscription's context with empty Pothos caches. */
function eventContext(context: unknown): object {
  return { ...(context as object), ...initContextCache() };
}

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/**
 * The key under which subscribers share an event's result, or null when the operation must run
 * on its own. Yoga's parser cache returns one DocumentNode per query text, so identical
 * subscriptions share a document object.
 */
function operationKey(args: ExecutionArgs): string | null {
  const role = (args.contextValue as { principal?: { role?: string } | null } | undefined)
    ?.principal?.role;
  if (!role) return null;
  let documentId = documentIds.get(args.document);
  if (documentId === undefined) {
    documentId = nextDocumentId += 1;
    documentIds.set(args.document, documentId);
  }
  return JSON.stringify([documentId, args.operationName ?? null, args.variableValues ?? {}, role]);
}
