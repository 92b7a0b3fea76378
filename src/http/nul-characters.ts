// PostgreSQL text cannot contain the NUL character (U+0000): a statement that binds one fails
// with "invalid byte sequence for encoding UTF8". Every string a GraphQL operation passes, in the
// document or in its variables, is checked before execution so that such input gets a
// VALIDATION_FAILED error naming the field instead of a database failure.
import { type DocumentNode, GraphQLError, Kind, type ValueNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const nul = '\u0000';

/**
 * Returns the name of the variable or input field whose value contains a string with NUL, or
 * null. A list reports the name of the field that contains it, as other input errors do.
 */
function findNulInValue(value: unknown, field: string): string | null {
  if (typeof value === 'string') return value.includes(nul) ? field : null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findNulInValue(item, field);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNulInValue(item, key);
      if (found) return found;
    }
  }
  return null;
}

/** Returns the name of the argument or input field whose literal contains NUL, or null. */
function findNulInDocument(document: DocumentNode): string | null {
  let found: string | null = null;
  const check = (name: string, value: ValueNode) => {
    if (found === null && value.kind === Kind.STRING && value.value.includes(nul)) found = name;
    if (found === null && value.kind === Kind.LIST) {
      for (const item of value.values) check(name, item);
    }
  };
  visit(document, {
    Argument(node) {
      check(node.name.value, node.value);
    },
    ObjectField(node) {
      check(node.name.value, node.value);
    },
  });
  return found;
}

function nulError(field: string): GraphQLError {
  return new GraphQLError(
    `${field} contains a NUL character (U+0000), which cannot be stored; remove it and retry.`,
    { extensions: { code: 'VALIDATION_FAILED', field, http: { status: 400 } } },
  );
}

/** Rejects an operation whose document or variables contain a string with a NUL character. */
export function useRejectNulCharacters(): Plugin {
  const check = (document: DocumentNode, variables: unknown) => {
    const field = findNulInDocument(document) ?? findNulInValue(variables ?? {}, 'variables');
    return field === null ? null : nulError(field);
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
