/**
 * Wires SIGTERM/SIGINT to an ordered close. `close` should stop accepting connections and wait for
 * in-flight requests (Fastify's `app.close()` does), then release clients. If it takes longer than
 * `graceMs` the process exits non-zero so an orchestrator never waits forever.
 */
export function onShutdown(
  close: () => Promise<void>,
  options: { graceMs: number; log: (message: string) => void; exit?: (code: number) => void },
): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    options.log(`received ${signal}, draining`);
    const timer = setTimeout(() => {
      options.log(`shutdown exceeded ${options.graceMs} ms, exiting`);
      exit(1);
    }, options.graceMs);
    timer.unref();
    close().then(
      () => {
        clearTimeout(timer);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        options.log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}

/**
 * Runs a service's start function and turns any startup failure into one line on stderr and exit
 * code 1 — configuration errors and unreachable dependencies must not print a stack trace.
 */
export async function runMain(service: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${service}: cannot start: ${reason.split('\n')[0]}\n`);
    process.exit(1);
  }
}
