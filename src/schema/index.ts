import { builder } from './builder.js';
import './enums.js';
import './device.js';
import './jit-request.js';
import './request-queries.js';
import './request-mutations.js';
import './inventory.js';
import './subscriptions.js';

export {
  createContextFactory,
  type GraphQLContext,
  type Principal,
  principalFromClaims,
} from './context.js';
export { createErrorMasker, useValidationErrorFields } from './errors.js';
export { requestIdFromHeader, requestIdOf, useOperationLog } from './operation-log.js';
export {
  columnsOf,
  maxPageSize,
  type RequestColumn,
  type RequestRow,
  requestOrderBy,
  requestRowSelect,
  type RequestTable,
  requestTableWhere,
  requireColumns,
  type SortDirection,
} from './request-table.js';

/** The GraphQL schema, built once from the Pothos type files imported above. */
export const schema = builder.toSchema({ sortSchema: false });
