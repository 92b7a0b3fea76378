import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { schema } from '../../src/schema/index.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Pothos builds the schema with graphql's CommonJS build; vitest would hand this file the ESM
// build, whose functions reject a schema from the other build.
const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

describe('schema.graphql', () => {
  it('is current and prints without a database', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/print-schema.ts', '--stdout'],
      { cwd: root, env, timeout: 60_000 },
    );
    const committed = await readFile(path.join(root, 'schema.graphql'), 'utf8');
    expect(committed, 'schema.graphql is stale: run `npm run schema:print`').toBe(stdout);
    expect(stdout).toBe(`${graphql.printSchema(schema)}\n`);
  });
});

// The names consoles and integrations are written against. Anything may be added to the schema;
// nothing here may disappear or change type.
const publicContract = graphql.buildSchema(`
  scalar DateTime
  enum JitStatus { PENDING SCHEDULED ACTIVE COMPLETED DENIED REVOKED PRE_REVOKED EXPIRED FAILED }
  enum DurationType { FIXED SCHEDULED }
  enum RequesterKind { USER ADMIN }
  enum LiveTab { PENDING ACTIVE SCHEDULED }
  enum DeviceSessionState { WAITING APPLIED SUSPENDED REMOVED FAILED }
  interface Node { id: ID! }

  type JitRequest implements Node {
    id: ID!
    name: String!
    userAccountName: String!
    durationType: DurationType!
    durationSeconds: Int!
    scheduledStartAt: DateTime
    internetAccessRequired: Boolean!
    status: JitStatus!
    requesterKind: RequesterKind!
    requestedBy: String!
    requestedAt: DateTime!
    approvedBy: String
    approvedAt: DateTime
    startedAt: DateTime
    endedAt: DateTime
    expiresAt: DateTime
    remainingSeconds: Int
    reasonByUser: String
    reasonByAdmin: String
    revokedBy: String
    extensionRequested: Boolean!
    devices: [Device!]!
    deviceSessions: [DeviceSession!]!
    auditTrail: [AuditEvent!]!
  }
  type DeviceSession {
    device: Device!
    state: DeviceSessionState!
    appliedAt: DateTime
    removedAt: DateTime
    failureReason: String
  }
  type Device implements Node {
    id: ID!
    name: String!
    serialNumber: String
    platform: String!
    online: Boolean!
    lastSeenAt: DateTime
    groups: [DeviceGroup!]!
  }
  type DeviceGroup implements Node { id: ID! name: String! devices: [Device!]! }
  type AgentSettings {
    dailyRequestLimit: Int!
    jitSectionVisible: Boolean!
    requestSubmissionEnabled: Boolean!
  }
  type AuditEvent { at: DateTime! actor: String! action: String! }
  type EnrolledDevice { device: Device! agentToken: String! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type JitRequestEdge { cursor: String! node: JitRequest! }
  type JitRequestConnection { edges: [JitRequestEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type DeviceEdge { cursor: String! node: Device! }
  type DeviceConnection { edges: [DeviceEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type JitRequestChange { action: String! request: JitRequest! }

  input CreateJitRequestInput {
    name: String!
    userAccountName: String!
    durationType: DurationType!
    durationSeconds: Int!
    scheduledStartAt: DateTime
    internetAccessRequired: Boolean
    deviceIds: [ID!]
    deviceGroupIds: [ID!]
    reasonByAdmin: String
  }
  input ApproveJitRequestInput {
    id: ID!
    reasonByAdmin: String
    durationType: DurationType
    durationSeconds: Int
    scheduledStartAt: DateTime
  }
  input DenyJitRequestInput { id: ID! reasonByAdmin: String }
  input ExtendJitRequestInput { id: ID! additionalSeconds: Int! reasonByAdmin: String }
  input RevokeJitRequestInput { id: ID! reasonByAdmin: String }
  input EnrollDeviceInput { name: String! serialNumber: String platform: String! deviceGroupIds: [ID!] }
  input CreateDeviceGroupInput { name: String! deviceIds: [ID!] }
  input UpdateAgentSettingsInput {
    deviceGroupId: ID
    dailyRequestLimit: Int
    jitSectionVisible: Boolean
    requestSubmissionEnabled: Boolean
  }

  type Query {
    liveRequests(tab: LiveTab!, search: String, first: Int, after: String): JitRequestConnection!
    pastRequests(search: String, statuses: [JitStatus!], first: Int, after: String): JitRequestConnection!
    jitRequest(id: ID!): JitRequest
    devices(search: String, first: Int, after: String): DeviceConnection!
    deviceGroups: [DeviceGroup!]!
    agentSettings(deviceGroupId: ID): AgentSettings!
  }
  type Mutation {
    createJitRequest(input: CreateJitRequestInput!): JitRequest!
    approveJitRequest(input: ApproveJitRequestInput!): JitRequest!
    denyJitRequest(input: DenyJitRequestInput!): JitRequest!
    extendJitRequest(input: ExtendJitRequestInput!): JitRequest!
    revokeJitRequest(input: RevokeJitRequestInput!): JitRequest!
    enrollDevice(input: EnrollDeviceInput!): EnrolledDevice!
    createDeviceGroup(input: CreateDeviceGroupInput!): DeviceGroup!
    updateAgentSettings(input: UpdateAgentSettingsInput!): AgentSettings!
  }
  type Subscription {
    jitRequestRaised: JitRequest!
    jitRequestChanged(tabs: [LiveTab!], ids: [ID!]): JitRequestChange!
  }
`);

describe('public contract', () => {
  it('keeps every public name and type', () => {
    const breaking = graphql
      .findBreakingChanges(publicContract, schema)
      .map((change) => change.description);
    expect(breaking).toEqual([]);
  });
});
