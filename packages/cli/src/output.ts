/** What the commands print: a table for people, or the server's answer as JSON or YAML. */
import { stringify } from 'yaml';
import type { ManifestProblem } from '@apim/manifests';
import type { Admin } from '@apim/rest-contract';

export type Format = 'table' | 'json' | 'yaml';

/** Columns padded to their widest cell; the last one as it is. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function formatted(value: unknown, format: Exclude<Format, 'table'>): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}

/** `file#document pointer: message`, one a line, as an editor or a CI log can follow them. */
export function problemLines(problems: ManifestProblem[]): string {
  return problems
    .map((p) => `${p.file ?? 'request'}#${p.document} ${p.pointer || '/'}: ${p.message}\n`)
    .join('');
}

const value = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

export function resultTable(result: Admin.ManifestResult, withChanges: boolean): string {
  const rows = result.objects.map((o) => [o.kind, o.name, o.action, o.state ?? '', o.description ?? '']);
  let out = table(['KIND', 'NAME', 'ACTION', 'STATE', 'DESCRIPTION'], rows);
  if (withChanges)
    for (const o of result.objects.filter((x) => x.changes?.length)) {
      out += `\n${o.kind} ${o.name}:\n`;
      for (const c of o.changes ?? []) out += `  ${c.path}: ${value(c.from)} -> ${value(c.to)}\n`;
    }
  if (result.dryRun) out += '(dry run: nothing was changed)\n';
  return out;
}

export function statusTable(list: Admin.ManagedObjectList): string {
  const rows = list.list.map((o) => [
    o.kind,
    o.name,
    o.state,
    o.label ?? '',
    o.appliedAt ?? '',
    o.description ?? '',
  ]);
  return table(['KIND', 'NAME', 'STATE', 'LABEL', 'APPLIED', 'DESCRIPTION'], rows);
}
