import { createHash, randomBytes } from 'node:crypto';

const tokenPrefix = 'jitd_';

/** Creates a new agent token: 32 random bytes, base64url, with a prefix that secret scanners can match. */
export function generateAgentToken(): string {
  return tokenPrefix + randomBytes(32).toString('base64url');
}

/** SHA-256 of a token, the only form stored. A fast hash suffices for 256-bit random tokens. */
export function hashAgentToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
