import { GraphQLError } from 'graphql';
import { maskError as defaultMaskError } from 'graphql-yoga';

import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

type WrappedError = Error & {
  originalError?: unknown;
  extensions?: Record<string, unknown>;
  path?: unknown;
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

function hasCode(error: unknown): boolean {
  return typeof (error as WrappedError | undefined)?.extensions?.code === 'string';
}

/**
 * Turns expected domain errors into GraphQL errors with a stable `extensions.code`; errors that
 * already carry a code (authentication, validation, limits) pass unchanged; anything else is
 * masked as INTERNAL_SERVER_ERROR and logged once with the full error.
 */
export function createErrorMasker(log: Logger) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const cause = rootCause(error);
    const located = error as WrappedError;
    if (cause instanceof DomainError) {
      return new GraphQLError(cause.message, {
        path: Array.isArray(located.path) ? located.path : undefined,
        extensions: { code: cause.code, ...cause.extensions() },
      });
    }
    if (hasCode(cause)) return cause as Error;
    if (hasCode(error) && !located.originalError) return error as Error;
    log.error({ err: cause, path: located.path }, 'unexpected error in operation');
    return defaultMaskError(error, message, isDev);
  };
}
