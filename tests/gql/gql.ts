/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  '\n  fragment RequestRowFields on JitRequest {\n    id\n    name\n    userAccountName\n    status\n    durationType\n    durationSeconds\n    extensionSeconds\n    scheduledStartAt\n    internetAccessRequired\n    requesterKind\n    requestedBy\n    requestedAt\n    approvedBy\n    approvedAt\n    startedAt\n    endedAt\n    expiresAt\n    remainingSeconds\n    reasonByUser\n    reasonByAdmin\n    revokedBy\n    extensionRequested\n  }\n': typeof types.RequestRowFieldsFragmentDoc;
  '\n  query LiveRequests(\n    $tab: LiveTab!\n    $search: String\n    $orderBy: JitRequestOrder\n    $first: Int\n    $after: String\n  ) {\n    liveRequests(tab: $tab, search: $search, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...RequestRowFields\n          devices {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n': typeof types.LiveRequestsDocument;
  '\n  query PastRequests(\n    $search: String\n    $statuses: [JitStatus!]\n    $orderBy: JitRequestOrder\n    $first: Int\n    $after: String\n  ) {\n    pastRequests(\n      search: $search\n      statuses: $statuses\n      orderBy: $orderBy\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...RequestRowFields\n        }\n      }\n    }\n  }\n': typeof types.PastRequestsDocument;
  '\n  query JitRequestDetails($id: ID!) {\n    jitRequest(id: $id) {\n      ...RequestRowFields\n      devices {\n        id\n        name\n        online\n        groups {\n          id\n          name\n        }\n      }\n      deviceSessions {\n        state\n        appliedAt\n        removedAt\n        failureReason\n        device {\n          id\n          name\n        }\n      }\n      auditTrail {\n        at\n        actor\n        action\n        details\n      }\n    }\n  }\n': typeof types.JitRequestDetailsDocument;
  '\n  query TableColumns($table: RequestTable!) {\n    tableColumns(table: $table) {\n      key\n      label\n      sortable\n      sortField\n      defaultVisible\n    }\n  }\n': typeof types.TableColumnsDocument;
  '\n  query Viewer {\n    viewer {\n      id\n      role\n    }\n  }\n': typeof types.ViewerDocument;
  '\n  mutation CreateJitRequest($input: CreateJitRequestInput!) {\n    createJitRequest(input: $input) {\n      ...RequestRowFields\n      devices {\n        id\n        name\n      }\n      deviceSessions {\n        state\n        device {\n          id\n        }\n      }\n    }\n  }\n': typeof types.CreateJitRequestDocument;
  '\n  mutation ApproveJitRequest($input: ApproveJitRequestInput!) {\n    approveJitRequest(input: $input) {\n      ...RequestRowFields\n      deviceSessions {\n        state\n        device {\n          id\n        }\n      }\n    }\n  }\n': typeof types.ApproveJitRequestDocument;
  '\n  mutation DenyJitRequest($input: DenyJitRequestInput!) {\n    denyJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n': typeof types.DenyJitRequestDocument;
  '\n  mutation ExtendJitRequest($input: ExtendJitRequestInput!) {\n    extendJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n': typeof types.ExtendJitRequestDocument;
  '\n  mutation RevokeJitRequest($input: RevokeJitRequestInput!) {\n    revokeJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n': typeof types.RevokeJitRequestDocument;
  '\n  mutation EnrollDevice($input: EnrollDeviceInput!) {\n    enrollDevice(input: $input) {\n      agentToken\n      device {\n        id\n        name\n        serialNumber\n        platform\n        online\n        tokenRevoked\n        groups {\n          id\n        }\n      }\n    }\n  }\n': typeof types.EnrollDeviceDocument;
  '\n  query Devices($search: String, $first: Int, $after: String) {\n    devices(search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          serialNumber\n          groups {\n            name\n          }\n        }\n      }\n    }\n  }\n': typeof types.DevicesDocument;
  '\n  mutation CreateDeviceGroup($input: CreateDeviceGroupInput!) {\n    createDeviceGroup(input: $input) {\n      id\n      name\n      devices {\n        id\n      }\n    }\n  }\n': typeof types.CreateDeviceGroupDocument;
  '\n  mutation UpdateDeviceGroupMembers($input: UpdateDeviceGroupMembersInput!) {\n    updateDeviceGroupMembers(input: $input) {\n      id\n      devices {\n        id\n      }\n    }\n  }\n': typeof types.UpdateDeviceGroupMembersDocument;
  '\n  query AgentSettings($deviceGroupId: ID) {\n    agentSettings(deviceGroupId: $deviceGroupId) {\n      dailyRequestLimit\n      jitSectionVisible\n      requestSubmissionEnabled\n    }\n  }\n': typeof types.AgentSettingsDocument;
  '\n  mutation UpdateAgentSettings($input: UpdateAgentSettingsInput!) {\n    updateAgentSettings(input: $input) {\n      dailyRequestLimit\n      jitSectionVisible\n      requestSubmissionEnabled\n    }\n  }\n': typeof types.UpdateAgentSettingsDocument;
};
const documents: Documents = {
  '\n  fragment RequestRowFields on JitRequest {\n    id\n    name\n    userAccountName\n    status\n    durationType\n    durationSeconds\n    extensionSeconds\n    scheduledStartAt\n    internetAccessRequired\n    requesterKind\n    requestedBy\n    requestedAt\n    approvedBy\n    approvedAt\n    startedAt\n    endedAt\n    expiresAt\n    remainingSeconds\n    reasonByUser\n    reasonByAdmin\n    revokedBy\n    extensionRequested\n  }\n':
    types.RequestRowFieldsFragmentDoc,
  '\n  query LiveRequests(\n    $tab: LiveTab!\n    $search: String\n    $orderBy: JitRequestOrder\n    $first: Int\n    $after: String\n  ) {\n    liveRequests(tab: $tab, search: $search, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...RequestRowFields\n          devices {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n':
    types.LiveRequestsDocument,
  '\n  query PastRequests(\n    $search: String\n    $statuses: [JitStatus!]\n    $orderBy: JitRequestOrder\n    $first: Int\n    $after: String\n  ) {\n    pastRequests(\n      search: $search\n      statuses: $statuses\n      orderBy: $orderBy\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...RequestRowFields\n        }\n      }\n    }\n  }\n':
    types.PastRequestsDocument,
  '\n  query JitRequestDetails($id: ID!) {\n    jitRequest(id: $id) {\n      ...RequestRowFields\n      devices {\n        id\n        name\n        online\n        groups {\n          id\n          name\n        }\n      }\n      deviceSessions {\n        state\n        appliedAt\n        removedAt\n        failureReason\n        device {\n          id\n          name\n        }\n      }\n      auditTrail {\n        at\n        actor\n        action\n        details\n      }\n    }\n  }\n':
    types.JitRequestDetailsDocument,
  '\n  query TableColumns($table: RequestTable!) {\n    tableColumns(table: $table) {\n      key\n      label\n      sortable\n      sortField\n      defaultVisible\n    }\n  }\n':
    types.TableColumnsDocument,
  '\n  query Viewer {\n    viewer {\n      id\n      role\n    }\n  }\n': types.ViewerDocument,
  '\n  mutation CreateJitRequest($input: CreateJitRequestInput!) {\n    createJitRequest(input: $input) {\n      ...RequestRowFields\n      devices {\n        id\n        name\n      }\n      deviceSessions {\n        state\n        device {\n          id\n        }\n      }\n    }\n  }\n':
    types.CreateJitRequestDocument,
  '\n  mutation ApproveJitRequest($input: ApproveJitRequestInput!) {\n    approveJitRequest(input: $input) {\n      ...RequestRowFields\n      deviceSessions {\n        state\n        device {\n          id\n        }\n      }\n    }\n  }\n':
    types.ApproveJitRequestDocument,
  '\n  mutation DenyJitRequest($input: DenyJitRequestInput!) {\n    denyJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n':
    types.DenyJitRequestDocument,
  '\n  mutation ExtendJitRequest($input: ExtendJitRequestInput!) {\n    extendJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n':
    types.ExtendJitRequestDocument,
  '\n  mutation RevokeJitRequest($input: RevokeJitRequestInput!) {\n    revokeJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n':
    types.RevokeJitRequestDocument,
  '\n  mutation EnrollDevice($input: EnrollDeviceInput!) {\n    enrollDevice(input: $input) {\n      agentToken\n      device {\n        id\n        name\n        serialNumber\n        platform\n        online\n        tokenRevoked\n        groups {\n          id\n        }\n      }\n    }\n  }\n':
    types.EnrollDeviceDocument,
  '\n  query Devices($search: String, $first: Int, $after: String) {\n    devices(search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          serialNumber\n          groups {\n            name\n          }\n        }\n      }\n    }\n  }\n':
    types.DevicesDocument,
  '\n  mutation CreateDeviceGroup($input: CreateDeviceGroupInput!) {\n    createDeviceGroup(input: $input) {\n      id\n      name\n      devices {\n        id\n      }\n    }\n  }\n':
    types.CreateDeviceGroupDocument,
  '\n  mutation UpdateDeviceGroupMembers($input: UpdateDeviceGroupMembersInput!) {\n    updateDeviceGroupMembers(input: $input) {\n      id\n      devices {\n        id\n      }\n    }\n  }\n':
    types.UpdateDeviceGroupMembersDocument,
  '\n  query AgentSettings($deviceGroupId: ID) {\n    agentSettings(deviceGroupId: $deviceGroupId) {\n      dailyRequestLimit\n      jitSectionVisible\n      requestSubmissionEnabled\n    }\n  }\n':
    types.AgentSettingsDocument,
  '\n  mutation UpdateAgentSettings($input: UpdateAgentSettingsInput!) {\n    updateAgentSettings(input: $input) {\n      dailyRequestLimit\n      jitSectionVisible\n      requestSubmissionEnabled\n    }\n  }\n':
    types.UpdateAgentSettingsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment RequestRowFields on JitRequest {\n    id\n    name\n    userAccountName\n    status\n    durationType\n    durationSeconds\n    extensionSeconds\n    scheduledStartAt\n    internetAccessRequired\n    requesterKind\n    requestedBy\n    requestedAt\n    approvedBy\n    approvedAt\n    startedAt\n    endedAt\n    expiresAt\n    remainingSeconds\n    reasonByUser\n    reasonByAdmin\n    revokedBy\n    extensionRequested\n  }\n',
): (typeof documents)['\n  fragment RequestRowFields on JitRequest {\n    id\n    name\n    userAccountName\n    status\n    durationType\n    durationSeconds\n    extensionSeconds\n    scheduledStartAt\n    internetAccessRequired\n    requesterKind\n    requestedBy\n    requestedAt\n    approvedBy\n    approvedAt\n    startedAt\n    endedAt\n    expiresAt\n    remainingSeconds\n    reasonByUser\n    reasonByAdmin\n    revokedBy\n    extensionRequested\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query LiveRequests(\n    $tab: LiveTab!\n    $search: String\n    $orderBy: JitRequestOrder\n    $first: Int\n    $after: String\n  ) {\n    liveRequests(tab: $tab, search: $search, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...RequestRowFields\n          devices {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query LiveRequests(\n    $tab: LiveTab!\n    $search: String\n    $orderBy: JitRequestOrder\n    $first: Int\n    $after: String\n  ) {\n    liveRequests(tab: $tab, search: $search, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...RequestRowFields\n          devices {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query PastRequests(\n    $search: String\n    $statuses: [JitStatus!]\n    $orderBy: JitRequestOrder\n    $first: Int\n    $after: String\n  ) {\n    pastRequests(\n      search: $search\n      statuses: $statuses\n      orderBy: $orderBy\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...RequestRowFields\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query PastRequests(\n    $search: String\n    $statuses: [JitStatus!]\n    $orderBy: JitRequestOrder\n    $first: Int\n    $after: String\n  ) {\n    pastRequests(\n      search: $search\n      statuses: $statuses\n      orderBy: $orderBy\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...RequestRowFields\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query JitRequestDetails($id: ID!) {\n    jitRequest(id: $id) {\n      ...RequestRowFields\n      devices {\n        id\n        name\n        online\n        groups {\n          id\n          name\n        }\n      }\n      deviceSessions {\n        state\n        appliedAt\n        removedAt\n        failureReason\n        device {\n          id\n          name\n        }\n      }\n      auditTrail {\n        at\n        actor\n        action\n        details\n      }\n    }\n  }\n',
): (typeof documents)['\n  query JitRequestDetails($id: ID!) {\n    jitRequest(id: $id) {\n      ...RequestRowFields\n      devices {\n        id\n        name\n        online\n        groups {\n          id\n          name\n        }\n      }\n      deviceSessions {\n        state\n        appliedAt\n        removedAt\n        failureReason\n        device {\n          id\n          name\n        }\n      }\n      auditTrail {\n        at\n        actor\n        action\n        details\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query TableColumns($table: RequestTable!) {\n    tableColumns(table: $table) {\n      key\n      label\n      sortable\n      sortField\n      defaultVisible\n    }\n  }\n',
): (typeof documents)['\n  query TableColumns($table: RequestTable!) {\n    tableColumns(table: $table) {\n      key\n      label\n      sortable\n      sortField\n      defaultVisible\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Viewer {\n    viewer {\n      id\n      role\n    }\n  }\n',
): (typeof documents)['\n  query Viewer {\n    viewer {\n      id\n      role\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateJitRequest($input: CreateJitRequestInput!) {\n    createJitRequest(input: $input) {\n      ...RequestRowFields\n      devices {\n        id\n        name\n      }\n      deviceSessions {\n        state\n        device {\n          id\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateJitRequest($input: CreateJitRequestInput!) {\n    createJitRequest(input: $input) {\n      ...RequestRowFields\n      devices {\n        id\n        name\n      }\n      deviceSessions {\n        state\n        device {\n          id\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation ApproveJitRequest($input: ApproveJitRequestInput!) {\n    approveJitRequest(input: $input) {\n      ...RequestRowFields\n      deviceSessions {\n        state\n        device {\n          id\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation ApproveJitRequest($input: ApproveJitRequestInput!) {\n    approveJitRequest(input: $input) {\n      ...RequestRowFields\n      deviceSessions {\n        state\n        device {\n          id\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation DenyJitRequest($input: DenyJitRequestInput!) {\n    denyJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n',
): (typeof documents)['\n  mutation DenyJitRequest($input: DenyJitRequestInput!) {\n    denyJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation ExtendJitRequest($input: ExtendJitRequestInput!) {\n    extendJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n',
): (typeof documents)['\n  mutation ExtendJitRequest($input: ExtendJitRequestInput!) {\n    extendJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RevokeJitRequest($input: RevokeJitRequestInput!) {\n    revokeJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n',
): (typeof documents)['\n  mutation RevokeJitRequest($input: RevokeJitRequestInput!) {\n    revokeJitRequest(input: $input) {\n      ...RequestRowFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation EnrollDevice($input: EnrollDeviceInput!) {\n    enrollDevice(input: $input) {\n      agentToken\n      device {\n        id\n        name\n        serialNumber\n        platform\n        online\n        tokenRevoked\n        groups {\n          id\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation EnrollDevice($input: EnrollDeviceInput!) {\n    enrollDevice(input: $input) {\n      agentToken\n      device {\n        id\n        name\n        serialNumber\n        platform\n        online\n        tokenRevoked\n        groups {\n          id\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Devices($search: String, $first: Int, $after: String) {\n    devices(search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          serialNumber\n          groups {\n            name\n          }\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query Devices($search: String, $first: Int, $after: String) {\n    devices(search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          serialNumber\n          groups {\n            name\n          }\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateDeviceGroup($input: CreateDeviceGroupInput!) {\n    createDeviceGroup(input: $input) {\n      id\n      name\n      devices {\n        id\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateDeviceGroup($input: CreateDeviceGroupInput!) {\n    createDeviceGroup(input: $input) {\n      id\n      name\n      devices {\n        id\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateDeviceGroupMembers($input: UpdateDeviceGroupMembersInput!) {\n    updateDeviceGroupMembers(input: $input) {\n      id\n      devices {\n        id\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateDeviceGroupMembers($input: UpdateDeviceGroupMembersInput!) {\n    updateDeviceGroupMembers(input: $input) {\n      id\n      devices {\n        id\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query AgentSettings($deviceGroupId: ID) {\n    agentSettings(deviceGroupId: $deviceGroupId) {\n      dailyRequestLimit\n      jitSectionVisible\n      requestSubmissionEnabled\n    }\n  }\n',
): (typeof documents)['\n  query AgentSettings($deviceGroupId: ID) {\n    agentSettings(deviceGroupId: $deviceGroupId) {\n      dailyRequestLimit\n      jitSectionVisible\n      requestSubmissionEnabled\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateAgentSettings($input: UpdateAgentSettingsInput!) {\n    updateAgentSettings(input: $input) {\n      dailyRequestLimit\n      jitSectionVisible\n      requestSubmissionEnabled\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateAgentSettings($input: UpdateAgentSettingsInput!) {\n    updateAgentSettings(input: $input) {\n      dailyRequestLimit\n      jitSectionVisible\n      requestSubmissionEnabled\n    }\n  }\n'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
