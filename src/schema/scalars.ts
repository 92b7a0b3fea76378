import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** ISO 8601 with a date, a time and an explicit offset (`Z` or `+02:00`). */
const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !isoWithOffset.test(value)) {
    throw new GraphQLError(
      `DateTime '${String(value)}' is invalid: use ISO 8601 with a UTC offset, such as 2026-12-04T10:00:00Z or 2026-12-04T11:00:00+01:00.`,
      { extensions: { code: 'VALIDATION_FAILED' } },
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`DateTime '${value}' is not a real calendar date.`, {
      extensions: { code: 'VALIDATION_FAILED' },
    });
  }
  return date;
}

/** DateTime scalar: accepts ISO 8601 strings that carry an offset, returns UTC (`…Z`). */
export const DateTimeResolver = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO 8601 date-time with a UTC offset; always returned in UTC.',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(String(value));
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('DateTime must be given as a string.', {
        extensions: { code: 'VALIDATION_FAILED' },
      });
    }
    return parseDateTime(ast.value);
  },
});
