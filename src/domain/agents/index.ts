export {
  type AcknowledgementInput,
  type AcknowledgementItem,
  type AcknowledgementItemResult,
  type AcknowledgementOutcome,
  type AcknowledgementResult,
  acknowledgeCommand,
  acknowledgeCommands,
  type AgentDevice,
} from './acknowledgements.js';
export { findDevicesByTokenHashes } from './authentication.js';
export type { LowerReason } from './commands.js';
export {
  type DesiredState,
  type HeldSession,
  loadDesiredState,
  loadDesiredStates,
  markCommandsSent,
  type PendingLower,
} from './desired-state.js';
export { reportElevatedAccounts } from './drift.js';
export { loadEffectiveSettings } from './effective-settings.js';
export { findInvalidAgentTokens, markDevicesOffline, markDevicesOnline } from './presence.js';
export { type RaiseRequestInput, raiseRequestFromDevice } from './raise-request.js';
export { type RequestExtensionInput, requestExtensionFromDevice } from './request-extension.js';
