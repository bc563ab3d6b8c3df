import { KubeConflictError, type KubeObjects } from './kube-objects.ts';

export interface LeaseElectorOptions {
  namespace: string;
  leaseName: string;
  /** This replica's identity (the pod name). */
  identity: string;
  /** A holder that has not renewed for this long has lost the lease. */
  leaseDurationSeconds: number;
  now?: () => Date;
}

/** Kubernetes MicroTime is RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, the way client-go does it: the holder renews
 * `renewTime`; anyone may take a lease whose renewTime + leaseDuration has passed. Every write
 * carries the resourceVersion it read, so two replicas racing for it cannot both win.
 */
export class LeaseElector {
  readonly #kube: KubeObjects;
  readonly #o: LeaseElectorOptions;
  readonly #now: () => Date;

  constructor(kube: KubeObjects, options: LeaseElectorOptions) {
    this.#kube = kube;
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** Acquires or renews the lease; true when this replica holds it now. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, leaseName, identity, leaseDurationSeconds } = this.#o;
    const now = this.#now();
    const lease = await this.#kube.read('coordination.k8s.io/v1', 'Lease', namespace, leaseName);
    try {
      if (!lease) {
        await this.#kube.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: leaseName, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        return true;
      }
      const spec = (lease.spec ?? {}) as Record<string, unknown>;
      const holder = spec.holderIdentity as string | undefined;
      const renewed = spec.renewTime ? new Date(spec.renewTime as string).getTime() : 0;
      const duration = ((spec.leaseDurationSeconds as number | undefined) ?? leaseDurationSeconds) * 1000;
      const expired = renewed + duration <= now.getTime();
      if (holder && holder !== identity && !expired) return false;
      const taking = holder !== identity;
      await this.#kube.replace({
        ...lease,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds,
          renewTime: microTime(now),
          ...(taking
            ? {
                acquireTime: microTime(now),
                leaseTransitions: ((spec.leaseTransitions as number | undefined) ?? 0) + (holder ? 1 : 0),
              }
            : {}),
        },
      });
      return true;
    } catch (error) {
      // Another replica created or renewed it between our read and write: it leads.
      if (error instanceof KubeConflictError) return false;
      throw error;
    }
  }

  /** Gives the lease up on shutdown so another replica takes over at once, not after the duration. */
  async release(): Promise<void> {
    const { namespace, leaseName, identity } = this.#o;
    const lease = await this.#kube.read('coordination.k8s.io/v1', 'Lease', namespace, leaseName);
    const spec = (lease?.spec ?? {}) as Record<string, unknown>;
    if (!lease || spec.holderIdentity !== identity) return;
    try {
      await this.#kube.replace({
        ...lease,
        spec: { ...spec, leaseDurationSeconds: 1, renewTime: microTime(new Date(0)) },
      });
    } catch (error) {
      if (!(error instanceof KubeConflictError)) throw error;
    }
  }
}
