/**
 * Where the in-cluster run's parts are, seen from the host (scripts/k8s/in-cluster.sh pins the
 * Service addresses; kube-proxy routes them), in the shape of the local stack's environment
 * (`@gatehouse/testkit` stackEnv), so the e2e helpers — edge fixtures, the load world and load
 * runner, demo-seed — run against the cluster unchanged. Nothing here names the shared stack:
 * its ports are never used.
 */
import path from 'node:path';
import { CLUSTER_DIR } from './cluster-harness.ts';

export const NAMESPACE = 'gatehouse-ci';
export const DEPS_NAMESPACE = 'gatehouse-deps';
export const RELEASE = 'gh';
export const FULLNAME = `${RELEASE}-gatehouse`;
export const EDGE_URL = 'http://10.97.0.2';

/** Parts the cluster has no counterpart of (the local stack's nginx, binaries) get this. */
const NOT_IN_CLUSTER = '/nonexistent/not-in-the-cluster-run';

export function clusterStackEnv(): Record<string, string> {
  const dir = path.join(CLUSTER_DIR, 'e2e');
  return {
    STACK_DIR: dir,
    DATABASE_URL: 'postgresql://gatehouse:ci-postgres-password@10.97.0.3:5432/gatehouse',
    REDIS_URL: 'redis://10.97.0.4:6379',
    NATS_URL: 'nats://10.97.0.5:4222',
    NATS_MONITOR_URL: 'http://10.97.0.5:8222',
    S3_ENDPOINT: 'http://10.97.0.6:9000',
    S3_REGION: 'us-east-1',
    S3_BUCKET: 'gatehouse-media',
    S3_ACCESS_KEY_ID: 'gatehouse-ci',
    S3_SECRET_ACCESS_KEY: 'gatehouse-ci-minio-secret',
    S3_FORCE_PATH_STYLE: 'true',
    // No audit webhook in the cluster's MinIO: origin-request counts report "unavailable".
    MINIO_AUDIT_LOG: path.join(dir, 'minio-audit.jsonl'),
    STRIPE_API_HOST: '10.97.0.7',
    STRIPE_API_PORT: '12111',
    STRIPE_API_PROTOCOL: 'http',
    STRIPE_SECRET_KEY: 'sk_test_gatehouseclusterci',
    EDGE_URL,
    STATIC_URL: EDGE_URL,
    SMTP_URL: 'smtp://mail.invalid:2525',
    STACK_NGINX_CONF_DIR: NOT_IN_CLUSTER,
    STACK_NGINX_CACHE_DIR: NOT_IN_CLUSTER,
    STACK_WWW_DIR: NOT_IN_CLUSTER,
    STACK_LOG_DIR: path.join(dir, 'logs'),
    NGINX_BIN: NOT_IN_CLUSTER,
    MINIO_BIN: NOT_IN_CLUSTER,
    NATS_SERVER_BIN: NOT_IN_CLUSTER,
    STRIPE_MOCK_BIN: NOT_IN_CLUSTER,
    REDIS_SERVER_BIN: NOT_IN_CLUSTER,
    PG_BIN_DIR: NOT_IN_CLUSTER,
  };
}

/** Points this process's stackEnv() at the cluster (call before any e2e helper runs). */
export function useClusterStackEnv(): void {
  Object.assign(process.env, clusterStackEnv());
}

/**
 * The release's edge mode in this run: `edge` (its own edge Deployment on 10.97.0.2) or
 * `ingress-nginx` (in-cluster.sh ingress-nginx: the controller stand-in on the same address).
 */
export const EDGE_MODE: 'edge' | 'ingress-nginx' =
  process.env.GATEHOUSE_K8S_EDGE_MODE === 'ingress-nginx' ? 'ingress-nginx' : 'edge';
export const CONTROLLER_NAMESPACE = 'ingress-nginx';
/** edge.host of charts/gatehouse/ci/cluster-ingress-nginx-values.yaml: the Ingresses' host. */
export const INGRESS_HOST = 'gatehouse.ci.test';
