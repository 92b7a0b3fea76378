// GraphQL Code Generator: typed documents for the schema tests. Reads the committed
// schema.graphql, so it runs offline and without a database (`npm run codegen`).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  // Only the suites that use typed documents, so plain query strings elsewhere are not scanned.
  documents: ['tests/schema/**/*.ts', 'tests/http/**/*.ts'],
  ignoreNoDocuments: true,
  generates: {
    'tests/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // NodeNext resolution needs the extension on every relative import.
        importExtension: '.js',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', ID: 'string' },
      },
    },
  },
  hooks: { afterAllFileWrite: ['prettier --write'] },
};

export default config;
