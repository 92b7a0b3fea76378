import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AgentLogLine {
  msg: string;
  level: number;
  [field: string]: unknown;
}

/** Every agent started and not yet disposed, so a test file can clean up after a failure. */
const started = new Set<AgentProcess>();

/** Runs `node --import tsx agent/cli.ts ARGS` from the repository root and collects its output. */
export function runAgentCli(
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'agent/cli.ts', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent ${args[0]} did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * One `agent run` child process with the simulate driver and a state folder of its own. The
 * simulate driver keeps its administrators in that folder, so a test can read what the device holds.
 */
export class AgentProcess {
  readonly logs: AgentLogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  private constructor(
    readonly stateDir: string,
    args: string[],
    private readonly ownsStateDir: boolean,
  ) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', 'agent/cli.ts', 'run', '--state-dir', stateDir, ...args],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pending = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.parseLine(line);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    started.add(this);
  }

  /** Starts an agent; `stateDir` reuses the folder of an earlier process (a restart). */
  static async start(options: {
    server: string;
    token: string;
    args?: string[];
    stateDir?: string;
  }): Promise<AgentProcess> {
    const stateDir = options.stateDir ?? (await mkdtemp(path.join(os.tmpdir(), 'jit-agent-')));
    return new AgentProcess(
      stateDir,
      [
        '--server',
        options.server,
        '--token',
        options.token,
        '--driver',
        'simulate',
        '--reconnect-max-seconds',
        '1',
        ...(options.args ?? []),
      ],
      options.stateDir === undefined,
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Accounts the simulated device has as administrators now. */
  async elevatedAccounts(): Promise<string[]> {
    try {
      return JSON.parse(await readFile(path.join(this.stateDir, 'simulated-admins.json'), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  hasLog(msg: string, fields: Record<string, unknown> = {}): boolean {
    return this.logs.some(
      (line) =>
        line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value),
    );
  }

  countLogs(msg: string): number {
    return this.logs.filter((line) => line.msg === msg).length;
  }

  /** Sends a signal and waits for the exit; SIGKILL after the timeout. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  /** Stops the process and removes its state folder unless the test passed one in. */
  async dispose(): Promise<void> {
    started.delete(this);
    await this.stop('SIGKILL');
    if (this.ownsStateDir) await rm(this.stateDir, { recursive: true, force: true });
  }

  private parseLine(line: string): void {
    if (!line.trim()) return;
    try {
      this.logs.push(JSON.parse(line) as AgentLogLine);
    } catch {
      this.logs.push({ msg: line, level: 0 });
    }
  }
}

/** Kills every agent process started and not yet disposed, and removes the state folders they created. */
export async function disposeAgents(): Promise<void> {
  await Promise.all([...started].map((agent) => agent.dispose()));
}
