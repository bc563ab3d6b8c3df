/** The operator API over HTTP (`/operator/v1/…` on the web service, or through the edge). */

export class CliError extends Error {}

export interface OperatorClientOptions {
  baseUrl: string;
  operatorKey: string;
  fetch?: typeof fetch;
}

export function createOperatorClient(options: OperatorClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.operatorKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const reason =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      throw new CliError(`cannot reach ${base} (${reason}); check GATEHOUSE_URL`);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (response.status === 401)
        throw new CliError(
          `the operator key was refused (${error?.message ?? '401'}); check GATEHOUSE_OPERATOR_KEY`,
        );
      throw new CliError(
        error?.message
          ? `${error.message} (${response.status} ${error.code})`
          : `${method} ${path} answered ${response.status}`,
      );
    }
    return parsed as T;
  }

  const t = (tenant: string) => `/operator/v1/tenants/${encodeURIComponent(tenant)}`;
  return {
    createTenant: (body: { slug: string; name: string; ownerEmail: string }) =>
      call<TenantCreated>('POST', '/operator/v1/tenants', body),
    listTenants: () => call<{ items: Tenant[] }>('GET', '/operator/v1/tenants'),
    updateTenant: (tenant: string, body: { name?: string; applicationFeeBps?: number }) =>
      call<Tenant>('PATCH', t(tenant), body),
    invite: (tenant: string, body: { email: string; role?: string }) =>
      call<Invited>('POST', `${t(tenant)}/invites`, body),
    listApiKeys: (tenant: string) => call<{ items: ApiKey[] }>('GET', `${t(tenant)}/api-keys`),
    createApiKey: (tenant: string, name: string) =>
      call<ApiKey & { key: string }>('POST', `${t(tenant)}/api-keys`, { name }),
    revokeApiKey: (tenant: string, id: string) =>
      call<undefined>('DELETE', `${t(tenant)}/api-keys/${encodeURIComponent(id)}`),
  };
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: string;
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
  stripeAccountId: string | null;
  applicationFeeBps: number;
  createdAt: string;
}
export interface User {
  id: string;
  email: string;
  name: string | null;
}
export interface TenantCreated {
  tenant: Tenant;
  owner: User;
  inviteSent: boolean;
}
export interface Invited {
  tenantId: string;
  user: User;
  role: string;
  inviteSent: boolean;
}
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
