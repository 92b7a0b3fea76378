// Prints the GraphQL schema built by src/schema to schema.graphql (or to stdout with --stdout).
// Building the schema needs no database: Pothos reads the Prisma client only from the context of
// an operation, and none runs here.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { printSchema } from 'graphql';

import { schema } from '../src/schema/index.js';

/** Path of the committed schema file, at the repository root. */
export const schemaFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../schema.graphql',
);

/** The schema as SDL, as schema.graphql holds it. */
export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}

async function main(): Promise<void> {
  if (process.argv.includes('--stdout')) {
    process.stdout.write(printedSchema());
    return;
  }
  await writeFile(schemaFile, printedSchema());
  process.stdout.write(`Wrote ${path.relative(process.cwd(), schemaFile)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
