import { GraphQLError } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import type pg from 'pg';

import type { PrismaClient } from '../db/client.js';
import type { AppPubSub } from '../events/pubsub.js';
import type { Actor, DomainContext, Role } from '../domain/context.js';
import type { Logger } from '../logger.js';
import { requestIdOf } from './operation-log.js';

/** The signed-in console user, taken from a verified JWT. */
export interface Principal {
  sub: string;
  role: Role;
}

export interface GraphQLContext {
  prisma: PrismaClient;
  /** The pool Prisma runs on, for reads written in SQL where Prisma's overhead matters. */
  pool: pg.Pool;
  domain: DomainContext;
  pubsub: AppPubSub;
  principal: Principal | null;
  /** The principal as the domain records it; only meaningful when `principal` is set. */
  actor: Actor;
  /** Correlates the log lines of one request; also sent back in the X-Request-Id header. */
  requestId: string;
  /** Logger carrying requestId, actor and role; also the domain's logger for this operation. */
  log: Logger;
  /** JIT requests this operation read or changed, for its log line. */
  jitRequestIds: Set<string>;
}

const roles: readonly Role[] = ['admin', 'approver', 'auditor'];

/**
 * Turns verified JWT claims into a principal. `sub` names the user; `role` must be one of the
 * three console roles. Anything else is UNAUTHENTICATED (HTTP 401).
 */
export function principalFromClaims(claims: Record<string, unknown> | undefined): Principal {
  if (!claims) {
    throw new GraphQLError('Missing bearer token: send Authorization: Bearer <JWT>.', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  const sub = typeof claims.sub === 'string' ? claims.sub.trim() : '';
  const role = claims.role;
  if (!sub) {
    throw new GraphQLError('The token has no sub claim naming the user.', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) {
    throw new GraphQLError(
      `The token's role '${String(role)}' is not one of ${roles.join(', ')}.`,
      {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      },
    );
  }
  return { sub, role: role as Role };
}

export interface ContextServices {
  domain: DomainContext;
  pool: pg.Pool;
  pubsub: AppPubSub;
  log: Logger;
}

/** Builds the per-operation context from what the JWT plugin verified. */
export function createContextFactory(services: ContextServices) {
  return (
    initial: YogaInitialContext & { jwt?: { payload: Record<string, unknown> } },
  ): GraphQLContext => {
    const principal = principalFromClaims(initial.jwt?.payload);
    const requestId = requestIdOf(initial.request);
    const log = services.log.child({ requestId, actor: principal.sub, role: principal.role });
    return {
      prisma: services.domain.prisma,
      pool: services.pool,
      // The domain logs through the operation's logger, so its lines carry the request id too.
      domain: { ...services.domain, log },
      pubsub: services.pubsub,
      principal,
      actor: { kind: 'admin', id: principal.sub, role: principal.role },
      requestId,
      log,
      jitRequestIds: new Set(),
    };
  };
}
