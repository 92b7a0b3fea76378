import type { RequestChange } from '../domain/context.js';
import { builder } from './builder.js';
import { LiveTabEnum } from './enums.js';

export const JitRequestChangeRef = builder.objectRef<RequestChange>('JitRequestChange').implement({
  fields: (t) => ({
    action: t.exposeString('action', {
      description:
        'What happened: CREATED, RAISED, APPROVED, DENIED, STARTED, EXTENDED, REVOKED, COMPLETED and so on.',
    }),
    request: t.prismaField({
      type: 'JitRequest',
      description: 'The request as it is now, read fresh for each event.',
      resolve: (query, change, _args, context) =>
        context.prisma.jitRequest.findUniqueOrThrow({ ...query, where: { id: change.requestId } }),
    }),
  }),
});

function matches(
  change: RequestChange,
  tabs?: readonly string[] | null,
  ids?: readonly (string | number)[] | null,
) {
  if (ids && ids.length > 0 && !ids.map(String).includes(change.requestId)) return false;
  if (tabs && tabs.length > 0 && !tabs.includes(change.status)) return false;
  return true;
}

builder.subscriptionFields((t) => ({
  jitRequestRaised: t.prismaField({
    type: 'JitRequest',
    description: 'Requests raised by device users, as they arrive.',
    subscribe: (_root, _args, context) =>
      filterChanges(
        context.pubsub.subscribe('request-changed'),
        (change) => change.raisedByUser === true,
      ),
    resolve: (query, change: RequestChange, _args, context) =>
      context.prisma.jitRequest.findUniqueOrThrow({ ...query, where: { id: change.requestId } }),
  }),
  jitRequestChanged: t.field({
    type: JitRequestChangeRef,
    description:
      'Every lifecycle change; filter by Live tab (status after the change) or request ids.',
    args: { tabs: t.arg({ type: [LiveTabEnum] }), ids: t.arg.idList() },
    subscribe: (_root, args, context) =>
      filterChanges(context.pubsub.subscribe('request-changed'), (change) =>
        matches(change, args.tabs, args.ids),
      ),
    resolve: (change) => change,
  }),
}));

async function* filterChanges(
  source: AsyncIterable<RequestChange>,
  keep: (change: RequestChange) => boolean,
) {
  for await (const change of source) if (keep(change)) yield change;
}
