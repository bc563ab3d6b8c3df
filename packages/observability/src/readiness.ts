/** A dependency the service cannot answer without. `check` rejects or returns false when it is not usable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'failing'>;
}

/** Runs every check in parallel, each bounded by `timeoutMs`, so a hung dependency reads as failing. */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2000,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        const outcome = await Promise.race([check().then((value) => value !== false), timeout]);
        return [name, outcome ? 'ok' : 'failing'] as const;
      } catch {
        return [name, 'failing'] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report = Object.fromEntries(results) as Record<string, 'ok' | 'failing'>;
  return { ready: results.every(([, state]) => state === 'ok'), checks: report };
}
