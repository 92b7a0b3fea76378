// Reference agent: `run` keeps a device connected and applies its sessions; `raise` and `extend`
// send a device user's request. See agent/README.md for the options and the offline behaviour.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { pino } from 'pino';

import { agentRaiseSchema, agentRequestExtensionSchema } from '../src/agent-gateway/protocol.js';
import { AgentConnection } from './connection.js';
import { type DeviceRequestOutcome, sendDeviceRequest } from './device-request.js';
import { createDriver, driverNames, isDriverName } from './drivers/index.js';
import { simulatedAdminsFileName } from './drivers/simulate.js';
import { systemMonotonicClock } from './monotonic-clock.js';
import { SessionKeeper } from './session-keeper.js';
import { createFileStateStore, createMemoryStateStore } from './state-store.js';

const agentVersion = '0.1.0';

/** A mistake in the command line: printed with the usage hint, exit code 2. */
class UsageError extends Error {}

const usage = `Usage:
  agent run   --server URL (--token TOKEN | --token-file FILE) [--driver ${driverNames.join('|')}]
              [--state-dir DIR] [--admin-group GROUP] [--simulate-missing-accounts A,B]
              [--reconnect-max-seconds N] [--log-level LEVEL]
  agent raise --server URL (--token TOKEN | --token-file FILE) --user NAME --duration SECONDS
              --reason TEXT [--name NAME] [--start ISO-8601] [--internet-access-required]
  agent extend --server URL (--token TOKEN | --token-file FILE) (--request ID | --user NAME)
              --seconds SECONDS --reason TEXT

run     connects to URL/agent and applies the device's sessions until SIGINT or SIGTERM.
raise   asks for a new request for a local account; prints the request id.
extend  asks for more time on an ACTIVE request of this device; prints the request id.`;

const options = {
  server: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  driver: { type: 'string', default: 'simulate' },
  'state-dir': { type: 'string' },
  'admin-group': { type: 'string' },
  'simulate-missing-accounts': { type: 'string' },
  'reconnect-max-seconds': { type: 'string', default: '30' },
  'log-level': { type: 'string', default: 'info' },
  user: { type: 'string' },
  duration: { type: 'string' },
  reason: { type: 'string' },
  name: { type: 'string' },
  start: { type: 'string' },
  'internet-access-required': { type: 'boolean', default: false },
  request: { type: 'string' },
  seconds: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof options; allowPositionals: true }>
>['values'];

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  if (positionals.length > 1) throw new UsageError(`Unexpected argument '${positionals[1]}'.`);
  switch (command) {
    case 'run':
      return runAgent(values);
    case 'raise':
      return raise(values);
    case 'extend':
      return extend(values);
    default:
      throw new UsageError(`Unknown command '${command}'; use run, raise or extend.`);
  }
}

function requireOption(values: Values, name: keyof Values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`--${name} is required.`);
  return value;
}

function positiveSeconds(values: Values, name: 'duration' | 'seconds' | 'reconnect-max-seconds') {
  const text = requireOption(values, name);
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new UsageError(`--${name} must be a positive whole number of seconds, not '${text}'.`);
  }
  return seconds;
}

/** Reads the agent token from --token, or from the first line of --token-file, which keeps it out of ps. */
function readToken(values: Values): string {
  if (values.token && values['token-file']) {
    throw new UsageError('Give either --token or --token-file, not both.');
  }
  if (values['token-file']) {
    const token = readFileSync(values['token-file'], 'utf8').split('\n')[0]?.trim() ?? '';
    if (!token) throw new UsageError(`Token file ${values['token-file']} is empty.`);
    return token;
  }
  return requireOption(values, 'token');
}

function serverUrl(values: Values): string {
  const url = requireOption(values, 'server');
  if (!/^(https?|wss?):\/\//.test(url)) {
    throw new UsageError(`--server must be an http:// or https:// URL, not '${url}'.`);
  }
  return url;
}

async function runAgent(values: Values): Promise<number> {
  const server = serverUrl(values);
  const token = readToken(values);
  const driverName = values.driver ?? 'simulate';
  if (!isDriverName(driverName)) {
    throw new UsageError(`--driver must be one of ${driverNames.join(', ')}, not '${driverName}'.`);
  }
  const stateDir = values['state-dir'] ? path.resolve(values['state-dir']) : undefined;
  const log = pino({
    level: values['log-level'] ?? 'info',
    base: { service: 'jit-agent' },
    redact: { paths: ['token', 'authorization'], censor: '[redacted]' },
  });
  const driver = createDriver(driverName, {
    adminGroup: values['admin-group'],
    missingAccounts: values['simulate-missing-accounts']?.split(',').map((name) => name.trim()),
    simulateStateFile: stateDir ? path.join(stateDir, simulatedAdminsFileName) : undefined,
  });
  const keeper = new SessionKeeper({
    driver,
    clock: systemMonotonicClock,
    store: stateDir ? createFileStateStore(stateDir) : createMemoryStateStore(),
    log,
    onElevatedAccountsChanged: () => connection.reportElevatedAccounts(),
  });

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const connection = new AgentConnection({
    serverUrl: server,
    token,
    keeper,
    driver,
    log,
    agentVersion,
    platform: driverName === 'simulate' ? process.platform : driverName,
    maxReconnectDelayMs: positiveSeconds(values, 'reconnect-max-seconds') * 1000,
    onFatal: (reason, message) => {
      log.error({ reason }, message);
      void shutdown(reason === 'token-rejected', 1);
    },
  });

  let stopping = false;
  // Without a state file nothing would lower the held accounts after exit, so they go first.
  const shutdown = async (lowerHeld: boolean, code: number) => {
    if (stopping) return;
    stopping = true;
    log.info({ code }, 'agent stopping');
    await connection.stop();
    if (lowerHeld || !stateDir) await keeper.lowerAll();
    await keeper.stop();
    log.info('agent stopped');
    finish(code);
  };
  process.once('SIGINT', () => void shutdown(false, 0));
  process.once('SIGTERM', () => void shutdown(false, 0));

  await keeper.start();
  log.info({ server, driver: driverName, stateDir: stateDir ?? null }, 'agent started');
  connection.start();
  return finished;
}

async function raise(values: Values): Promise<number> {
  const start = values.start;
  if (start !== undefined && Number.isNaN(Date.parse(start))) {
    throw new UsageError(
      `--start must be an ISO 8601 date-time such as 2030-01-31T09:00:00Z, not '${start}'.`,
    );
  }
  const message = {
    v: 1 as const,
    type: 'agent.raise' as const,
    userAccountName: requireOption(values, 'user'),
    durationSeconds: positiveSeconds(values, 'duration'),
    reason: requireOption(values, 'reason'),
    ...(values.name !== undefined && { name: values.name }),
    ...(start !== undefined && { scheduledStartAt: new Date(start).toISOString() }),
    ...(values['internet-access-required'] && { internetAccessRequired: true }),
  };
  requireValid(agentRaiseSchema.safeParse({ ...message, id: 'local-check' }));
  const outcome = await sendDeviceRequest({
    serverUrl: serverUrl(values),
    token: readToken(values),
    message,
  });
  return printOutcome(outcome);
}

async function extend(values: Values): Promise<number> {
  if (!values.request && !values.user) throw new UsageError('--request or --user is required.');
  const message = {
    v: 1 as const,
    type: 'agent.request-extension' as const,
    ...(values.request !== undefined && { requestId: values.request }),
    ...(values.user !== undefined && { userAccountName: values.user }),
    additionalSeconds: positiveSeconds(values, 'seconds'),
    reason: requireOption(values, 'reason'),
  };
  requireValid(agentRequestExtensionSchema.safeParse({ ...message, id: 'local-check' }));
  const outcome = await sendDeviceRequest({
    serverUrl: serverUrl(values),
    token: readToken(values),
    message,
  });
  return printOutcome(outcome);
}

function requireValid(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  if (result.success) return;
  const issue = result.error?.issues[0];
  throw new UsageError(
    `Invalid ${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'rejected'}.`,
  );
}

/** Prints the request id on stdout, or the error code and message on stderr. */
function printOutcome(outcome: DeviceRequestOutcome): number {
  if (outcome.ok) {
    process.stdout.write(`${outcome.requestId}\n`);
    return 0;
  }
  const field = outcome.field ? ` (${outcome.field})` : '';
  process.stderr.write(`${outcome.code}${field}: ${outcome.message}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(
        `USAGE: ${(error as Error).message}\nRun with --help for the options.\n`,
      );
      process.exit(2);
    }
    process.stderr.write(`ERROR: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
