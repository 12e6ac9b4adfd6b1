// The bad-input catalogue: every case the tests apply, as the rows of the table in docs/bad-input.md. Built from the
// lists the tests iterate over (CRD admission, chart values, Service annotations, refused Services) and the
// scenarios, so a case cannot be added to a test without reaching the table, nor listed without a test.
// `npx tsx test/bad-input/print-table.ts --write` rewrites that table.
import { refusedAtCreate, refusedAtUpdate } from '../render/admission-cases.js';
import { refusedValues } from './chart-cases.js';
import { scenarios, type Outcome } from './scenarios.js';
import { refusedAnnotations, refusedServices } from './service-cases.js';

export interface CatalogueRow {
  name: string;
  input: string;
  outcome: Outcome;
  where: string;
  field: string;
  /** The test file that plays the case. */
  file: string;
  /** Strings of which that file must contain one: the case list it iterates over, or the test's title. */
  mentions: string[];
}

const ADMISSION_E2E = 'e2e/api/admission.e2e.test.ts';
const BAD_INPUT_E2E = 'e2e/services/bad-input.e2e.test.ts';

/** Markdown code for a fragment of a message (backticks inside would end it early). */
function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

export function catalogueRows(): CatalogueRow[] {
  const crd = (mentions: string) => (c: (typeof refusedAtCreate)[number]) => ({
    name: c.name,
    input: 'Tunnel, ClusterTunnel',
    outcome: 'refused' as const,
    where:
      mentions === 'refusedAtUpdate' ? 'CRD CEL rule on update (kube-apiserver)' : 'CRD schema / CEL (kube-apiserver)',
    field: code(c.refusedWith ?? ''),
    file: ADMISSION_E2E,
    mentions: [mentions],
  });
  return [
    ...refusedAtCreate.map(crd('refusedAtCreate')),
    ...refusedAtUpdate.map(crd('refusedAtUpdate')),
    ...refusedServices.map((c) => ({
      name: c.name,
      input: 'Service',
      outcome: 'refused' as const,
      where: 'kube-apiserver (core validation)',
      field: code(c.refusedWith),
      file: BAD_INPUT_E2E,
      mentions: ['refusedServices'],
    })),
    ...refusedAnnotations.map((c) => ({
      name: c.name,
      input: 'Service annotations',
      outcome: 'reported' as const,
      where: 'route Invalid + Warning `InvalidAnnotations` on the Service',
      field: code(`cloudflare-operator.io/${c.annotation}`),
      file: BAD_INPUT_E2E,
      mentions: ['refusedAnnotations'],
    })),
    ...refusedValues.map((c) => ({
      name: c.name,
      input: 'chart values',
      outcome: 'refused' as const,
      where: 'helm: values.schema.json',
      field: code(c.refusedWith),
      file: 'e2e/chart/template.e2e.test.ts',
      mentions: ['refusedValues'],
    })),
    ...Object.entries(scenarios).map(([key, s]) => ({ ...s, mentions: [s.name, `scenarios.${key}.name`] })),
  ];
}

/** The table of docs/bad-input.md (before prettier aligns its columns). */
export function catalogueTable(rows: readonly CatalogueRow[] = catalogueRows()): string {
  const lines = ['| case | input | outcome | where | field or reason |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| ${[row.name, row.input, row.outcome, row.where, row.field].join(' | ')} |`);
  }
  return lines.join('\n');
}
