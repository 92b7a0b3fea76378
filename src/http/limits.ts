// Limits that keep one client from tying up the server: GraphQL document limits (graphql-armor)
// and the HTTP request body size.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { createRequire } from 'node:module';

import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

import { maxPageSize } from '../schema/index.js';
import type { RouteHandler } from './server.js';

/** Bounds on one GraphQL document. The defaults admit every query the console sends. */
export interface QueryLimits {
  /** Deepest field nesting, fragments flattened. */
  maxDepth: number;
  /** Aliased fields per operation. */
  maxAliases: number;
  /**
   * graphql-armor's cost estimate: each object field costs 2 and each scalar 1, weighted by 1.5
   * per level and multiplied by a literal `first`/`last`.
   */
  maxCost: number;
  /** Lexical tokens per document. */
  maxTokens: number;
  /** Directives per operation. */
  maxDirectives: number;
}

export const defaultQueryLimits: Readonly<QueryLimits> = Object.freeze({
  maxDepth: 10,
  maxAliases: 15,
  // A page of 100 requests with every field, devices, sessions and audit trail costs about 27 000.
  maxCost: 30_000,
  maxTokens: 2_000,
  maxDirectives: 20,
});

/**
 * Turns a graphql-armor rejection into a QUERY_TOO_COMPLEX error. Validation rules report it
 * through their context; the token limit runs in the parser, which has no context, so it throws.
 */
function rejectAsTooComplex(context: ValidationContext | null, error: GraphQLError): void {
  const limit = error.message.replace(/^Syntax Error: /, '');
  const coded = new GraphQLError(
    `${limit} Ask for fewer fields, levels, aliases or rows, or split the operation.`,
    { extensions: { code: 'QUERY_TOO_COMPLEX' } },
  );
  if (!context) throw coded;
  context.reportError(coded);
}

/**
 * Envelop plugins that enforce `limits` on every operation. Registered on the Yoga server, so they
 * also apply to operations run through `yoga.getEnveloped`, such as those over WebSocket.
 */
export function createQueryLimitPlugins(limits: QueryLimits = defaultQueryLimits): Plugin[] {
  const rejection = { onReject: [rejectAsTooComplex], propagateOnRejection: false };
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...rejection },
    maxAliases: { n: limits.maxAliases, ...rejection },
    costLimit: { maxCost: limits.maxCost, flattenFragments: true, ...rejection },
    maxTokens: { n: limits.maxTokens, ...rejection },
    maxDirectives: { n: limits.maxDirectives, ...rejection },
    // Field suggestions ("Did you mean …") would reveal parts of the schema to guessing clients.
    blockFieldSuggestion: { enabled: true },
  });
  return [...(armor.protect().plugins as Plugin[]), useVariablePageSizeCost(limits.maxCost)];
}

// Pothos and Yoga use graphql's CommonJS build, and `validate` only accepts a schema built by the
// same copy. Under vitest an `import` of graphql would load the ESM build instead.
const { validate, visit } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * Replaces `first: $n` and `last: $n` with the integer value of the variable (or its default), so
 * graphql-armor's cost estimate multiplies by the real page size. Sizes over the maximum page
 * count as the maximum, because the connection rejects them with an error that names the value.
 * Returns null when no page size comes from a variable.
 */
function inlinePageSizes(
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): DocumentNode | null {
  const defaults = new Map<string, ValueNode>();
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue) defaults.set(node.variable.name.value, node.defaultValue);
    },
  });
  let inlined = false;
  const rewritten = visit(document, {
    Argument(node) {
      if (
        (node.name.value !== 'first' && node.name.value !== 'last') ||
        node.value.kind !== Kind.VARIABLE
      )
        return undefined;
      const name = node.value.name.value;
      const value = variables?.[name];
      const size: ValueNode | undefined = Number.isInteger(value)
        ? { kind: Kind.INT, value: String(Math.min(value as number, maxPageSize)) }
        : value === undefined
          ? defaults.get(name)
          : undefined;
      if (size?.kind !== Kind.INT) return undefined;
      inlined = true;
      return { ...node, value: size };
    },
  });
  return inlined ? rewritten : null;
}

/**
 * Applies the cost limit again with page sizes taken from the variables. graphql-armor multiplies
 * by `first`/`last` only when they are literals, so without this check `first: $n` would cost as
 * one row whatever the request sends.
 */
function useVariablePageSizeCost(maxCost: number): Plugin {
  const check = (schema: GraphQLSchema, document: DocumentNode, variables: unknown) => {
    const inlined = inlinePageSizes(document, variables as Record<string, unknown> | undefined);
    if (!inlined) return [];
    const rule = costLimitRule({
      maxCost,
      flattenFragments: true,
      onReject: [rejectAsTooComplex],
      propagateOnRejection: false,
    });
    return validate(schema, inlined, [rule]);
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = check(args.schema, args.document, args.variableValues);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = check(args.schema, args.document, args.variableValues);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}

function rejectBody(response: ServerResponse, status: number, message: string, code: string) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    // The rest of the body is never read, so the connection cannot carry another request.
    connection: 'close',
  });
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/**
 * Wraps a handler so that request bodies larger than `maxBytes` are rejected with 413 before
 * anything parses them: at once when Content-Length announces too much, otherwise (chunked
 * bodies) as soon as the bytes read pass the limit. A body within the limit is buffered and
 * handed on as `request.body`, which Yoga reads in place of the stream.
 */
export function limitRequestBody(handler: RouteHandler, maxBytes: number): RouteHandler {
  const tooLarge = `The request body exceeds the limit of ${maxBytes} bytes; send a smaller query or fewer variables.`;
  return (request, response) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') {
      return handler(request, response);
    }
    const declared = request.headers['content-length'];
    if (declared !== undefined && !/^\d+$/.test(declared)) {
      rejectBody(
        response,
        400,
        `Content-Length '${declared}' is not a byte count.`,
        'VALIDATION_FAILED',
      );
      return;
    }
    if (declared !== undefined && Number(declared) > maxBytes) {
      rejectBody(response, 413, tooLarge, 'QUERY_TOO_COMPLEX');
      return;
    }
    return readBody(request, maxBytes).then((body) => {
      if (body === null) {
        rejectBody(response, 413, tooLarge, 'QUERY_TOO_COMPLEX');
        return;
      }
      if (body.length > 0) (request as IncomingMessage & { body?: Buffer }).body = body;
      return handler(request, response);
    });
  };
}

/** Reads a request body of at most `maxBytes`; null (and reading stops) once it grows past that. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        request.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}
