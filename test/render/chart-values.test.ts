// The chart's values documentation cannot drift: every key of values.yaml has a row in docs/chart.md, every row
// names a key of values.yaml, and both agree with values.schema.json.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chart = join(root, 'charts', 'cloudflare-operator');

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
}

/** Leaf paths of the schema: a node with `properties` is descended into, anything else is a value. */
function schemaKeys(node: SchemaNode, prefix = ''): string[] {
  if (!node.properties) return [prefix];
  return Object.entries(node.properties).flatMap(([key, child]) =>
    schemaKeys(child, prefix ? `${prefix}.${key}` : key),
  );
}

/** Paths of values.yaml, descending only where the schema does. */
function valueKeys(values: Record<string, unknown>, schema: SchemaNode, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const child = schema.properties?.[key];
    return child?.properties && value && typeof value === 'object'
      ? valueKeys(value as Record<string, unknown>, child, path)
      : [path];
  });
}

function documentedKeys(): string[] {
  const text = readFileSync(join(root, 'docs', 'chart.md'), 'utf8');
  const section = text.slice(text.indexOf('## Values'), text.indexOf('## RBAC'));
  return [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1] ?? '');
}

describe('chart values', () => {
  const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8')) as SchemaNode;
  const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;

  it('values.yaml has exactly the keys of the schema', () => {
    expect(valueKeys(values, schema).sort()).toEqual(schemaKeys(schema).sort());
  });

  it('docs/chart.md documents exactly the keys of values.yaml', () => {
    expect(documentedKeys().sort()).toEqual(valueKeys(values, schema).sort());
  });
});
