/** PostgreSQL error codes of transactions that lost a race and may simply run again. */
const retryableCodes = new Set(['40P01', '40001']);

/**
 * Tells whether an error, or any error in its cause chain, is a PostgreSQL deadlock or
 * serialization failure. Prisma reports raw-query failures with the database code in `meta.code`
 * and the driver adapter in `cause.originalCode`, so all of these are checked.
 */
export function isRetryableConflict(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const fields = current as {
      code?: unknown;
      originalCode?: unknown;
      meta?: { code?: unknown };
      message?: unknown;
      cause?: unknown;
    };
    const codes = [fields.code, fields.originalCode, fields.meta?.code];
    if (codes.some((code) => typeof code === 'string' && retryableCodes.has(code))) return true;
    if (
      typeof fields.message === 'string' &&
      /deadlock detected|could not serialize/.test(fields.message)
    ) {
      return true;
    }
    current = fields.cause;
  }
  return false;
}

/** Runs `work` again, up to `attempts` times in all, while it fails with a retryable conflict. */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryableConflict(error)) throw error;
    }
  }
}
