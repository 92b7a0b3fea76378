// Prints the GraphQL schema built by src/schema into schema.graphql, or to stdout with --stdout.
// Building the schema needs no database: Pothos reads the Prisma client only from the context of
// an operation, and none runs here.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { printSchema } from 'graphql';

import { schema } from '../src/schema/index.js';

const schemaFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema.graphql');
const sdl = `${printSchema(schema)}\n`;

if (process.argv.includes('--stdout')) {
  process.stdout.write(sdl);
} else {
  await writeFile(schemaFile, sdl);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), schemaFile)}\n`);
}
