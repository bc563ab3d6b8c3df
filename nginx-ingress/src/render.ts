import path from 'node:path';
import { renderIngressNginx, renderTarget } from './edge-targets.ts';
import { loadValuesFile, resolveValues, TARGETS, type Target, ValuesError } from './edge-values.ts';

/**
 * CLI: `render.sh <target> [--values file.json] [--part http-snippet|server-snippet]`
 *      `render.sh print [target]` — like the above, with the example values for cluster targets
 *      (what an operator pastes or reviews; seed 003 printed its location block the same way).
 */
const USAGE =
  'usage: render.sh <local|edge|ingress-nginx> [--values file.json] [--part http-snippet|server-snippet]\n' +
  '       render.sh print [local|edge|ingress-nginx]';

const EXAMPLE_VALUES = path.resolve(import.meta.dirname, '..', 'values.example.json');

function parseTarget(value: string | undefined): Target {
  if (!TARGETS.includes(value as Target))
    throw new ValuesError(`unknown target ${value ?? '(none)'}\n${USAGE}`);
  return value as Target;
}

function main(argv: string[]): string {
  const args = [...argv];
  let valuesFile: string | undefined;
  let part: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--values' || args[i] === '--part') {
      const value = args[i + 1];
      if (value === undefined) throw new ValuesError(`${args[i]} needs an argument\n${USAGE}`);
      if (args[i] === '--values') valuesFile = value;
      else part = value;
      args.splice(i, 2);
      i--;
    }
  }
  const [command, maybeTarget] = args;
  if (command === 'print') {
    const targets = maybeTarget === undefined ? TARGETS : [parseTarget(maybeTarget)];
    return targets
      .map((target) => {
        const file = valuesFile ?? (target === 'local' ? undefined : EXAMPLE_VALUES);
        const values = resolveValues(target, file === undefined ? undefined : loadValuesFile(file));
        return `# ---- target: ${target}${file ? ` (values: ${path.relative(process.cwd(), file)})` : ''}\n${renderTarget(target, values)}`;
      })
      .join('\n');
  }
  const target = parseTarget(command);
  const values = resolveValues(target, valuesFile === undefined ? undefined : loadValuesFile(valuesFile));
  if (part !== undefined) {
    if (target !== 'ingress-nginx' || (part !== 'http-snippet' && part !== 'server-snippet')) {
      throw new ValuesError(`--part is http-snippet or server-snippet, for ingress-nginx only\n${USAGE}`);
    }
    return renderIngressNginx(values)[part];
  }
  return renderTarget(target, values);
}

try {
  process.stdout.write(main(process.argv.slice(2)));
} catch (error) {
  if (error instanceof ValuesError) {
    process.stderr.write(`render: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
