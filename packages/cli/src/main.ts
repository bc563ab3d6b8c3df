import { runCli } from './cli.ts';

// Entry point of `gatehouse` (bin/gatehouse.mjs): the only place that touches process.
process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
