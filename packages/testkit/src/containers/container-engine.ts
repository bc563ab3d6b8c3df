import { request } from 'node:http';
import { connect } from 'node:net';

// The testcontainers option needs a Docker-API engine (Docker or Podman). Find one before
// importing testcontainers, so "no engine here" is one clear line instead of a library stack
// trace after a long timeout.

export type EngineProbe = { ok: true; dockerHost: string } | { ok: false; tried: string[] };

type Env = Record<string, string | undefined>;

/**
 * Where an engine may listen: DOCKER_HOST alone when it is set (testcontainers honours it),
 * else the usual sockets of rootful Docker, rootless Docker, Podman and Docker Desktop.
 */
export function engineCandidates(env: Env): string[] {
  if (env.DOCKER_HOST) return [env.DOCKER_HOST];
  const candidates = ['unix:///var/run/docker.sock'];
  if (env.XDG_RUNTIME_DIR) {
    candidates.push(`unix://${env.XDG_RUNTIME_DIR}/docker.sock`);
    candidates.push(`unix://${env.XDG_RUNTIME_DIR}/podman/podman.sock`);
  }
  if (env.HOME) candidates.push(`unix://${env.HOME}/.docker/run/docker.sock`);
  return candidates;
}

/** A unix socket answers the Docker API's GET /_ping; a tcp:// address accepts a connection. */
export function pingEngine(dockerHost: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    if (dockerHost.startsWith('unix://')) {
      const req = request(
        { socketPath: dockerHost.slice('unix://'.length), path: '/_ping', timeout: timeoutMs },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
      return;
    }
    // tcp://host:port, possibly TLS (DOCKER_TLS_VERIFY): a TCP connect is the engine-neutral check.
    let url: URL;
    try {
      url = new URL(dockerHost);
    } catch {
      resolve(false);
      return;
    }
    if (url.protocol !== 'tcp:' || !url.port) {
      resolve(false);
      return;
    }
    const socket = connect({ host: url.hostname, port: Number(url.port), timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The first candidate that answers, or the list of those tried. */
export async function findContainerEngine(env: Env, timeoutMs?: number): Promise<EngineProbe> {
  const tried = engineCandidates(env);
  for (const dockerHost of tried) {
    if (await pingEngine(dockerHost, timeoutMs)) return { ok: true, dockerHost };
  }
  return { ok: false, tried };
}

/** The one line the runner prints when there is no engine. */
export function noEngineMessage(tried: readonly string[]): string {
  return `stack-containers: no container engine reachable at ${tried.join(', ')}; use the project-started stack: npm run stack:up`;
}
