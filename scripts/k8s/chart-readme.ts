/**
 * Generates the values table of charts/gatehouse/README.md from the `# --` comments of
 * values.yaml (between the `<!-- values:start -->` and `<!-- values:end -->` markers), and
 * checks that every value is documented: a key is documented by its own `# --` comment or by one
 * on an enclosing key (e.g. `podSecurityContext`).
 *   node scripts/k8s/chart-readme.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const CHART = path.resolve(import.meta.dirname, '..', '..', 'charts', 'gatehouse');
const START = '<!-- values:start -->';
const END = '<!-- values:end -->';

export interface ValueDoc {
  key: string;
  type: string;
  default: string;
  description: string;
}

/** `# -- text` comments keyed by the dotted path of the key on the line after them. */
export function docComments(yamlText: string): Map<string, string> {
  const docs = new Map<string, string>();
  const stack: Array<{ indent: number; key: string }> = [];
  let pending: string[] | undefined;
  for (const line of yamlText.split('\n')) {
    const comment = /^\s*# -- (.*)$/.exec(line);
    if (comment) {
      pending = [comment[1] as string];
      continue;
    }
    const more = /^\s*# {2,}(.*)$/.exec(line);
    if (more && pending) {
      pending.push(more[1] as string);
      continue;
    }
    const key = /^(\s*)([A-Za-z0-9_.-]+):(\s|$)/.exec(line);
    if (!key) {
      if (!/^\s*(#.*)?$/.test(line)) pending = undefined;
      continue;
    }
    const indent = (key[1] as string).length;
    while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop();
    stack.push({ indent, key: key[2] as string });
    if (pending) docs.set(stack.map((s) => s.key).join('.'), pending.join(' '));
    pending = undefined;
  }
  return docs;
}

const typeOf = (v: unknown) =>
  Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v;

/** Every documented key, in file order; throws naming each leaf value nobody documented. */
export function valueDocs(yamlText: string): ValueDoc[] {
  const docs = docComments(yamlText);
  const values = parse(yamlText) as Record<string, unknown>;
  const undocumented: string[] = [];
  const rows: ValueDoc[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string, covered: boolean) => {
    for (const [k, v] of Object.entries(obj)) {
      const key = prefix ? `${prefix}.${k}` : k;
      const doc = docs.get(key);
      if (doc) rows.push({ key, type: typeOf(v), default: JSON.stringify(v), description: doc });
      const isMap = typeOf(v) === 'object' && Object.keys(v as object).length > 0;
      if (isMap && !doc) walk(v as Record<string, unknown>, key, covered);
      else if (!doc && !covered) undocumented.push(key);
    }
  };
  walk(values, '', false);
  if (undocumented.length > 0)
    throw new Error(`values.yaml: undocumented values (add a "# --" comment): ${undocumented.join(', ')}`);
  return rows;
}

export function valuesTable(rows: ValueDoc[]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    '| Key | Type | Default | Description |',
    '|-----|------|---------|-------------|',
    ...rows.map((r) => `| \`${r.key}\` | ${r.type} | \`${esc(r.default)}\` | ${esc(r.description)} |`),
  ].join('\n');
}

/** Table rows without alignment padding (a Markdown formatter may pad the columns): compare without it. */
export function normalizeTables(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/ *\| */g, '|').replace(/-{3,}/g, '---') : line))
    .join('\n');
}

export function readmeWithTable(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md needs ${START} … ${END} markers`);
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

if (import.meta.main) {
  const readmePath = path.join(CHART, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const next = readmeWithTable(
    readme,
    valuesTable(valueDocs(readFileSync(path.join(CHART, 'values.yaml'), 'utf8'))),
  );
  if (process.argv.includes('--check')) {
    if (normalizeTables(next) !== normalizeTables(readme)) {
      console.error('charts/gatehouse/README.md values table is stale: run node scripts/k8s/chart-readme.ts');
      process.exit(1);
    }
  } else if (normalizeTables(next) !== normalizeTables(readme)) {
    writeFileSync(readmePath, next);
    console.log('wrote charts/gatehouse/README.md');
  }
}
