/**
 * Compares a migrated database with prisma/schema.prisma: tables, columns, types, nullability,
 * primary keys, unique constraints and foreign keys. Prisma Migrate would catch drift between the
 * two; since we apply migrations ourselves (see migrate.ts), this check stands in for it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import pg from 'pg';
import { schemaPath as defaultSchemaPath } from './paths.js';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: Array<{ name: string }>;
}
interface Datamodel {
  models: DmmfModel[];
  enums: Array<{ name: string; values: Array<{ name: string }> }>;
  indexes: DmmfIndex[];
}

async function loadDatamodel(schemaPath: string): Promise<Datamodel> {
  // The schema parser ships as CommonJS with a WASM module beside it.
  const wasm = createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as {
    get_dmmf(p: string): string;
  };
  const schema = await readFile(schemaPath, 'utf8');
  return (
    JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as {
      datamodel: Datamodel;
    }
  ).datamodel;
}

/** Postgres `udt_name` a Prisma field is stored as. */
function expectedUdt(f: DmmfField): string {
  const native = f.nativeType?.[0];
  let t: string;
  if (f.kind === 'enum') t = f.type;
  else if (f.type === 'String') t = native === 'Uuid' ? 'uuid' : 'text';
  else if (f.type === 'Int') t = 'int4';
  else if (f.type === 'BigInt') t = 'int8';
  else if (f.type === 'Boolean') t = 'bool';
  else if (f.type === 'DateTime') t = native === 'Timestamptz' ? 'timestamptz' : 'timestamp';
  else if (f.type === 'Json') t = native === 'Json' ? 'json' : 'jsonb';
  else if (f.type === 'Float') t = 'float8';
  else if (f.type === 'Decimal') t = 'numeric';
  else if (f.type === 'Bytes') t = 'bytea';
  else t = f.type.toLowerCase();
  return f.isList ? `_${t}` : t;
}

const key = (cols: string[]) => cols.join(',');

export async function checkSchemaMatchesDatabase(
  databaseUrl: string,
  schemaPath = defaultSchemaPath,
): Promise<string[]> {
  const dm = await loadDatamodel(schemaPath);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columns = await client.query<{
      table_name: string;
      column_name: string;
      udt_name: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    const constraints = await client.query<{
      table_name: string;
      contype: string;
      cols: string[];
      ref_table: string | null;
    }>(
      `SELECT c.conrelid::regclass::text AS table_name, c.contype,
              array_agg(a.attname ORDER BY k.ord)::text[] AS cols, c.confrelid::regclass::text AS ref_table
       FROM pg_constraint c
       CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'f', 'u')
       GROUP BY c.oid, c.conrelid, c.contype, c.confrelid`,
    );
    const uniqueIndexes = await client.query<{ table_name: string; cols: string[] }>(
      `SELECT t.relname AS table_name, array_agg(a.attname ORDER BY k.ord)::text[] AS cols
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE n.nspname = current_schema() AND i.indisunique AND NOT i.indisprimary
       GROUP BY i.indexrelid, t.relname`,
    );
    const enums = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = current_schema() GROUP BY t.typname`,
    );

    const problems: string[] = [];
    const dbTables = new Map<string, Map<string, { udt: string; nullable: boolean }>>();
    for (const c of columns.rows) {
      if (!dbTables.has(c.table_name)) dbTables.set(c.table_name, new Map());
      dbTables.get(c.table_name)!.set(c.column_name, { udt: c.udt_name, nullable: c.is_nullable === 'YES' });
    }
    const dbEnums = new Map(enums.rows.map((e) => [e.typname, e.labels]));
    for (const e of dm.enums) {
      const labels = dbEnums.get(e.name);
      const want = e.values.map((v) => v.name);
      if (!labels) problems.push(`enum ${e.name} is missing`);
      else if (key(labels) !== key(want))
        problems.push(`enum ${e.name} has ${key(labels)}, schema says ${key(want)}`);
    }

    const models = new Map(dm.models.map((m) => [m.name, m]));
    const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
    const colOf = (m: DmmfModel, field: string) => {
      const f = m.fields.find((x) => x.name === field);
      return f?.dbName ?? field;
    };
    const constraintSet = (table: string, type: string) =>
      new Set(
        constraints.rows
          .filter((c) => c.table_name.replace(/"/g, '') === table && c.contype === type)
          .map((c) => key(c.cols)),
      );

    for (const m of dm.models) {
      const table = tableOf(m);
      const dbCols = dbTables.get(table);
      if (!dbCols) {
        problems.push(`table ${table} (model ${m.name}) is missing`);
        continue;
      }
      const wantCols = new Set<string>();
      for (const f of m.fields) {
        if (f.kind === 'object') continue;
        const col = f.dbName ?? f.name;
        wantCols.add(col);
        const c = dbCols.get(col);
        if (!c) {
          problems.push(`column ${table}.${col} (${m.name}.${f.name}) is missing`);
          continue;
        }
        if (c.udt !== expectedUdt(f))
          problems.push(`column ${table}.${col} is ${c.udt}, schema says ${expectedUdt(f)}`);
        // Prisma creates scalar lists as nullable columns.
        const nullable = f.isList || !f.isRequired;
        if (c.nullable !== nullable)
          problems.push(
            `column ${table}.${col} is ${c.nullable ? 'nullable' : 'NOT NULL'}, schema says ${nullable ? 'optional' : 'required'}`,
          );
      }
      for (const col of dbCols.keys())
        if (!wantCols.has(col))
          problems.push(`column ${table}.${col} is in the database but not in schema.prisma`);

      const uniques = new Set([
        ...constraintSet(table, 'u'),
        ...uniqueIndexes.rows.filter((u) => u.table_name === table).map((u) => key(u.cols)),
      ]);
      for (const idx of dm.indexes.filter((i) => i.model === m.name)) {
        const cols = key(idx.fields.map((f) => colOf(m, f.name)));
        if (idx.type === 'id' && !constraintSet(table, 'p').has(cols))
          problems.push(`table ${table} lacks primary key (${cols})`);
        if (idx.type === 'unique' && !uniques.has(cols))
          problems.push(`table ${table} lacks unique (${cols})`);
      }
      const fks = constraints.rows.filter(
        (c) => c.table_name.replace(/"/g, '') === table && c.contype === 'f',
      );
      for (const f of m.fields) {
        if (f.kind !== 'object' || !f.relationFromFields?.length) continue;
        const target = models.get(f.type)!;
        const cols = key(f.relationFromFields.map((n) => colOf(m, n)));
        const found = fks.some(
          (fk) => key(fk.cols) === cols && fk.ref_table?.replace(/"/g, '') === tableOf(target),
        );
        if (!found) problems.push(`table ${table} lacks foreign key (${cols}) -> ${tableOf(target)}`);
      }
    }
    const known = new Set(dm.models.map(tableOf));
    for (const t of dbTables.keys())
      if (!known.has(t)) problems.push(`table ${t} is in the database but not in schema.prisma`);
    return problems;
  } finally {
    await client.end();
  }
}
