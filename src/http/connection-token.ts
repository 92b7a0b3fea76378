import type { ExtractTokenFunction } from '@graphql-yoga/plugin-jwt';

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
