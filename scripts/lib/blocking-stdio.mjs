// Preloaded into every `node --test` run of this project (`--import`; the runner passes it on to
// each test file's process). With `--test-force-exit` a test file's process exits as soon as its
// last test ends, and stdout to the runner is a pipe, which Node writes asynchronously: whatever
// was still queued — the verdicts of the file's last tests — was lost, and the run reported fewer
// tests than ran, still exiting 0 (nodejs/node#64833; seen here: 27 of 36 tests of one file
// reported). Blocking writes reach the runner before the exit.
for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);
