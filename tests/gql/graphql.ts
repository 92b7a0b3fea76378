/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> =
  T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Absent window fields keep what the requester asked for. */
export type ApproveJitRequestInput = {
  durationSeconds?: number | null | undefined;
  durationType?: DurationType | null | undefined;
  id: string;
  /** Note recorded with the action, up to 1000 characters. */
  reasonByAdmin?: string | null | undefined;
  scheduledStartAt?: string | null | undefined;
};

export type CreateDeviceGroupInput = {
  deviceIds?: Array<string> | null | undefined;
  name: string;
};

export type CreateJitRequestInput = {
  /** Target groups, resolved to their devices at start. */
  deviceGroupIds?: Array<string> | null | undefined;
  /** Target devices; name at least one device or group. */
  deviceIds?: Array<string> | null | undefined;
  /** Session length in seconds, within JIT_MIN_DURATION_SECONDS and JIT_MAX_DURATION_SECONDS. */
  durationSeconds: number;
  durationType: DurationType;
  internetAccessRequired?: boolean | null | undefined;
  /** JIT access name, 1 to 120 characters. */
  name: string;
  /** Note recorded with the action, up to 1000 characters. */
  reasonByAdmin?: string | null | undefined;
  /** Start of a SCHEDULED session, in the future; must be absent for FIXED. */
  scheduledStartAt?: string | null | undefined;
  /** Local account to elevate: 1 to 32 letters, digits, ".", "_" or "-", starting with a letter or "_". */
  userAccountName: string;
};

export type DenyJitRequestInput = {
  id: string;
  /** Note recorded with the action, up to 1000 characters. */
  reasonByAdmin?: string | null | undefined;
};

export type DeviceSessionState = 'APPLIED' | 'FAILED' | 'REMOVED' | 'SUSPENDED' | 'WAITING';

export type DurationType = 'FIXED' | 'SCHEDULED';

export type EnrollDeviceInput = {
  deviceGroupIds?: Array<string> | null | undefined;
  name: string;
  /** macos, linux or windows. */
  platform: string;
  serialNumber?: string | null | undefined;
};

export type ExtendJitRequestInput = {
  /** Seconds to add; duration plus all extensions may not pass JIT_MAX_DURATION_SECONDS. */
  additionalSeconds: number;
  id: string;
  /** Note recorded with the action, up to 1000 characters. */
  reasonByAdmin?: string | null | undefined;
};

export type JitRequestOrder = {
  direction?: SortDirection | null | undefined;
  field: JitRequestSortField;
};

/** Columns a request table can be sorted by. Ties are broken by id, so pages never overlap. Empty values sort last in both directions; STATUS and the other enums sort in declaration order. */
export type JitRequestSortField =
  | 'APPROVED_AT'
  | 'APPROVED_BY'
  | 'DURATION_SECONDS'
  | 'DURATION_TYPE'
  | 'ENDED_AT'
  | 'EXPIRES_AT'
  | 'EXTENSION_REQUESTED'
  | 'EXTENSION_SECONDS'
  | 'ID'
  | 'INTERNET_ACCESS_REQUIRED'
  | 'NAME'
  | 'REASON_BY_ADMIN'
  | 'REASON_BY_USER'
  | 'REMAINING_SECONDS'
  | 'REQUESTED_AT'
  | 'REQUESTED_BY'
  | 'REQUESTER_KIND'
  | 'REVOKED_BY'
  | 'SCHEDULED_START_AT'
  | 'STARTED_AT'
  | 'STATUS'
  | 'USER_ACCOUNT_NAME';

export type JitStatus =
  | 'ACTIVE'
  | 'COMPLETED'
  | 'DENIED'
  | 'EXPIRED'
  | 'FAILED'
  | 'PENDING'
  | 'PRE_REVOKED'
  | 'REVOKED'
  | 'SCHEDULED';

export type LiveTab = 'ACTIVE' | 'PENDING' | 'SCHEDULED';

/** The Live tables (PENDING, ACTIVE, SCHEDULED) and the Past table. */
export type RequestTable = 'ACTIVE' | 'PAST' | 'PENDING' | 'SCHEDULED';

export type RequesterKind = 'ADMIN' | 'USER';

export type RevokeJitRequestInput = {
  id: string;
  /** Note recorded with the action, up to 1000 characters. */
  reasonByAdmin?: string | null | undefined;
};

export type SortDirection = 'ASC' | 'DESC';

export type UpdateAgentSettingsInput = {
  /** Requests one user account may raise per day, 0 to 1000. */
  dailyRequestLimit?: number | null | undefined;
  /** Absent: the global default. */
  deviceGroupId?: string | null | undefined;
  jitSectionVisible?: boolean | null | undefined;
  requestSubmissionEnabled?: boolean | null | undefined;
};

export type UpdateDeviceGroupMembersInput = {
  addDeviceIds?: Array<string> | null | undefined;
  deviceGroupId: string;
  removeDeviceIds?: Array<string> | null | undefined;
};

export type RequestRowFieldsFragment = {
  id: string;
  name: string;
  userAccountName: string;
  status: JitStatus;
  durationType: DurationType;
  durationSeconds: number;
  extensionSeconds: number;
  scheduledStartAt: string | null;
  internetAccessRequired: boolean;
  requesterKind: RequesterKind;
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  expiresAt: string | null;
  remainingSeconds: number | null;
  reasonByUser: string | null;
  reasonByAdmin: string | null;
  revokedBy: string | null;
  extensionRequested: boolean;
};

export type LiveRequestsQueryVariables = Exact<{
  tab: LiveTab;
  search?: string | null | undefined;
  orderBy?: JitRequestOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type LiveRequestsQuery = {
  liveRequests: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      cursor: string;
      node: {
        id: string;
        name: string;
        userAccountName: string;
        status: JitStatus;
        durationType: DurationType;
        durationSeconds: number;
        extensionSeconds: number;
        scheduledStartAt: string | null;
        internetAccessRequired: boolean;
        requesterKind: RequesterKind;
        requestedBy: string;
        requestedAt: string;
        approvedBy: string | null;
        approvedAt: string | null;
        startedAt: string | null;
        endedAt: string | null;
        expiresAt: string | null;
        remainingSeconds: number | null;
        reasonByUser: string | null;
        reasonByAdmin: string | null;
        revokedBy: string | null;
        extensionRequested: boolean;
        devices: Array<{ id: string; name: string }>;
      };
    }>;
  };
};

export type PastRequestsQueryVariables = Exact<{
  search?: string | null | undefined;
  statuses?: Array<JitStatus> | JitStatus | null | undefined;
  orderBy?: JitRequestOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type PastRequestsQuery = {
  pastRequests: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      cursor: string;
      node: {
        id: string;
        name: string;
        userAccountName: string;
        status: JitStatus;
        durationType: DurationType;
        durationSeconds: number;
        extensionSeconds: number;
        scheduledStartAt: string | null;
        internetAccessRequired: boolean;
        requesterKind: RequesterKind;
        requestedBy: string;
        requestedAt: string;
        approvedBy: string | null;
        approvedAt: string | null;
        startedAt: string | null;
        endedAt: string | null;
        expiresAt: string | null;
        remainingSeconds: number | null;
        reasonByUser: string | null;
        reasonByAdmin: string | null;
        revokedBy: string | null;
        extensionRequested: boolean;
      };
    }>;
  };
};

export type JitRequestDetailsQueryVariables = Exact<{
  id: string;
}>;

export type JitRequestDetailsQuery = {
  jitRequest: {
    id: string;
    name: string;
    userAccountName: string;
    status: JitStatus;
    durationType: DurationType;
    durationSeconds: number;
    extensionSeconds: number;
    scheduledStartAt: string | null;
    internetAccessRequired: boolean;
    requesterKind: RequesterKind;
    requestedBy: string;
    requestedAt: string;
    approvedBy: string | null;
    approvedAt: string | null;
    startedAt: string | null;
    endedAt: string | null;
    expiresAt: string | null;
    remainingSeconds: number | null;
    reasonByUser: string | null;
    reasonByAdmin: string | null;
    revokedBy: string | null;
    extensionRequested: boolean;
    devices: Array<{
      id: string;
      name: string;
      online: boolean;
      groups: Array<{ id: string; name: string }>;
    }>;
    deviceSessions: Array<{
      state: DeviceSessionState;
      appliedAt: string | null;
      removedAt: string | null;
      failureReason: string | null;
      device: { id: string; name: string };
    }>;
    auditTrail: Array<{ at: string; actor: string; action: string; details: string | null }>;
  } | null;
};

export type TableColumnsQueryVariables = Exact<{
  table: RequestTable;
}>;

export type TableColumnsQuery = {
  tableColumns: Array<{
    key: string;
    label: string;
    sortable: boolean;
    sortField: JitRequestSortField | null;
    defaultVisible: boolean;
  }>;
};

export type ViewerQueryVariables = Exact<{ [key: string]: never }>;

export type ViewerQuery = { viewer: { id: string; role: string } };

export type CreateJitRequestMutationVariables = Exact<{
  input: CreateJitRequestInput;
}>;

export type CreateJitRequestMutation = {
  createJitRequest: {
    id: string;
    name: string;
    userAccountName: string;
    status: JitStatus;
    durationType: DurationType;
    durationSeconds: number;
    extensionSeconds: number;
    scheduledStartAt: string | null;
    internetAccessRequired: boolean;
    requesterKind: RequesterKind;
    requestedBy: string;
    requestedAt: string;
    approvedBy: string | null;
    approvedAt: string | null;
    startedAt: string | null;
    endedAt: string | null;
    expiresAt: string | null;
    remainingSeconds: number | null;
    reasonByUser: string | null;
    reasonByAdmin: string | null;
    revokedBy: string | null;
    extensionRequested: boolean;
    devices: Array<{ id: string; name: string }>;
    deviceSessions: Array<{ state: DeviceSessionState; device: { id: string } }>;
  };
};

export type ApproveJitRequestMutationVariables = Exact<{
  input: ApproveJitRequestInput;
}>;

export type ApproveJitRequestMutation = {
  approveJitRequest: {
    id: string;
    name: string;
    userAccountName: string;
    status: JitStatus;
    durationType: DurationType;
    durationSeconds: number;
    extensionSeconds: number;
    scheduledStartAt: string | null;
    internetAccessRequired: boolean;
    requesterKind: RequesterKind;
    requestedBy: string;
    requestedAt: string;
    approvedBy: string | null;
    approvedAt: string | null;
    startedAt: string | null;
    endedAt: string | null;
    expiresAt: string | null;
    remainingSeconds: number | null;
    reasonByUser: string | null;
    reasonByAdmin: string | null;
    revokedBy: string | null;
    extensionRequested: boolean;
    deviceSessions: Array<{ state: DeviceSessionState; device: { id: string } }>;
  };
};

export type DenyJitRequestMutationVariables = Exact<{
  input: DenyJitRequestInput;
}>;

export type DenyJitRequestMutation = {
  denyJitRequest: {
    id: string;
    name: string;
    userAccountName: string;
    status: JitStatus;
    durationType: DurationType;
    durationSeconds: number;
    extensionSeconds: number;
    scheduledStartAt: string | null;
    internetAccessRequired: boolean;
    requesterKind: RequesterKind;
    requestedBy: string;
    requestedAt: string;
    approvedBy: string | null;
    approvedAt: string | null;
    startedAt: string | null;
    endedAt: string | null;
    expiresAt: string | null;
    remainingSeconds: number | null;
    reasonByUser: string | null;
    reasonByAdmin: string | null;
    revokedBy: string | null;
    extensionRequested: boolean;
  };
};

export type ExtendJitRequestMutationVariables = Exact<{
  input: ExtendJitRequestInput;
}>;

export type ExtendJitRequestMutation = {
  extendJitRequest: {
    id: string;
    name: string;
    userAccountName: string;
    status: JitStatus;
    durationType: DurationType;
    durationSeconds: number;
    extensionSeconds: number;
    scheduledStartAt: string | null;
    internetAccessRequired: boolean;
    requesterKind: RequesterKind;
    requestedBy: string;
    requestedAt: string;
    approvedBy: string | null;
    approvedAt: string | null;
    startedAt: string | null;
    endedAt: string | null;
    expiresAt: string | null;
    remainingSeconds: number | null;
    reasonByUser: string | null;
    reasonByAdmin: string | null;
    revokedBy: string | null;
    extensionRequested: boolean;
  };
};

export type RevokeJitRequestMutationVariables = Exact<{
  input: RevokeJitRequestInput;
}>;

export type RevokeJitRequestMutation = {
  revokeJitRequest: {
    id: string;
    name: string;
    userAccountName: string;
    status: JitStatus;
    durationType: DurationType;
    durationSeconds: number;
    extensionSeconds: number;
    scheduledStartAt: string | null;
    internetAccessRequired: boolean;
    requesterKind: RequesterKind;
    requestedBy: string;
    requestedAt: string;
    approvedBy: string | null;
    approvedAt: string | null;
    startedAt: string | null;
    endedAt: string | null;
    expiresAt: string | null;
    remainingSeconds: number | null;
    reasonByUser: string | null;
    reasonByAdmin: string | null;
    revokedBy: string | null;
    extensionRequested: boolean;
  };
};

export type EnrollDeviceMutationVariables = Exact<{
  input: EnrollDeviceInput;
}>;

export type EnrollDeviceMutation = {
  enrollDevice: {
    agentToken: string;
    device: {
      id: string;
      name: string;
      serialNumber: string | null;
      platform: string;
      online: boolean;
      tokenRevoked: boolean;
      groups: Array<{ id: string }>;
    };
  };
};

export type DevicesQueryVariables = Exact<{
  search?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type DevicesQuery = {
  devices: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        name: string;
        serialNumber: string | null;
        groups: Array<{ name: string }>;
      };
    }>;
  };
};

export type CreateDeviceGroupMutationVariables = Exact<{
  input: CreateDeviceGroupInput;
}>;

export type CreateDeviceGroupMutation = {
  createDeviceGroup: { id: string; name: string; devices: Array<{ id: string }> };
};

export type UpdateDeviceGroupMembersMutationVariables = Exact<{
  input: UpdateDeviceGroupMembersInput;
}>;

export type UpdateDeviceGroupMembersMutation = {
  updateDeviceGroupMembers: { id: string; devices: Array<{ id: string }> };
};

export type AgentSettingsQueryVariables = Exact<{
  deviceGroupId?: string | null | undefined;
}>;

export type AgentSettingsQuery = {
  agentSettings: {
    dailyRequestLimit: number;
    jitSectionVisible: boolean;
    requestSubmissionEnabled: boolean;
  };
};

export type UpdateAgentSettingsMutationVariables = Exact<{
  input: UpdateAgentSettingsInput;
}>;

export type UpdateAgentSettingsMutation = {
  updateAgentSettings: {
    dailyRequestLimit: number;
    jitSectionVisible: boolean;
    requestSubmissionEnabled: boolean;
  };
};

export const RequestRowFieldsFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RequestRowFieldsFragment, unknown>;
export const LiveRequestsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'LiveRequests' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'tab' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'LiveTab' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'search' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'orderBy' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequestOrder' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'liveRequests' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'tab' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'tab' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'search' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'search' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'orderBy' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'orderBy' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'first' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'after' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'cursor' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            {
                              kind: 'FragmentSpread',
                              name: { kind: 'Name', value: 'RequestRowFields' },
                            },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'devices' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                                  { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<LiveRequestsQuery, LiveRequestsQueryVariables>;
export const PastRequestsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'PastRequests' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'search' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'statuses' } },
          type: {
            kind: 'ListType',
            type: {
              kind: 'NonNullType',
              type: { kind: 'NamedType', name: { kind: 'Name', value: 'JitStatus' } },
            },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'orderBy' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequestOrder' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'pastRequests' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'search' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'search' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'statuses' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'statuses' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'orderBy' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'orderBy' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'first' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'after' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'cursor' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            {
                              kind: 'FragmentSpread',
                              name: { kind: 'Name', value: 'RequestRowFields' },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PastRequestsQuery, PastRequestsQueryVariables>;
export const JitRequestDetailsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'JitRequestDetails' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'jitRequest' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'RequestRowFields' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'devices' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'online' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'groups' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'deviceSessions' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'appliedAt' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'removedAt' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'failureReason' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'device' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'auditTrail' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'at' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'actor' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'action' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'details' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<JitRequestDetailsQuery, JitRequestDetailsQueryVariables>;
export const TableColumnsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'TableColumns' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'table' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'RequestTable' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'tableColumns' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'table' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'table' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'key' } },
                { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                { kind: 'Field', name: { kind: 'Name', value: 'sortable' } },
                { kind: 'Field', name: { kind: 'Name', value: 'sortField' } },
                { kind: 'Field', name: { kind: 'Name', value: 'defaultVisible' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<TableColumnsQuery, TableColumnsQueryVariables>;
export const ViewerDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Viewer' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'viewer' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'role' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const CreateJitRequestDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CreateJitRequest' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateJitRequestInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createJitRequest' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'RequestRowFields' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'devices' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'deviceSessions' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'device' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateJitRequestMutation, CreateJitRequestMutationVariables>;
export const ApproveJitRequestDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ApproveJitRequest' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ApproveJitRequestInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'approveJitRequest' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'RequestRowFields' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'deviceSessions' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'device' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ApproveJitRequestMutation, ApproveJitRequestMutationVariables>;
export const DenyJitRequestDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'DenyJitRequest' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'DenyJitRequestInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'denyJitRequest' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'RequestRowFields' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DenyJitRequestMutation, DenyJitRequestMutationVariables>;
export const ExtendJitRequestDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ExtendJitRequest' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ExtendJitRequestInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'extendJitRequest' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'RequestRowFields' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ExtendJitRequestMutation, ExtendJitRequestMutationVariables>;
export const RevokeJitRequestDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'RevokeJitRequest' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'RevokeJitRequestInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'revokeJitRequest' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'RequestRowFields' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'RequestRowFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'JitRequest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'userAccountName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationType' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'scheduledStartAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'internetAccessRequired' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requesterKind' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'requestedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'approvedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'endedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'expiresAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remainingSeconds' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByUser' } },
          { kind: 'Field', name: { kind: 'Name', value: 'reasonByAdmin' } },
          { kind: 'Field', name: { kind: 'Name', value: 'revokedBy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'extensionRequested' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RevokeJitRequestMutation, RevokeJitRequestMutationVariables>;
export const EnrollDeviceDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'EnrollDevice' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'EnrollDeviceInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'enrollDevice' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'agentToken' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'device' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'serialNumber' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'platform' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'online' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'tokenRevoked' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'groups' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<EnrollDeviceMutation, EnrollDeviceMutationVariables>;
export const DevicesDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Devices' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'search' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'devices' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'search' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'search' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'first' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'after' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'serialNumber' } },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'groups' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DevicesQuery, DevicesQueryVariables>;
export const CreateDeviceGroupDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CreateDeviceGroup' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateDeviceGroupInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createDeviceGroup' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'devices' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateDeviceGroupMutation, CreateDeviceGroupMutationVariables>;
export const UpdateDeviceGroupMembersDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'UpdateDeviceGroupMembers' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: {
              kind: 'NamedType',
              name: { kind: 'Name', value: 'UpdateDeviceGroupMembersInput' },
            },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'updateDeviceGroupMembers' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'devices' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<
  UpdateDeviceGroupMembersMutation,
  UpdateDeviceGroupMembersMutationVariables
>;
export const AgentSettingsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'AgentSettings' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'deviceGroupId' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'agentSettings' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'deviceGroupId' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'deviceGroupId' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'dailyRequestLimit' } },
                { kind: 'Field', name: { kind: 'Name', value: 'jitSectionVisible' } },
                { kind: 'Field', name: { kind: 'Name', value: 'requestSubmissionEnabled' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AgentSettingsQuery, AgentSettingsQueryVariables>;
export const UpdateAgentSettingsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'UpdateAgentSettings' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'UpdateAgentSettingsInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'updateAgentSettings' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'dailyRequestLimit' } },
                { kind: 'Field', name: { kind: 'Name', value: 'jitSectionVisible' } },
                { kind: 'Field', name: { kind: 'Name', value: 'requestSubmissionEnabled' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UpdateAgentSettingsMutation, UpdateAgentSettingsMutationVariables>;
