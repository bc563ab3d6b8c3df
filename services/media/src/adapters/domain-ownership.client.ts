import { Resolver } from 'node:dns/promises';
import { request } from 'node:http';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { OwnershipCheck, OwnershipProbe } from '../domain/custom-domains.service.ts';

/** Where ownership proofs are looked up (`DOMAIN_DNS_SERVERS`, `DOMAIN_HTTP_PROOF_PORT`, …). */
export interface DomainOwnershipSettings {
  /** `ip` or `ip:port`; empty: the system's resolvers. */
  dnsServers?: readonly string[] | undefined;
  /** Port of the HTTP token check (80 in production; tests serve it elsewhere). */
  httpPort?: number | undefined;
  /** Let the HTTP check connect to loopback/private addresses (tests only; else a host could aim it inward). */
  allowPrivateAddresses?: boolean | undefined;
  timeoutMs?: number | undefined;
}

const MAX_BODY = 1024;

/** Addresses the HTTP check never connects to unless allowed: loopback, private, link-local, CGNAT, ULA. */
function privateRanges(): BlockList {
  const list = new BlockList();
  list.addSubnet('0.0.0.0', 8, 'ipv4');
  list.addSubnet('10.0.0.0', 8, 'ipv4');
  list.addSubnet('100.64.0.0', 10, 'ipv4');
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('169.254.0.0', 16, 'ipv4');
  list.addSubnet('172.16.0.0', 12, 'ipv4');
  list.addSubnet('192.168.0.0', 16, 'ipv4');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('fc00::', 7, 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  return list;
}

const describe = (error: unknown) => {
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? String(error);
};

/**
 * Looks for a domain's ownership proof on the internet: a TXT record, or a token file over plain HTTP.
 * Host names are resolved with the configured resolver in both checks, so a test can point both at a
 * local DNS server.
 */
export function createDomainOwnershipProbe(settings: DomainOwnershipSettings = {}): OwnershipProbe {
  const timeout = settings.timeoutMs ?? 2000;
  const resolver = new Resolver({ timeout, tries: 1 });
  if (settings.dnsServers && settings.dnsServers.length > 0) resolver.setServers([...settings.dnsServers]);
  const blocked = settings.allowPrivateAddresses ? undefined : privateRanges();

  // net.connect asks for every address (`all`) when it races families (autoSelectFamily).
  const lookup: LookupFunction = (hostname, options, callback) => {
    const answer = callback as (error: Error | null, address: unknown, family?: number) => void;
    resolver.resolve4(hostname).then(
      (addresses) => {
        const address = addresses[0];
        if (!address) return answer(new Error(`${hostname} has no A record`), '', 4);
        if (blocked?.check(address, 'ipv4'))
          return answer(new Error(`${hostname} resolves to a private address (${address})`), '', 4);
        if (options.all) answer(null, [{ address, family: 4 }]);
        else answer(null, address, 4);
      },
      (error: unknown) => answer(error as Error, '', 4),
    );
  };

  return {
    async txt(name): Promise<OwnershipCheck> {
      try {
        return { found: (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')) };
      } catch (error) {
        return { found: [], error: describe(error) };
      }
    },
    httpToken(host, path): Promise<OwnershipCheck> {
      if (isIP(host)) return Promise.resolve({ found: [], error: 'not a host name' });
      return new Promise((resolve) => {
        const outgoing = request(
          {
            host,
            port: settings.httpPort ?? 80,
            path,
            method: 'GET',
            lookup,
            timeout,
            headers: { accept: 'text/plain' },
          },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              body += chunk;
              if (body.length > MAX_BODY) response.destroy();
            });
            const done = () =>
              resolve(
                response.statusCode === 200
                  ? { found: [body.slice(0, MAX_BODY).trim()] }
                  : { found: [], error: `HTTP ${response.statusCode}` },
              );
            response.on('end', done);
            response.on('close', done);
          },
        );
        outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
        outgoing.on('error', (error) => resolve({ found: [], error: describe(error) }));
        outgoing.end();
      });
    },
  };
}
