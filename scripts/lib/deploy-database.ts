/**
 * Checks of `database.json` against the collections the server code uses (deploy-collections.ts):
 * every used collection declared, each with permission 仅管理端可读写 (ADMINONLY — the mini program
 * never reads the database directly; the cloud functions are the only readers and writers) and
 * well-formed indexes. Pure: takes parsed data, returns problems, warnings and plan lines.
 */
import type { CollectionScan } from './deploy-collections';
import { type CollectionDecl, DatabaseSchema, type IndexDecl, parseWith } from './deploy-schema';

export const DATABASE_FILE = 'database.json';
export const REQUIRED_ACL = 'ADMINONLY';

export interface DatabaseCheck {
  problems: string[];
  warnings: string[];
  collections: CollectionDecl[];
  lines: string[];
}

export function checkDatabase(data: unknown, scan: CollectionScan): DatabaseCheck {
  const parsed = parseWith(DatabaseSchema, data, DATABASE_FILE);
  const out: DatabaseCheck = { problems: [], warnings: [], collections: [], lines: [] };
  for (const at of scan.unresolved) {
    out.problems.push(`collection name at ${at} is not a constant the deploy check can read: name it with a literal`);
  }
  if (!parsed.ok) {
    out.problems.push(...parsed.problems);
    return out;
  }
  out.collections = parsed.value.collections;
  const declared = new Map<string, CollectionDecl>();
  for (const c of parsed.value.collections) {
    if (declared.has(c.collectionName)) out.problems.push(`collection ${c.collectionName}: declared twice`);
    declared.set(c.collectionName, c);
    out.problems.push(...collectionProblems(c));
  }
  for (const [name, sites] of scan.used) {
    if (!declared.has(name)) {
      out.problems.push(
        `collection ${name}: used by the server (${sites.join(', ')}) but not declared in ${DATABASE_FILE}`,
      );
    }
  }
  for (const name of declared.keys()) {
    if (!scan.used.has(name))
      out.warnings.push(`collection ${name}: declared in ${DATABASE_FILE} but no function uses it`);
  }
  out.lines = databaseLines(parsed.value.collections);
  return out;
}

function collectionProblems(c: CollectionDecl): string[] {
  const problems: string[] = [];
  const name = `collection ${c.collectionName}`;
  if (c.aclTag !== REQUIRED_ACL) {
    problems.push(`${name}: aclTag ${c.aclTag}, but every collection is 仅管理端可读写 (${REQUIRED_ACL})`);
  }
  const names = new Set<string>();
  const shapes = new Set<string>();
  for (const ix of c.createIndexes) {
    if (names.has(ix.name)) problems.push(`${name}: index name ${ix.name} used twice`);
    names.add(ix.name);
    const shape = indexShape(ix);
    if (shapes.has(shape)) problems.push(`${name}: index ${ix.name} repeats the keys of another index`);
    shapes.add(shape);
    const fields = ix.keys.map((k) => k.name);
    if (new Set(fields).size !== fields.length) problems.push(`${name}: index ${ix.name} names a field twice`);
  }
  return problems;
}

function indexShape(ix: IndexDecl): string {
  return ix.keys.map((k) => `${k.name}:${k.direction}`).join(',');
}

/** `_openid, createdAtMs desc` */
export function describeIndex(ix: IndexDecl): string {
  const keys = ix.keys.map((k) => (k.direction === '-1' ? `${k.name} desc` : k.name)).join(', ');
  return `${ix.name} (${ix.unique ? 'unique: ' : ''}${keys})`;
}

function databaseLines(collections: readonly CollectionDecl[]): string[] {
  const width = Math.max(...collections.map((c) => c.collectionName.length));
  const lines = [`database (${DATABASE_FILE}): ${collections.length} collections`];
  for (const c of collections) {
    const acl = c.aclTag === REQUIRED_ACL ? `${c.aclTag} 仅管理端可读写` : c.aclTag;
    const none = c.createIndexes.length === 0 ? '  no index (read by _id only)' : '';
    lines.push(`  ${c.collectionName.padEnd(width)}  ${acl}${none}`);
    for (const ix of c.createIndexes) lines.push(`      index ${describeIndex(ix)}`);
  }
  return lines;
}
