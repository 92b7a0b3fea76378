// Scalar columns of a Prisma model as SQL select items, for reads written in SQL that must return
// rows shaped like the Prisma client's.
import { getDatamodel } from '../generated/pothos-types.js';

/**
 * Returns each scalar and enum field of `model` with its SQL select item, qualified by `table`.
 * DateTime columns are stored as UTC without a zone, so they are read AT TIME ZONE 'UTC' because
 * node-postgres would otherwise take them as local time. Enums are read as their names.
 */
export function scalarColumnsSql(
  model: string,
  table: string,
  exclude: readonly string[] = [],
): Map<string, string> {
  const fields = getDatamodel().datamodel.models[model]?.fields ?? [];
  const columns = new Map<string, string>();
  for (const field of fields) {
    if ((field.kind !== 'scalar' && field.kind !== 'enum') || exclude.includes(field.name)) {
      continue;
    }
    const column = `${table}."${field.name}"`;
    if (field.type === 'DateTime') {
      columns.set(field.name, `${column} AT TIME ZONE 'UTC' AS "${field.name}"`);
    } else if (field.kind === 'enum') {
      columns.set(field.name, `${column}::text AS "${field.name}"`);
    } else {
      columns.set(field.name, column);
    }
  }
  return columns;
}
