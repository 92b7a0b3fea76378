// Runs the server as a real child process, the way a replica runs in production.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const readyLine = /JIT admin server ready: (http:\/\/[^\s/]+)\/graphql/;
const outputLimit = 200_000;

export interface Replica {
  name: string;
  httpUrl: string;
  wsUrl: string;
  child: ChildProcess;
  /** Everything the process wrote so far, for failure messages. */
  output(): string;
  /** Ends the process with `signal` and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `src/main.ts` in a child process with `env` (PORT=0) and resolves once it listens.
 * Node loads tsx as a module hook (`node --import tsx`), so the replica is one process: a signal
 * reaches the server itself, with no tsx wrapper process in between.
 */
export async function startReplica(
  name: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Replica> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `jit-replica-${name}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputLimit);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const httpUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`replica ${name} did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onData = () => {
        const match = readyLine.exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match[1]!);
      };
      child.stdout.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`replica ${name} exited (${code ?? signal}) before listening`));
      });
    });
    return {
      name,
      httpUrl,
      wsUrl: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
      child,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
}
