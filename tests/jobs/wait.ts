/**
 * Calls `probe` every `intervalMs` until it returns a value other than null or undefined, and
 * returns that value. Throws, naming `what`, once `timeoutMs` has passed.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined>,
  { timeoutMs, intervalMs = 100 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Milliseconds from now until `date`, never negative. */
export function msUntil(date: Date): number {
  return Math.max(0, date.getTime() - Date.now());
}
