import { runTokenFuzz } from '../packages/tokens/test/fuzz/token-mutator.ts';

// One million random or mutated tokens through the access- and download-token verifiers (issue 7,
// "zero accepted"). Run by hand: `npx node bench/load-token-fuzz.ts [cases] [seed]`.
// Exit code 1 if any forgery verified.

const cases = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 20260101);
if (!Number.isInteger(cases) || cases < 1)
  throw new Error(`cases must be a positive integer (got ${process.argv[2]})`);

const cpuBefore = process.cpuUsage();
const report = runTokenFuzz(cases, seed);
const cpu = process.cpuUsage(cpuBefore);
const kinds = Object.entries(report.byKind)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([kind, n]) => `${kind}=${n}`)
  .join(' ');
console.log(
  `token fuzz: ${report.cases} cases, seed ${report.seed}, accepted ${report.accepted.length}, ` +
    `${(report.elapsedMs / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ` +
    `${Math.round(report.cases / (report.elapsedMs / 1000))} cases/s`,
);
console.log(`by kind: ${kinds}`);
if (report.accepted.length > 0) {
  console.error('ACCEPTED FORGERIES:', JSON.stringify(report.accepted.slice(0, 20)));
  process.exit(1);
}
