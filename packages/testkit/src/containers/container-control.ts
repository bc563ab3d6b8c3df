import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

// Stops and starts one container of the containers option (scripts/stack-containers.ts wrote
// `.stack/containers.json`), for the tests that take a part down on purpose (stackControl).
// Talks to the Docker API directly: no docker CLI needed. A part keeps its host ports across a
// restart (they were bound explicitly), so clients reconnect to the same address.

export type ContainerPart = 'postgres' | 'redis' | 'nats' | 'minio-audit' | 'minio' | 'stripe-mock';

export interface ContainerRecord {
  id: string;
  hostPorts: number[];
}

export interface ContainersFile {
  dockerHost: string;
  parts: Partial<Record<ContainerPart, ContainerRecord>>;
}

export const containersFileName = 'containers.json';

export function readContainersFile(stackDir: string): ContainersFile | undefined {
  try {
    return JSON.parse(readFileSync(join(stackDir, containersFileName), 'utf8')) as ContainersFile;
  } catch {
    return undefined;
  }
}

/** One Docker API call over the engine's unix socket; resolves with the status and body. */
export function dockerApi(
  dockerHost: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: string }> {
  if (!dockerHost.startsWith('unix://')) {
    return Promise.reject(new Error(`container control needs a unix:// DOCKER_HOST (got ${dockerHost})`));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: dockerHost.slice('unix://'.length), method, path, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`Docker API ${method} ${path}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

async function health(dockerHost: string, id: string): Promise<string> {
  const { status, body } = await dockerApi(dockerHost, 'GET', `/containers/${id}/json`);
  if (status !== 200) throw new Error(`container ${id}: inspect answered ${status}`);
  const state = (JSON.parse(body) as { State: { Running: boolean; Health?: { Status: string } } }).State;
  return state.Running ? (state.Health?.Status ?? 'running') : 'stopped';
}

/** Stops a part's container (SIGTERM, then SIGKILL after 10 s); 304 (already stopped) is fine. */
export async function stopContainerPart(file: ContainersFile, part: ContainerPart): Promise<void> {
  const record = file.parts[part];
  if (!record) throw new Error(`${part} is not a container of this stack`);
  const { status, body } = await dockerApi(file.dockerHost, 'POST', `/containers/${record.id}/stop?t=10`);
  if (status !== 204 && status !== 304) throw new Error(`docker stop ${part}: ${status} ${body.trim()}`);
}

/** Starts a part's container again and waits until Docker reports it healthy. */
export async function startContainerPart(
  file: ContainersFile,
  part: ContainerPart,
  timeoutMs = 90_000,
): Promise<void> {
  const record = file.parts[part];
  if (!record) throw new Error(`${part} is not a container of this stack`);
  const { status, body } = await dockerApi(file.dockerHost, 'POST', `/containers/${record.id}/start`);
  if (status !== 204 && status !== 304) throw new Error(`docker start ${part}: ${status} ${body.trim()}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await health(file.dockerHost, record.id);
    if (state === 'healthy') return;
    if (state === 'stopped' || state === 'unhealthy')
      throw new Error(`${part} is ${state} after docker start`);
    if (Date.now() > deadline) throw new Error(`${part} not healthy ${timeoutMs} ms after docker start`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
