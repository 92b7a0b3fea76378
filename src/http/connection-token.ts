import type { ExtractTokenFunction } from '@graphql-yoga/plugin-jwt';
import { GraphQLError } from 'graphql';

/**
 * Reads the token from an `Authorization: Bearer <JWT>` header; the scheme is case-insensitive
 * (RFC 7235). A header with another scheme or without a token is rejected as UNAUTHENTICATED
 * (HTTP 401), the same as an invalid token.
 */
export const extractBearerHeader: ExtractTokenFunction = ({ request }) => {
  // graphql-ws builds its context without a request, because its token is in the connection params.
  const header = (request as Request | undefined)?.headers.get('authorization') ?? null;
  if (header === null) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header.trim());
  if (match) return { prefix: 'Bearer', token: match[1]! };
  const scheme = /^\S+/.exec(header.trim())?.[0];
  let problem = 'The Authorization header has no token.';
  if (scheme !== undefined && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(scheme)) {
    problem = 'The Authorization header has a token but no scheme.';
  } else if (scheme !== undefined && !/^Bearer$/i.test(scheme)) {
    problem = `The Authorization header uses the scheme '${scheme.slice(0, 20)}'.`;
  }
  throw new GraphQLError(`${problem} Send Authorization: Bearer <JWT> with a console token.`, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
    },
  });
};

/**
 * Reads the token from graphql-ws connection_init params: `{ authorization: 'Bearer <JWT>' }`,
 * or `{ token: '<JWT>' }` for clients that cannot add the prefix.
 */
export const extractFromConnectionAuthorization: ExtractTokenFunction = ({ serverContext }) => {
  const params = (serverContext as { connectionParams?: Record<string, unknown> } | undefined)
    ?.connectionParams;
  if (!params || typeof params !== 'object') return undefined;
  const header = params.authorization ?? params.Authorization;
  if (typeof header === 'string' && /^Bearer\s+\S+$/i.test(header)) {
    return { prefix: 'Bearer', token: header.replace(/^Bearer\s+/i, '') };
  }
  if (typeof params.token === 'string' && params.token) return { token: params.token };
  return undefined;
};
