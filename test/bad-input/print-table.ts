// Prints the catalogue's table; with --write, puts it into docs/bad-input.md between its markers (then run
// `npx prettier --write docs/bad-input.md` to align the columns).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogueTable } from './catalogue.js';

const START = '<!-- catalogue:start -->';
const END = '<!-- catalogue:end -->';

if (process.argv.includes('--write')) {
  const doc = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'bad-input.md');
  const text = readFileSync(doc, 'utf8');
  const before = text.slice(0, text.indexOf(START) + START.length);
  const after = text.slice(text.indexOf(END));
  writeFileSync(doc, `${before}\n\n${catalogueTable()}\n\n${after}`);
} else {
  process.stdout.write(`${catalogueTable()}\n`);
}
