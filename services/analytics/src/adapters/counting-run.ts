import { createCountingPipeline } from './counting-pipeline.ts';

/** What the batches committed so far add up to. */
export interface CountingProgress {
  /** Stream sequence of the last record committed (0 before the first batch). */
  lastSeq: number;
  /** Records committed. */
  records: number;
  /** Downloads those records counted. */
  downloads: number;
}

export interface CountingRun extends CountingProgress {
  /** From the pipeline's start until `until` held (stopping it not included). */
  seconds: number;
}

/**
 * Runs the download counter until `until` holds for what it has committed, then stops it: the
 * replay's "catch up with the stream" (and the ingest benchmark's timed run). `until` is asked
 * once before the start too, so a run with nothing to wait for (an empty stream) ends at once.
 */
export async function runCountingUntil(
  options: Omit<Parameters<typeof createCountingPipeline>[0], 'onBatch'>,
  until: (progress: CountingProgress) => boolean,
): Promise<CountingRun> {
  const progress: CountingProgress = { lastSeq: 0, records: 0, downloads: 0 };
  let done: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => {
    done = resolve;
  });
  const pipeline = createCountingPipeline({
    ...options,
    onBatch: (batch) => {
      progress.downloads += batch.downloads;
      progress.records += batch.size;
      progress.lastSeq = batch.lastSeq;
      if (until(progress)) done();
    },
  });
  const start = performance.now();
  await pipeline.start();
  if (!until(progress)) await caughtUp;
  const seconds = (performance.now() - start) / 1000;
  await pipeline.stop();
  return { ...progress, seconds };
}
