import { spawn } from 'node:child_process';
import { startPlatform } from '../support/platform.ts';

// Runs a command while the four services run (started here unless already running), then stops
// what it started and exits with the command's code:
//   npx node e2e/abuse/with-platform.ts -- COMMAND [ARGS…]
const dash = process.argv.indexOf('--');
const command = dash < 0 ? [] : process.argv.slice(dash + 1);
if (command.length === 0) {
  console.error('usage: with-platform.ts -- COMMAND [ARGS…]');
  process.exit(2);
}
const platform = await startPlatform(['auth', 'media', 'feeds', 'billing']);
let code = 1;
try {
  code = await new Promise<number>((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit' });
    child.on('close', (c) => resolve(c ?? 1));
  });
} finally {
  await platform.stop();
}
process.exit(code);
