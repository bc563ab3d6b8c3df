// The host side of scripts/containers-netns.sh: forwards connections from a private network
// namespace (over a Unix socket) to the containers' ports on the host's loopback
// (packages/testkit/src/containers/netns-relay.ts). Runs until killed.
//
//   node scripts/netns-relay.ts SOCKET_PATH
import { chmodSync, rmSync } from 'node:fs';
import { serveRelay } from '../packages/testkit/src/containers/netns-relay.ts';

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: node scripts/netns-relay.ts SOCKET_PATH\n');
  process.exit(2);
}
rmSync(socketPath, { force: true });
const server = await serveRelay(socketPath);
// Only this user (root) may open loopback ports through it.
chmodSync(socketPath, 0o600);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
