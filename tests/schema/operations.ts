// Typed documents for the main operations, compiled by `npm run codegen` into tests/gql.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

import { graphql } from '../gql/index.js';
import type { GraphQLResult, TestApp } from '../helpers.js';

/** Sends a typed document through the test app; variables and result are checked by TypeScript. */
export function execute<Result, Variables>(
  test: TestApp,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  as?: Parameters<TestApp['gql']>[2],
): Promise<GraphQLResult<Result>> {
  return test.gql<Result>(print(document), variables as Record<string, unknown>, as);
}

export const RequestRowFields = graphql(`
  fragment RequestRowFields on JitRequest {
    id
    name
    userAccountName
    status
    durationType
    durationSeconds
    extensionSeconds
    scheduledStartAt
    internetAccessRequired
    requesterKind
    requestedBy
    requestedAt
    approvedBy
    approvedAt
    startedAt
    endedAt
    expiresAt
    remainingSeconds
    reasonByUser
    reasonByAdmin
    revokedBy
    extensionRequested
  }
`);

export const LiveRequestsQuery = graphql(`
  query LiveRequests(
    $tab: LiveTab!
    $search: String
    $orderBy: JitRequestOrder
    $first: Int
    $after: String
  ) {
    liveRequests(tab: $tab, search: $search, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...RequestRowFields
          devices {
            id
            name
          }
        }
      }
    }
  }
`);

export const PastRequestsQuery = graphql(`
  query PastRequests(
    $search: String
    $statuses: [JitStatus!]
    $orderBy: JitRequestOrder
    $first: Int
    $after: String
  ) {
    pastRequests(
      search: $search
      statuses: $statuses
      orderBy: $orderBy
      first: $first
      after: $after
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...RequestRowFields
        }
      }
    }
  }
`);

export const JitRequestDetailsQuery = graphql(`
  query JitRequestDetails($id: ID!) {
    jitRequest(id: $id) {
      ...RequestRowFields
      devices {
        id
        name
        online
        groups {
          id
          name
        }
      }
      deviceSessions {
        state
        appliedAt
        removedAt
        failureReason
        device {
          id
          name
        }
      }
      auditTrail {
        at
        actor
        action
        details
      }
    }
  }
`);

export const TableColumnsQuery = graphql(`
  query TableColumns($table: RequestTable!) {
    tableColumns(table: $table) {
      key
      label
      sortable
      sortField
      defaultVisible
    }
  }
`);

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      id
      role
    }
  }
`);

export const CreateJitRequestMutation = graphql(`
  mutation CreateJitRequest($input: CreateJitRequestInput!) {
    createJitRequest(input: $input) {
      ...RequestRowFields
      devices {
        id
        name
      }
      deviceSessions {
        state
        device {
          id
        }
      }
    }
  }
`);

export const ApproveJitRequestMutation = graphql(`
  mutation ApproveJitRequest($input: ApproveJitRequestInput!) {
    approveJitRequest(input: $input) {
      ...RequestRowFields
      deviceSessions {
        state
        device {
          id
        }
      }
    }
  }
`);

export const DenyJitRequestMutation = graphql(`
  mutation DenyJitRequest($input: DenyJitRequestInput!) {
    denyJitRequest(input: $input) {
      ...RequestRowFields
    }
  }
`);

export const ExtendJitRequestMutation = graphql(`
  mutation ExtendJitRequest($input: ExtendJitRequestInput!) {
    extendJitRequest(input: $input) {
      ...RequestRowFields
    }
  }
`);

export const RevokeJitRequestMutation = graphql(`
  mutation RevokeJitRequest($input: RevokeJitRequestInput!) {
    revokeJitRequest(input: $input) {
      ...RequestRowFields
    }
  }
`);

export const EnrollDeviceMutation = graphql(`
  mutation EnrollDevice($input: EnrollDeviceInput!) {
    enrollDevice(input: $input) {
      agentToken
      device {
        id
        name
        serialNumber
        platform
        online
        tokenRevoked
        groups {
          id
        }
      }
    }
  }
`);

export const DevicesQuery = graphql(`
  query Devices($search: String, $first: Int, $after: String) {
    devices(search: $search, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          serialNumber
          groups {
            name
          }
        }
      }
    }
  }
`);

export const CreateDeviceGroupMutation = graphql(`
  mutation CreateDeviceGroup($input: CreateDeviceGroupInput!) {
    createDeviceGroup(input: $input) {
      id
      name
      devices {
        id
      }
    }
  }
`);

export const UpdateDeviceGroupMembersMutation = graphql(`
  mutation UpdateDeviceGroupMembers($input: UpdateDeviceGroupMembersInput!) {
    updateDeviceGroupMembers(input: $input) {
      id
      devices {
        id
      }
    }
  }
`);

export const AgentSettingsQuery = graphql(`
  query AgentSettings($deviceGroupId: ID) {
    agentSettings(deviceGroupId: $deviceGroupId) {
      dailyRequestLimit
      jitSectionVisible
      requestSubmissionEnabled
    }
  }
`);

export const UpdateAgentSettingsMutation = graphql(`
  mutation UpdateAgentSettings($input: UpdateAgentSettingsInput!) {
    updateAgentSettings(input: $input) {
      dailyRequestLimit
      jitSectionVisible
      requestSubmissionEnabled
    }
  }
`);
