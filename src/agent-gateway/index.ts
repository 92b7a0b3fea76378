export { type AgentGateway, type AgentGatewayOptions, createAgentGateway } from './gateway.js';
export { agentPath } from './protocol.js';
