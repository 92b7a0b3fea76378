import { GraphQLError } from 'graphql';

import type { RequestChange } from '../domain/context.js';
import {
  endAtTokenExpiry,
  oncePerEvent,
  tokenExpired,
  type TokenExpired,
  tokenExpiryOf,
} from '../events/subscription-streams.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { LiveTabEnum } from './enums.js';

type JitRequestQuery = { include?: object; select?: object };

/**
 * Reads the request of an event with the subscriber's selection. Subscribers with the same
 * selection share one read per event, so a change fans out to many consoles with few queries.
 */
function readRequestForEvent(
  context: GraphQLContext,
  change: RequestChange,
  query: JitRequestQuery,
) {
  return oncePerEvent(change, `read:${JSON.stringify(query)}`, () =>
    context.prisma.jitRequest.findUniqueOrThrow({ ...query, where: { id: change.requestId } }),
  );
}

export const JitRequestChangeRef = builder.objectRef<RequestChange>('JitRequestChange').implement({
  fields: (t) => ({
    action: t.exposeString('action', {
      description:
        'What happened: CREATED, RAISED, APPROVED, DENIED, STARTED, EXTENDED, REVOKED, COMPLETED and so on.',
    }),
    request: t.prismaField({
      type: 'JitRequest',
      description: 'The request as it is now, read fresh for each event.',
      resolve: (query, change, _args, context) => readRequestForEvent(context, change, query),
    }),
  }),
});

/**
 * Checks whether a change concerns a subscriber of these tabs and ids. A change matches a tab when the
 * request is in it after the change or was in it before, so a request leaving a Live tab (ACTIVE
 * to COMPLETED, say) still reaches the dashboards that show that tab.
 */
export function matchesChange(
  change: RequestChange,
  tabs?: readonly string[] | null,
  ids?: readonly (string | number)[] | null,
): boolean {
  if (ids && ids.length > 0 && !ids.map(String).includes(change.requestId)) return false;
  if (tabs && tabs.length > 0) {
    const inTab =
      tabs.includes(change.status) ||
      (change.previousStatus !== undefined && tabs.includes(change.previousStatus));
    if (!inTab) return false;
  }
  return true;
}

function changesFor(context: GraphQLContext, keep: (change: RequestChange) => boolean) {
  return endAtTokenExpiry(
    context.pubsub.subscribe('request-changed'),
    tokenExpiryOf(context),
    keep,
  );
}

/** Ends a subscription whose token expired with an UNAUTHENTICATED error the client can act on. */
function requireChange(
  event: RequestChange | TokenExpired,
  context: GraphQLContext,
): RequestChange {
  if (event === tokenExpired) {
    throw new GraphQLError(
      `The bearer token expired at ${tokenExpiryOf(context)?.toISOString()}; subscribe again with a new token.`,
      { extensions: { code: 'UNAUTHENTICATED' } },
    );
  }
  return event;
}

builder.subscriptionFields((t) => ({
  jitRequestRaised: t.prismaField({
    type: 'JitRequest',
    description: 'Requests raised by device users, as they arrive.',
    subscribe: (_root, _args, context) =>
      changesFor(context, (change) => change.raisedByUser === true),
    resolve: (query, event: RequestChange | TokenExpired, _args, context) =>
      readRequestForEvent(context, requireChange(event, context), query),
  }),
  jitRequestChanged: t.field({
    type: JitRequestChangeRef,
    description:
      'Every lifecycle change; filter by Live tab (the status before or after the change) or by request ids.',
    args: { tabs: t.arg({ type: [LiveTabEnum] }), ids: t.arg.idList() },
    subscribe: (_root, args, context) =>
      changesFor(context, (change) => matchesChange(change, args.tabs, args.ids)),
    resolve: (event: RequestChange | TokenExpired, _args, context) => requireChange(event, context),
  }),
}));
