import { parseArgs } from 'node:util';
import { CliError, createOperatorClient } from './operator-client.ts';

/** Where the CLI writes; a test passes its own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const USAGE = `gatehouse — operate a Gatehouse install (the operator API on the web service)

Usage:
  gatehouse tenants create --slug <slug> --name <name> --owner-email <email>
  gatehouse tenants list
  gatehouse tenants set-fee --tenant <id|slug> --bps <0-10000>
  gatehouse tenants rename --tenant <id|slug> --name <name>
  gatehouse invites create --tenant <id|slug> --email <email> [--role owner|member]
  gatehouse api-keys create --tenant <id|slug> [--name <name>]
  gatehouse api-keys list --tenant <id|slug>
  gatehouse api-keys revoke --tenant <id|slug> --key <key id>

Options:
  --json        print the API's JSON answer instead of text
  --url <url>   the web service or edge URL (default: $GATEHOUSE_URL)
  -h, --help    this text

Environment:
  GATEHOUSE_URL           e.g. https://gatehouse.example.com or http://127.0.0.1:53006
  GATEHOUSE_OPERATOR_KEY  the install's OPERATOR_API_KEY`;

const options = {
  slug: { type: 'string' },
  name: { type: 'string' },
  'owner-email': { type: 'string' },
  tenant: { type: 'string' },
  email: { type: 'string' },
  role: { type: 'string' },
  bps: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean', default: false },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

class UsageError extends Error {}

/** Left-aligned columns, two spaces apart, as wide as their widest cell. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/** Runs one command; resolves to the exit code (0 ok, 1 failed, 2 usage). Errors are one line on stderr. */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
  fetchImpl?: typeof fetch,
): Promise<number> {
  try {
    let parsed: ReturnType<
      typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>
    >;
    try {
      parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    } catch (error) {
      // parseArgs explains some mistakes over several lines; the first one says what is wrong.
      throw new UsageError((error instanceof Error ? error.message : String(error)).split('\n')[0]!);
    }
    const { values, positionals } = parsed;
    if (values.help || positionals.length === 0) {
      io.out(USAGE);
      return positionals.length === 0 && !values.help ? 2 : 0;
    }
    const need = (name: keyof typeof values): string => {
      const value = values[name];
      if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
      return value;
    };
    const baseUrl = values.url ?? env.GATEHOUSE_URL;
    if (!baseUrl) throw new UsageError('set GATEHOUSE_URL (or pass --url) to the web service or edge URL');
    if (!/^https?:\/\//.test(baseUrl))
      throw new UsageError(`GATEHOUSE_URL must start with http:// or https:// (got "${baseUrl}")`);
    const operatorKey = env.GATEHOUSE_OPERATOR_KEY;
    if (!operatorKey) throw new UsageError("set GATEHOUSE_OPERATOR_KEY to the install's OPERATOR_API_KEY");
    const api = createOperatorClient({ baseUrl, operatorKey, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
    const print = (json: unknown, text: () => string) =>
      io.out(values.json ? JSON.stringify(json, null, 2) : text());

    const command = positionals.join(' ');
    switch (command) {
      case 'tenants create': {
        const created = await api.createTenant({
          slug: need('slug'),
          name: need('name'),
          ownerEmail: need('owner-email'),
        });
        print(created, () =>
          [
            `created tenant ${created.tenant.slug} (${created.tenant.id})`,
            created.inviteSent
              ? `invitation mailed to ${created.owner.email}`
              : `the invitation mail to ${created.owner.email} FAILED: run gatehouse invites create --tenant ${created.tenant.slug} --email ${created.owner.email}`,
          ].join('\n'),
        );
        return created.inviteSent ? 0 : 1;
      }
      case 'tenants list': {
        const { items } = await api.listTenants();
        print(items, () =>
          items.length === 0
            ? 'no tenants yet'
            : table(
                ['ID', 'SLUG', 'STATUS', 'CHARGES', 'FEE(bps)', 'NAME'],
                items.map((t) => [
                  t.id,
                  t.slug,
                  t.status,
                  t.chargesEnabled ? 'yes' : 'no',
                  String(t.applicationFeeBps),
                  t.name,
                ]),
              ),
        );
        return 0;
      }
      case 'tenants set-fee': {
        const bps = need('bps');
        if (!/^\d+$/.test(bps) || Number(bps) > 10_000)
          throw new UsageError('--bps must be a whole number from 0 to 10000 (100 = 1%)');
        const tenant = await api.updateTenant(need('tenant'), { applicationFeeBps: Number(bps) });
        print(
          tenant,
          () =>
            `${tenant.slug}: platform fee ${tenant.applicationFeeBps} bps (${tenant.applicationFeeBps / 100}%)`,
        );
        return 0;
      }
      case 'tenants rename': {
        const tenant = await api.updateTenant(need('tenant'), { name: need('name') });
        print(tenant, () => `${tenant.slug}: renamed to ${tenant.name}`);
        return 0;
      }
      case 'invites create': {
        const role = values.role;
        if (role !== undefined && role !== 'owner' && role !== 'member')
          throw new UsageError('--role must be owner or member');
        const invited = await api.invite(need('tenant'), { email: need('email'), ...(role ? { role } : {}) });
        print(invited, () =>
          invited.inviteSent
            ? `invited ${invited.user.email} (${invited.role}); a sign-in link was mailed`
            : `added ${invited.user.email} (${invited.role}) but the mail FAILED; try again`,
        );
        return invited.inviteSent ? 0 : 1;
      }
      case 'api-keys create': {
        const key = await api.createApiKey(need('tenant'), values.name ?? 'cli');
        print(key, () => `${key.key}\n(key ${key.id}, "${key.name}": shown this once; store it now)`);
        return 0;
      }
      case 'api-keys list': {
        const { items } = await api.listApiKeys(need('tenant'));
        print(items, () =>
          items.length === 0
            ? 'no API keys'
            : table(
                ['ID', 'PREFIX', 'STATE', 'LAST USED', 'NAME'],
                items.map((k) => [
                  k.id,
                  k.prefix,
                  k.revokedAt ? 'revoked' : 'active',
                  k.lastUsedAt ?? 'never',
                  k.name,
                ]),
              ),
        );
        return 0;
      }
      case 'api-keys revoke': {
        const id = need('key');
        await api.revokeApiKey(need('tenant'), id);
        print({ revoked: id }, () => `revoked ${id}`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}" (gatehouse --help lists them)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`gatehouse: ${error.message}`);
      return 2;
    }
    if (error instanceof CliError) {
      io.err(`gatehouse: ${error.message}`);
      return 1;
    }
    io.err(`gatehouse: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
