import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (share of all samples), largest first: where one phase's CPU went. */
export function topSelfTime(profile: Profile, top = 25): string[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!frame) return;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').at(-1) ?? ''}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
    total += delta;
  });
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, time]) => `${((time / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
}

/**
 * Runs `work` under the V8 CPU profiler when `file` is set (only this phase, not the set-up) and
 * writes the profile there (open it in Chrome DevTools); returns the work's result and the profile.
 */
export async function profiled<T>(
  file: string | undefined,
  work: () => Promise<T>,
): Promise<{ result: T; profile?: Profile }> {
  if (!file) return { result: await work() };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    return { result, profile: profile as unknown as Profile };
  } finally {
    session.disconnect();
  }
}
