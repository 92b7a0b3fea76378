import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** ISO 8601 with a date, a time and an explicit offset (`Z` or `+02:00`). */
const isoWithOffset =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

function invalidDateTime(value: unknown, reason: string): GraphQLError {
  return new GraphQLError(
    `DateTime '${String(value)}' is invalid: ${reason}, such as 2026-12-04T10:00:00Z or 2026-12-04T11:00:00+01:00.`,
    { extensions: { code: 'VALIDATION_FAILED' } },
  );
}

/** True when every part lies in its calendar range; `Date` would roll 31 February over instead. */
function isRealDateTime(parts: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = parts
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth &&
    hour! <= 23 &&
    minute! <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59
  );
}

function parseDateTime(value: unknown): Date {
  const parts = typeof value === 'string' ? isoWithOffset.exec(value) : null;
  if (!parts) throw invalidDateTime(value, 'use ISO 8601 with a UTC offset');
  if (!isRealDateTime(parts))
    throw invalidDateTime(value, 'it is not a real calendar date and time; use one');
  return new Date(value as string);
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
