/**
 * Helpers of the cluster tests (scripts/k8s/test/*.test.ts): kubectl against the one-node
 * cluster of scripts/k8s/cluster.sh, and the image refs scripts/k8s/images.sh imported into it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { homedir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const TOOLS_DIR = process.env.GATEHOUSE_TOOLS_DIR || path.join(homedir(), '.cache', 'gatehouse', 'bin');
export const CLUSTER_DIR =
  process.env.GATEHOUSE_K8S_CLUSTER_DIR || path.join(ROOT, '.stack', 'k8s', 'cluster');
const KUBECTL = path.join(TOOLS_DIR, 'kubectl');
const KUBECONFIG = path.join(CLUSTER_DIR, 'kubeconfig');

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** kubectl's binary and the cluster's kubeconfig, for callers that run kubectl asynchronously. */
export const kubectlPath = (): string => KUBECTL;
export const kubeconfigPath = (): string => KUBECONFIG;

/** Runs kubectl (optionally with stdin); never throws. */
export function kubectl(args: string[], input?: string, timeoutMs = 180_000): Result {
  const r = spawnSync(KUBECTL, ['--kubeconfig', KUBECONFIG, ...args], {
    encoding: 'utf8',
    input,
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs kubectl and returns stdout; throws with kubectl's stderr when it fails. */
export function kubectlOk(args: string[], input?: string, timeoutMs?: number): string {
  const r = kubectl(args, input, timeoutMs);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} → ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** NAME_IMAGE=ref lines written by scripts/k8s/images.sh. */
export function imageRef(name: string): string {
  const refs = readFileSync(path.join(CLUSTER_DIR, 'images', 'refs.env'), 'utf8');
  const line = refs.split('\n').find((l) => l.startsWith(`${name}_IMAGE=`));
  if (!line) throw new Error(`${name} image not built (run scripts/k8s/cluster.sh up)`);
  return line.slice(line.indexOf('=') + 1);
}

// Test pods satisfy the "restricted" Pod Security Standard the test namespaces enforce.
export const restricted = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
};
export const podSecurity = {
  runAsNonRoot: true,
  runAsUser: 65534,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** A pod of the testbox image (busybox: sh, wget, nslookup) that sleeps, for `kubectl exec`. */
export function testboxPod(namespace: string, name: string, labels: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      securityContext: podSecurity,
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'client',
          image: imageRef('TESTBOX'),
          imagePullPolicy: 'Never',
          command: ['sleep', '3600'],
          securityContext: restricted,
        },
      ],
    },
  };
}

/**
 * `wget` from inside a testbox pod; the body on success, null when the connection fails.
 * (`timeout`, not wget's own -T: Debian's busybox-static 1.35 wget crashes with -T.)
 */
export function wgetFromPod(namespace: string, pod: string, url: string, seconds = 5): string | null {
  const r = kubectl(
    ['-n', namespace, 'exec', pod, '--', 'timeout', String(seconds), 'wget', '-q', '-O', '-', url],
    undefined,
    30_000,
  );
  return r.status === 0 ? r.stdout : null;
}

/**
 * One GET from the host on a connection of its own (no keep-alive pool): a retry after a
 * failed attempt must take kube-proxy's current rules, which apply to new connections only.
 * Resolves with the status and body; rejects when no answer comes.
 */
export function hostGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
