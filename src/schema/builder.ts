import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver } from './scalars.js';

import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { ForbiddenError, ValidationError } from '../domain/errors.js';
import type { GraphQLContext } from './context.js';

/**
 * Authorization scopes. Every field's rule is declared once with these names; the role of the
 * caller decides which are granted (see `authScopes` below).
 */
export interface AuthScopes {
  /** Any signed-in console user: admin, approver or auditor. */
  reader: boolean;
  /** Runs the request lifecycle: admin or approver. */
  approver: boolean;
  /** Inventory and agent settings: admin only. */
  admin: boolean;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    ID: { Input: string; Output: string | number | bigint };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Database ids already carry a type prefix (req_, dev_, grp_), so they serve as global ids as they are.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => ({ typename: typenameOfId(globalID), id: globalID }),
    nodeQueryOptions: { authScopes: { reader: true } },
    nodesQueryOptions: { authScopes: { reader: true } },
  },
  scopeAuth: {
    authScopes: (context) => ({
      reader: context.principal !== null,
      approver: context.principal?.role === 'admin' || context.principal?.role === 'approver',
      admin: context.principal?.role === 'admin',
    }),
    unauthorizedError: (_parent, context, info) =>
      new ForbiddenError(
        `Role '${context.principal?.role ?? 'none'}' may not use '${info.parentType.name}.${info.fieldName}'; ask an admin for a role that allows it.`,
      ),
  },
});

const typenameByIdPrefix: Record<string, string> = {
  req: 'JitRequest',
  dev: 'Device',
  grp: 'DeviceGroup',
};

function typenameOfId(id: string): string {
  const typename = typenameByIdPrefix[id.split('_', 1)[0] ?? ''];
  if (!typename)
    throw new ValidationError(
      'id',
      `'${id}' is not an id of this API: ids start with req_, dev_ or grp_.`,
    );
  return typename;
}

builder.addScalarType('DateTime', DateTimeResolver, {});

builder.queryType({ authScopes: { reader: true } });
builder.mutationType({ authScopes: { approver: true } });
builder.subscriptionType({ authScopes: { reader: true } });
