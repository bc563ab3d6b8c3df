import Type, { type Static, type TObject, type TProperties } from 'typebox';
import Value from 'typebox/value';

/**
 * Declares one environment variable: its schema (with `description`, which doubles as the
 * documentation printed by `describeConfig`) and, optionally, a default.
 */
export type EnvSchema = TObject<TProperties>;

/** Thrown when the environment does not satisfy a service's schema. One line per problem. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads and validates configuration from an environment object. Never called at import time:
 * `main.ts` calls it once and hands the result to the app. Strings are converted to the declared
 * types (numbers, booleans), defaults are applied, unknown variables are ignored.
 */
export function loadConfig<S extends EnvSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    // An empty string is treated as unset, so `FOO=` falls back to the default or fails as missing.
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(schema, raw);
  const converted = Value.Convert(schema, withDefaults);
  if (Value.Check(schema, converted)) return converted as Static<S>;
  throw new ConfigError(describeProblems(schema, converted));
}

function describeProblems(schema: EnvSchema, value: unknown): string[] {
  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of missing) problems.set(name, `${name} is required but not set`);
      continue;
    }
    const name = error.instancePath.replace(/^\//, '').split('/')[0] ?? '(root)';
    if (!problems.has(name)) {
      const description = (schema.properties[name] as { description?: string } | undefined)?.description;
      problems.set(name, `${name} ${error.message}${description ? ` (${description})` : ''}`);
    }
  }
  return [...problems.values()];
}

/** Renders the documentation of a schema: one line per variable with its default. */
export function describeConfig(schema: EnvSchema): string {
  return Object.entries(schema.properties)
    .map(([name, property]) => {
      const required = schema.required?.includes(name) && !('default' in property) ? 'required' : 'optional';
      const fallback = 'default' in property ? ` (default: ${JSON.stringify(property.default)})` : '';
      return `${name} — ${required}${fallback}: ${(property as { description?: string }).description ?? ''}`;
    })
    .join('\n');
}

export { Type };
