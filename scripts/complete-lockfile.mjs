// Restores the lockfile entries of @biomejs/biome's platform binaries that npm drops here.
//
// Why: the registry reachable on the project's machines serves @biomejs/cli-* only for Linux
// glibc, so `npm install` writes a lockfile without the other platforms' entries, and `npm ci`
// (CI, Dockerfiles, users on the public registry) then refuses the lockfile as out of sync.
// The entries carry no integrity: npm verifies it from the registry on the platform that installs
// them. Idempotent; run it after `npm install` changed package-lock.json:
//   node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const biome = lock.packages['node_modules/@biomejs/biome'];
if (!biome) throw new Error('package-lock.json has no @biomejs/biome');

const platform = (name) => {
  const [os, cpu, libc] = name.replace('@biomejs/cli-', '').split('-');
  return { os, cpu, libc: os === 'linux' ? (libc ?? 'glibc') : undefined };
};

const entries = Object.entries(lock.packages);
const at = entries.findIndex(([key]) => key === 'node_modules/@biomejs/biome');
const missing = Object.entries(biome.optionalDependencies ?? {})
  .filter(([name]) => !lock.packages[`node_modules/${name}`])
  .map(([name, version]) => {
    const { os, cpu, libc } = platform(name);
    const entry = {
      version,
      cpu: [cpu],
      dev: true,
      ...(libc ? { libc: [libc] } : {}),
      license: biome.license,
      optional: true,
      os: [os],
    };
    return [`node_modules/${name}`, entry];
  });
if (missing.length === 0) process.exit(0);
entries.splice(at + 1, 0, ...missing);
lock.packages = Object.fromEntries(entries);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: restored ${missing.map(([key]) => key.slice(13)).join(', ')}`);
