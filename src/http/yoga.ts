import { createSecretKey } from 'node:crypto';

import {
  createRemoteJwksSigningKeyProvider,
  type GetSigningKeyFunction,
  useJWT,
} from '@graphql-yoga/plugin-jwt';
import { createYoga, type Plugin, useExtendContext } from 'graphql-yoga';
import type pg from 'pg';

import type { Config } from '../config.js';
import type { DomainContext } from '../domain/context.js';
import type { AppPubSub } from '../events/pubsub.js';
import { useSharedSubscriptionEvents } from '../events/subscription-execution.js';
import type { Logger } from '../logger.js';
import {
  createContextFactory,
  createErrorMasker,
  type GraphQLContext,
  schema,
  useOperationLog,
  useValidationErrorFields,
} from '../schema/index.js';
import { extractBearerHeader, extractFromConnectionAuthorization } from './connection-token.js';
import { createQueryLimitPlugins } from './limits.js';
import { useRejectNulCharacters } from './nul-characters.js';

export interface YogaOptions {
  config: Config;
  domain: DomainContext;
  /** The pool under Prisma, for the few reads written in SQL. */
  pool: pg.Pool;
  pubsub: AppPubSub;
  log: Logger;
  jwtSecret: string | null;
  /** Extra Yoga plugins (query limits, subscriptions support). */
  plugins?: Plugin[];
}

/**
 * Provides the HS256 secret as a KeyObject. Given a string, jsonwebtoken first tries to read it as
 * a PEM public key and catches the failure, which cost about 0.9 ms of CPU on every operation.
 */
function secretKeyProvider(secret: string): GetSigningKeyFunction {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  // The plugin passes the key on to jsonwebtoken.verify, which accepts a KeyObject, although the
  // plugin's type declares a string.
  return () => key as unknown as string;
}

/** Creates the Yoga server for /graphql: JWT on every operation, masked errors, GraphiQL outside production. */
export function createGraphQLServer(options: YogaOptions) {
  const { config, domain, pool, pubsub, log, jwtSecret } = options;
  const signingKeyProvider = jwtSecret
    ? secretKeyProvider(jwtSecret)
    : createRemoteJwksSigningKeyProvider({
        jwksUri: config.auth.jwksUrl!,
        cache: true,
        rateLimit: true,
      });

  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: config.nodeEnv !== 'production' && {
      title: 'JIT admin access',
      subscriptionsProtocol: 'WS',
    },
    logging: {
      debug: (...args) => log.debug({ yoga: args.map(String).join(' ') }, 'yoga'),
      info: (...args) => log.info({ yoga: args.map(String).join(' ') }, 'yoga'),
      warn: (...args) => log.warn({ yoga: args.map(String).join(' ') }, 'yoga'),
      // Yoga logs every error the masker rewrote, expected ones included. The masker already logs
      // each unexpected error once with its stack, so those lines drop to debug.
      error: (...args) =>
        args[0] instanceof Error
          ? log.debug({ err: args[0] }, 'yoga rewrote an error')
          : log.warn({ yoga: args.map(String).join(' ') }, 'yoga'),
    },
    maskedErrors: { maskError: createErrorMasker(log) },
    // The HTTP server rejects larger bodies first (limitRequestBody); this covers yoga.fetch callers.
    maxRequestBodySize: config.http.bodyLimitBytes,
    plugins: [
      useJWT({
        signingKeyProviders: [signingKeyProvider],
        tokenLookupLocations: [extractBearerHeader, extractFromConnectionAuthorization],
        tokenVerification: {
          algorithms: jwtSecret ? ['HS256'] : ['RS256', 'ES256', 'PS256'],
          issuer: config.auth.issuer,
          audience: config.auth.audience,
        },
        reject: { missingToken: true, invalidToken: true },
        extendContext: 'jwt',
      }),
      // After useJWT: over WebSocket the token is verified while the context is built, and the
      // principal can only be read once that has happened. Yoga's `context` option would run first.
      useExtendContext(createContextFactory({ domain, pool, pubsub, log })),
      ...createQueryLimitPlugins(),
      useValidationErrorFields(),
      useRejectNulCharacters(),
      useOperationLog(),
      useSharedSubscriptionEvents(),
      ...(options.plugins ?? []),
    ],
  });
}

export type GraphQLServer = ReturnType<typeof createGraphQLServer>;
