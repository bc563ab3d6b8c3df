import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';

/**
 * Connects a service to NATS (`url` may list several servers, comma-separated) as
 * `gatehouse-{service}`. A failure is one line naming the URL (runMain prints it). `options` adds
 * to the defaults, e.g. `{ waitOnFirstConnect: true, maxReconnectAttempts: -1 }` to keep trying.
 */
export async function connectNats(
  url: string,
  service: string,
  options: Omit<NodeConnectionOptions, 'servers' | 'name'> = {},
) {
  return connect({ ...options, servers: url.split(','), name: `gatehouse-${service}` }).catch(
    (error: Error) => {
      throw new Error(`NATS at ${url} unreachable (${error.message})`);
    },
  );
}
