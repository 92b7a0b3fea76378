import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { SignJWT } from 'jose';

import type { Config } from './config.js';
import type { Role } from './domain/context.js';

const devSecretFile = 'jwt-secret';

/** Raised when the development secret is needed but was never generated. */
export class MissingSecretError extends Error {}

/**
 * Returns the HS256 secret for console tokens: JWT_SECRET when set, otherwise a secret generated
 * once into DATA_DIR (mode 0600) and reused on later starts. Null when JWKS_URL is used instead.
 * With `create: false` a missing secret file is an error instead of a new secret, because a
 * token signed with a fresh secret would not be accepted by the server that uses the old one.
 */
export async function resolveJwtSecret(
  config: Config,
  options: { create?: boolean } = {},
): Promise<{ secret: string | null; generated: boolean }> {
  if (config.auth.jwtSecret) return { secret: config.auth.jwtSecret, generated: false };
  if (config.auth.jwksUrl) return { secret: null, generated: false };
  const file = path.resolve(config.database.dataDir, devSecretFile);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return { secret: existing, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (options.create === false) {
    throw new MissingSecretError(
      `No development secret in ${file}: start the server once with this DATA_DIR (${config.database.dataDir}), or set DATA_DIR or JWT_SECRET to the server's.`,
    );
  }
  const secret = randomBytes(48).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, secret + '\n', { mode: 0o600, flag: 'w' });
  return { secret, generated: true };
}

export interface TokenOptions {
  sub: string;
  role: Role;
  /** Lifetime, in a form jose accepts ('12h', '30d'); default 12 hours. */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/** Signs a console JWT with HS256. */
export async function signConsoleToken(secret: string, options: TokenOptions): Promise<string> {
  let jwt = new SignJWT({ role: options.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
