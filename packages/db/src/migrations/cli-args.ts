export type MigrateCommand = { kind: 'deploy' } | { kind: 'dev'; name: string } | { kind: 'help' };

export const USAGE = 'usage: migrate.ts deploy | migrate.ts dev --name NAME  (database from DATABASE_URL)';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `deploy` / `dev --name NAME` (also `--name=NAME`); anything else is a usage error. */
export function parseMigrateArgs(argv: readonly string[]): MigrateCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { kind: 'help' };
  }
  if (command === 'deploy') {
    if (rest.length > 0) throw new UsageError(`deploy takes no arguments (got ${rest.join(' ')})`);
    return { kind: 'deploy' };
  }
  if (command === 'dev') {
    let name: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i] as string;
      if (arg === '--name' || arg === '-n') {
        const value = rest[i + 1];
        if (value === undefined || value.startsWith('-')) throw new UsageError('--name needs a value');
        name = value;
        i++;
      } else if (arg.startsWith('--name=')) {
        name = arg.slice('--name='.length);
      } else {
        throw new UsageError(`unknown argument for dev: ${arg}`);
      }
    }
    if (name === undefined || name.trim() === '') throw new UsageError('dev needs --name NAME');
    return { kind: 'dev', name };
  }
  throw new UsageError(`unknown command: ${command}`);
}
