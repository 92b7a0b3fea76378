import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

/** One session the agent holds, as saved between agent processes. */
const heldSessionSchema = z.object({
  deviceSessionId: z.string(),
  requestId: z.string(),
  userAccountName: z.string(),
  internetAccessRequired: z.boolean(),
  offlineRevokeAfterMs: z.number().nonnegative(),
  /** Deadline on the system monotonic clock (milliseconds since boot on Linux). */
  deadlineMonotonicMs: z.number(),
  /** Wall-clock deadline, used only to lower earlier after a sleep. */
  wallDeadlineMs: z.number(),
  /** `suspended`: lowered because the server was unreachable too long; the server may apply it again. */
  state: z.enum(['applied', 'suspended']),
});

export type HeldSession = z.infer<typeof heldSessionSchema>;

/** An account the agent lowered on its own, kept until the server's lower command for it arrives. */
const localLoweringSchema = z.object({
  deviceSessionId: z.string(),
  userAccountName: z.string(),
  reason: z.enum(['deadline', 'offline', 'reboot', 'unlisted']),
  atMonotonicMs: z.number(),
});

export type LocalLowering = z.infer<typeof localLoweringSchema>;

const stateFileSchema = z.object({
  version: z.literal(1),
  bootId: z.string(),
  savedAtMonotonicMs: z.number(),
  lastContactMonotonicMs: z.number().nullable(),
  excludedAccounts: z.array(z.string()),
  sessions: z.array(heldSessionSchema),
  localLowerings: z.array(localLoweringSchema),
});

export type AgentStateFile = z.infer<typeof stateFileSchema>;

export interface StateStore {
  load(): Promise<AgentStateFile | null>;
  save(state: AgentStateFile): Promise<void>;
}

export const stateFileName = 'agent-state.json';

/**
 * Keeps the agent's state in one JSON file, replaced atomically (write, then rename) so a crash
 * mid-write leaves the previous version. The file contains no credentials.
 */
export function createFileStateStore(stateDir: string): StateStore {
  const file = path.join(stateDir, stateFileName);
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const parsed = stateFileSchema.safeParse(JSON.parse(text));
      if (!parsed.success) {
        throw new Error(`State file ${file} is not valid agent state: ${parsed.error.message}`);
      }
      return parsed.data;
    },
    async save(state) {
      await mkdir(stateDir, { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
      await rename(temporary, file);
    },
  };
}

/** Creates a store that keeps the state in memory only, for agents started without --state-dir. */
export function createMemoryStateStore(): StateStore {
  let saved: AgentStateFile | null = null;
  return {
    load: async () => saved,
    save: async (state) => {
      saved = structuredClone(state);
    },
  };
}
