import { PothosValidationError } from '@pothos/core';
import { type ASTNode, BREAK, type DocumentNode, GraphQLError, Kind, visit } from 'graphql';
import { maskError as defaultMaskError, type Plugin } from 'graphql-yoga';

import { DomainError, type ErrorCode } from '../domain/errors.js';
import type { Logger } from '../logger.js';

type WrappedError = Error & {
  originalError?: unknown;
  extensions?: Record<string, unknown> & { http?: { status?: number } };
  path?: unknown;
  nodes?: readonly ASTNode[];
};

/**
 * Follows `originalError` links down to the error a resolver threw. Checked by shape, not with
 * instanceof GraphQLError, because graphql can be loaded twice (its CommonJS and ESM builds).
 */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const next = (current as WrappedError | undefined)?.originalError;
    if (!next) return current;
    current = next;
  }
  return current;
}

function codeOf(error: unknown): unknown {
  return (error as WrappedError | undefined)?.extensions?.code;
}

function hasCode(error: unknown): boolean {
  return typeof codeOf(error) === 'string';
}

/** The API code an error will carry, for logs: its own code, or INTERNAL_SERVER_ERROR. */
export function errorCodeOf(error: unknown): string {
  const cause = rootCause(error);
  if (cause instanceof DomainError) return cause.code;
  if (cause instanceof PothosValidationError) return 'VALIDATION_FAILED';
  const code = codeOf(error) ?? codeOf(cause);
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** Codes Yoga and graphql-armor use for a rejected request, and the API code each becomes. */
const requestErrorCodes: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'VALIDATION_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_USER_INPUT: 'VALIDATION_FAILED',
  BAD_REQUEST: 'VALIDATION_FAILED',
  REQUEST_ENTITY_TOO_LARGE: 'QUERY_TOO_COMPLEX',
};

// graphql-js 16 words a variable that failed coercion as
// `Variable "$input" got invalid value "x" at "input.scheduledStartAt"; <reason>`.
const invalidVariablePattern =
  /^Variable "\$([^"]+)" (?:got invalid value .*? at "([^"]+)";|got invalid value|of required type)/s;

/** Finds the input field a variable error is about: the last name in its path, or the variable. */
function fieldOfVariableError(message: string): string | null {
  const match = invalidVariablePattern.exec(message);
  if (!match) return null;
  const missing = fieldOfMissingValue(message);
  if (missing) return missing;
  const path = match[2]?.replace(/\[\d+\]/g, '').split('.') ?? [];
  return path.at(-1) || match[1] || null;
}

const unauthenticatedMessage =
  'Missing or invalid bearer token: send Authorization: Bearer <JWT> with a current console token.';

/** Detects the JWT plugin's rejections: an uncoded 401, or a 400 for a token it cannot decode. */
function isAuthenticationFailure(error: WrappedError): boolean {
  if (hasCode(error) || error.originalError) return false;
  return (
    error.extensions?.http?.status === 401 ||
    error.message === 'Invalid authentication token provided'
  );
}

/** Detects an uncoded 4xx error that Yoga raised for a malformed HTTP request. */
function isRequestError(error: WrappedError): boolean {
  const status = error.extensions?.http?.status;
  return !error.originalError && typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Gives every error a code of the public API. Domain errors carry their own code and fields.
 * Errors of Yoga, Pothos, graphql-js and the JWT plugin get the matching API code. Anything else
 * is masked as INTERNAL_SERVER_ERROR and logged once with the full error.
 */
export function createErrorMasker(log: Logger) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const cause = rootCause(error);
    const located = error as WrappedError;
    const path = Array.isArray(located.path) ? located.path : undefined;
    if (cause instanceof DomainError) {
      return new GraphQLError(cause.message, {
        path,
        extensions: { code: cause.code, ...cause.extensions() },
      });
    }
    if (cause instanceof PothosValidationError) {
      return new GraphQLError(cause.message, {
        path,
        extensions: {
          code: 'VALIDATION_FAILED',
          field: /Argument "(\w+)"/.exec(cause.message)?.[1] ?? 'arguments',
        },
      });
    }
    const variableField = fieldOfVariableError(located.message ?? '');
    if (variableField) {
      const reason =
        cause !== located && hasCode(cause) ? (cause as Error).message : located.message;
      return new GraphQLError(reason, {
        nodes: located.nodes,
        extensions: {
          code: 'VALIDATION_FAILED',
          field: variableField,
          http: located.extensions?.http ?? { status: 400 },
        },
      });
    }
    if (isAuthenticationFailure(located)) {
      return new GraphQLError(unauthenticatedMessage, {
        extensions: {
          code: 'UNAUTHENTICATED',
          http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
        },
      });
    }
    const translated = requestErrorCodes[String(codeOf(located))];
    if (translated || (!hasCode(located) && isRequestError(located))) {
      log.debug({ err: located }, 'request rejected');
      return new GraphQLError(located.message, {
        nodes: located.nodes,
        extensions: {
          ...located.extensions,
          code: translated ?? 'VALIDATION_FAILED',
          ...(translated !== 'QUERY_TOO_COMPLEX' && {
            field: located.extensions?.field ?? 'query',
          }),
        },
      });
    }
    if (hasCode(cause)) return cause as Error;
    if (hasCode(error) && !located.originalError) return error as Error;
    log.error({ err: cause, path: located.path }, 'unexpected error in operation');
    return defaultMaskError(error, message, isDev);
  };
}

/**
 * Name of the argument, input field, variable or field that a document node belongs to: the
 * nearest such node among the node itself and its ancestors.
 */
function fieldOfNode(document: DocumentNode, target: ASTNode): string | null {
  let field: string | null = null;
  visit(document, {
    enter(node, _key, parent, _path, ancestors) {
      if (node !== target) return undefined;
      // `ancestors` stops above `parent`, so both are added back before walking up.
      const chain = [...ancestors, parent, node].filter(
        (candidate): candidate is ASTNode => !!candidate && !Array.isArray(candidate),
      );
      for (const candidate of chain.reverse()) {
        if (candidate.kind === Kind.ARGUMENT || candidate.kind === Kind.OBJECT_FIELD) {
          field = candidate.name.value;
          break;
        }
        if (candidate.kind === Kind.VARIABLE_DEFINITION) {
          field = candidate.variable.name.value;
          break;
        }
        if (candidate.kind === Kind.FIELD) {
          field = candidate.name.value;
          break;
        }
      }
      return BREAK;
    },
  });
  return field;
}

// graphql-js 16 names a missing input field or argument only in the message:
// `Field "CreateJitRequestInput.name" of required type …` or `… argument "tab" of type …`.
const missingFieldPattern =
  /Field "(?:[^".]+\.)?([^".]+)" of required type|argument "([^"]+)" of type/;

function fieldOfMissingValue(message: string): string | null {
  const match = missingFieldPattern.exec(message);
  return match?.[1] ?? match?.[2] ?? null;
}

/**
 * Gives validation errors the API's VALIDATION_FAILED code and the name of the offending
 * argument or input field, so a DateTime literal without an offset fails like the same value
 * sent in a variable.
 */
export function useValidationErrorFields(): Plugin {
  return {
    onValidate({ params }) {
      return ({ valid, result }) => {
        if (valid) return;
        for (const error of result) {
          const extensions = error.extensions as Record<string, unknown>;
          if (extensions.code === undefined || extensions.code === 'GRAPHQL_VALIDATION_FAILED') {
            extensions.code = 'VALIDATION_FAILED';
          }
          // A scalar's own sentence is clearer than graphql-js's "Expected value of type" prefix.
          const cause = error.originalError as WrappedError | undefined;
          if (cause && codeOf(cause) === 'VALIDATION_FAILED') error.message = cause.message;
          if (extensions.code !== 'VALIDATION_FAILED' || extensions.field !== undefined) continue;
          const node = error.nodes?.[0];
          const field =
            fieldOfMissingValue(error.message) ??
            (node ? fieldOfNode(params.documentAST, node) : null);
          if (field) extensions.field = field;
        }
      };
    },
  };
}
