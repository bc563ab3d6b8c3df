import { readFileSync, writeFileSync } from 'node:fs';
import { readFixture } from './load-fixture.ts';
import { originReport } from './origin-report.ts';

// Adds origin requests (MinIO audit log) to a k6 summary written by k6/gatehouse.js:
//   npx node e2e/load/origin-cli.ts FIXTURE SUMMARY_JSON SINCE_MS
// The expected count assumes the release spike's whole-file reads of every fixture episode that
// was requested: ceil(byteSize / sliceBytes) slices each — a cold cache. A run on a warm cache
// says so with EXPECT_ORIGIN=0 (every slice already cached: no origin request is expected).
const [fixtureFile, summaryFile, sinceRaw] = process.argv.slice(2);
if (!fixtureFile || !summaryFile || !sinceRaw) {
  console.error('usage: origin-cli.ts FIXTURE SUMMARY_JSON SINCE_MS');
  process.exit(2);
}
const fixture = readFixture(fixtureFile);
const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
const episode = fixture.episodes[Number(process.env.EPISODE ?? 0)]!;
const expected =
  process.env.EXPECT_ORIGIN !== undefined
    ? Number(process.env.EXPECT_ORIGIN)
    : summary.scenario === 'feed-poll'
      ? 0
      : Math.ceil(episode.byteSize / fixture.sliceBytes);
summary.origin = await originReport({ ...fixture, episodes: [episode] }, Number(sinceRaw), expected);
writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`origin          ${JSON.stringify(summary.origin)}`);
const bad =
  summary.wrongGrants > 0 ||
  summary.malformed > 0 ||
  (summary.origin.available && summary.origin.requests !== expected && summary.scenario === 'release-spike');
process.exit(bad ? 1 : 0);
