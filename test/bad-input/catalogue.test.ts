// docs/bad-input.md cannot drift from the tests: its table lists exactly the catalogue's cases, and every case
// names a test file that plays it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogueRows, catalogueTable, type CatalogueRow } from './catalogue.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

type Cells = [string, string, string, string, string];

/** The cells of a markdown table's body rows (prettier pads them; the separator row is skipped). */
function tableRows(markdown: string): Cells[] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| ') && !/^\|\s*-/.test(line))
    .slice(1)
    .map(
      (line) =>
        line
          .slice(1, -1)
          .split(' | ')
          .map((cell) => cell.trim()) as Cells,
    );
}

const cellsOf = (row: CatalogueRow): Cells => [row.name, row.input, row.outcome, row.where, row.field];

describe('the bad-input catalogue', () => {
  const rows = catalogueRows();

  it('has at least 40 cases, each named once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    const names = rows.map((r) => r.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('docs/bad-input.md lists exactly its cases (rewrite it: npx tsx test/bad-input/print-table.ts --write)', () => {
    const doc = read('docs/bad-input.md');
    const section = doc.slice(doc.indexOf('<!-- catalogue:start -->'), doc.indexOf('<!-- catalogue:end -->'));
    expect(tableRows(section)).toEqual(rows.map(cellsOf));
  });

  it('every case names a test file that plays it', () => {
    const missing = rows.filter((row) => !row.mentions.some((mention) => read(row.file).includes(mention)));
    expect(missing.map((row) => `${row.file}: ${row.mentions.join(' or ')}`)).toEqual([]);
  });

  it('prints a table with one line per case', () => {
    expect(tableRows(catalogueTable()).length).toBe(rows.length);
  });
});
