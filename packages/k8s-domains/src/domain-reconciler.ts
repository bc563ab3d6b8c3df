import { type CustomDomainSource, isRouted } from './domain-source.ts';
import { KubeConflictError, type KubeObjects } from './kube-objects.ts';
import type { ReconcilerConfig } from './reconciler-config.ts';
import {
  apiVersionKind,
  desiredRoute,
  isUpToDate,
  OWNED_ANNOTATIONS,
  type OwnerRef,
  objectName,
  selectorFor,
} from './route-manifests.ts';

export interface ReconcileResult {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
  /** Objects left for the next pass because someone else changed them meanwhile. */
  conflicts: string[];
}

/**
 * One pass: make the cluster's routes (Ingress or HTTPRoute) match the routed domains. Safe to
 * repeat (a second pass over the same rows writes nothing); touches only objects labelled as
 * this reconciler's, so hand-made Ingresses in the namespace are never changed.
 */
export class DomainReconciler {
  readonly #kube: KubeObjects;
  readonly #source: CustomDomainSource;
  readonly #cfg: ReconcilerConfig;

  constructor(kube: KubeObjects, source: CustomDomainSource, cfg: ReconcilerConfig) {
    this.#kube = kube;
    this.#source = source;
    this.#cfg = cfg;
  }

  async #owner(): Promise<OwnerRef> {
    const cm = await this.#kube.read('v1', 'ConfigMap', this.#cfg.namespace, this.#cfg.ownerConfigMap);
    const uid = (cm?.metadata as { uid?: string } | undefined)?.uid;
    if (!uid) throw new Error(`owner ConfigMap ${this.#cfg.namespace}/${this.#cfg.ownerConfigMap} not found`);
    return { apiVersion: 'v1', kind: 'ConfigMap', name: this.#cfg.ownerConfigMap, uid };
  }

  async reconcileOnce(): Promise<ReconcileResult> {
    const cfg = this.#cfg;
    const { apiVersion, kind } = apiVersionKind(cfg);
    const result: ReconcileResult = { created: [], updated: [], deleted: [], unchanged: [], conflicts: [] };
    const [domains, live, owner] = await Promise.all([
      this.#source.listDomains(),
      this.#kube.list(apiVersion, kind, cfg.namespace, selectorFor(cfg)),
      this.#owner(),
    ]);
    const liveByName = new Map(live.map((o) => [(o.metadata as { name: string }).name, o]));
    const wanted = new Set<string>();
    // Two rows can never claim one host (hostname is unique in the schema), but keep the
    // guarantee here too: the first row wins, so one host never gets two routes.
    const hosts = new Set<string>();
    for (const domain of domains.filter(isRouted).sort((a, b) => a.id.localeCompare(b.id))) {
      const hostname = domain.hostname.toLowerCase();
      if (hosts.has(hostname)) continue;
      hosts.add(hostname);
      const desired = desiredRoute(cfg, { ...domain, hostname }, owner);
      const name = objectName(cfg, domain);
      wanted.add(name);
      const current = liveByName.get(name);
      try {
        if (!current) {
          await this.#kube.create(desired as unknown as Record<string, unknown>);
          result.created.push(name);
        } else if (isUpToDate(desired, current)) {
          result.unchanged.push(name);
        } else {
          const meta = current.metadata as Record<string, unknown>;
          const kept = Object.fromEntries(
            Object.entries((meta.annotations ?? {}) as Record<string, string>).filter(
              ([k]) => !OWNED_ANNOTATIONS.includes(k),
            ),
          );
          await this.#kube.replace({
            ...desired,
            metadata: {
              ...desired.metadata,
              // Keep what others added (e.g. cert-manager's annotations), overwrite ours, and drop
              // ours that no longer apply (use-regex after a switch to edge mode).
              labels: { ...(meta.labels as object), ...desired.metadata.labels },
              annotations: { ...kept, ...desired.metadata.annotations },
              resourceVersion: meta.resourceVersion,
            },
          });
          result.updated.push(name);
        }
      } catch (error) {
        if (!(error instanceof KubeConflictError)) throw error;
        result.conflicts.push(name);
      }
    }
    for (const name of liveByName.keys()) {
      if (wanted.has(name)) continue;
      await this.#kube.delete(apiVersion, kind, cfg.namespace, name);
      result.deleted.push(name);
    }
    return result;
  }
}
