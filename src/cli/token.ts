// Prints one console JWT and nothing else:
//   npm run --silent token -- --sub alice --role approver [--expires-in 12h]
import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from '../config.js';
import type { Role } from '../domain/context.js';
import { MissingSecretError, resolveJwtSecret, signConsoleToken } from '../tokens.js';

const roles: Role[] = ['admin', 'approver', 'auditor'];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      role: { type: 'string', default: 'admin' },
      'expires-in': { type: 'string', default: '12h' },
    },
  });
  if (!values.sub) {
    process.stderr.write(
      'Missing --sub: name the user the token is for, for example --sub alice.\n',
    );
    return 2;
  }
  if (!roles.includes(values.role as Role)) {
    process.stderr.write(`Invalid --role '${values.role}': use one of ${roles.join(', ')}.\n`);
    return 2;
  }
  const config = loadConfig();
  const { secret } = await resolveJwtSecret(config, { create: false });
  if (!secret) {
    process.stderr.write(
      'JWKS_URL is set, so tokens come from your identity provider; this command signs only HS256 tokens.\n',
    );
    return 2;
  }
  const token = await signConsoleToken(secret, {
    sub: values.sub,
    role: values.role as Role,
    expiresIn: values['expires-in'],
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
  process.stdout.write(token + '\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof MissingSecretError;
    process.stderr.write(`${known ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
