// Chart-wide: helm lint --strict, the strict values schema, documented values and the README table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  normalizeTables,
  readmeWithTable,
  valueDocs,
  valuesTable,
} from '../../../scripts/k8s/chart-readme.ts';
import {
  CHART,
  HELM,
  helmTemplate,
  run,
  SCENARIOS,
  scenarioFile,
  skipWithoutTools,
} from './chart-harness.ts';

test('helm lint --strict is clean for every CI scenario', (t) => {
  if (skipWithoutTools(t)) return;
  for (const scenario of SCENARIOS) {
    const r = run(HELM, ['lint', '--strict', CHART, '-f', scenarioFile(scenario)]);
    assert.equal(r.status, 0, `${scenario}: ${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /\[(WARNING|ERROR)\]/, scenario);
  }
});

test('a typo or a wrong type in a values override fails the schema, naming the path', (t) => {
  if (skipWithoutTools(t)) return;
  const cases: Array<[string[], RegExp]> = [
    [['edge.cahce.size=1Gi'], /at '\/edge': additional properties 'cahce' not allowed/],
    [['auth.replicaCont=3'], /at '\/auth': additional properties 'replicaCont' not allowed/],
    [['edge.mode=traefik'], /\/edge\/mode/],
    [['edge.originAllow={s3.example.com}'], /\/edge\/originAllow\/0/],
    [['podSecurityContext.runAsNonRoot=false'], /\/podSecurityContext\/runAsNonRoot/],
    [
      ['containerSecurityContext.allowPrivilegeEscalation=true'],
      /\/containerSecurityContext\/allowPrivilegeEscalation/,
    ],
    [['secrets.secureLinkSecret=short'], /\/secrets\/secureLinkSecret/],
    [['secrets.internalApiToken=too-short-0123456789'], /\/secrets\/internalApiToken/],
    [['networkPolicy.enabeld=false'], /additional properties 'enabeld' not allowed/],
  ];
  for (const [set, message] of cases) {
    assert.throws(() => helmTemplate({ scenario: 'hpa', set }), message, set.join(' '));
  }
});

test('the schema is strict everywhere: every object declares additionalProperties', () => {
  const schema = JSON.parse(readFileSync(path.join(CHART, 'values.schema.json'), 'utf8'));
  const loose: string[] = [];
  const walk = (node: unknown, at: string) => {
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.type === 'object' && n.properties && n.additionalProperties !== false) loose.push(at);
    for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
  };
  walk(schema, '#');
  assert.deepEqual(loose, []);
  // Every key of values.yaml is in the schema (the schema forbids nothing the chart ships).
  const values = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8'));
  const missing: string[] = [];
  const cover = (v: Record<string, unknown>, s: { properties?: Record<string, unknown> }, at: string) => {
    for (const [k, child] of Object.entries(v)) {
      const sub = s.properties?.[k] as { properties?: Record<string, unknown> } | undefined;
      if (!sub) missing.push(`${at}${k}`);
      else if (sub.properties && typeof child === 'object' && child !== null && !Array.isArray(child)) {
        cover(child as Record<string, unknown>, sub, `${at}${k}.`);
      }
    }
  };
  cover(values, schema, '');
  assert.deepEqual(missing, []);
});

test('every value is documented and the README table is current', () => {
  const yamlText = readFileSync(path.join(CHART, 'values.yaml'), 'utf8');
  const rows = valueDocs(yamlText);
  assert.ok(rows.length > 100);
  const readme = readFileSync(path.join(CHART, 'README.md'), 'utf8');
  assert.equal(
    normalizeTables(readme),
    normalizeTables(readmeWithTable(readme, valuesTable(rows))),
    'README is stale: run node scripts/k8s/chart-readme.ts',
  );
  assert.throws(() => valueDocs(`${yamlText}\nnewKey: 1\n`), /undocumented values .*newKey/);
  assert.match(readme, /retired in March 2026/);
});
