import {
  ApiException,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';

/** The few API calls the reconciler and the elector make; one adapter over @kubernetes/client-node. */
export interface KubeObjects {
  read(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<Record<string, unknown> | undefined>;
  list(
    apiVersion: string,
    kind: string,
    namespace: string,
    labelSelector: string,
  ): Promise<Record<string, unknown>[]>;
  create(obj: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Replaces with optimistic concurrency (metadata.resourceVersion); a conflict throws KubeConflictError. */
  replace(obj: Record<string, unknown>): Promise<Record<string, unknown>>;
  delete(apiVersion: string, kind: string, namespace: string, name: string): Promise<void>;
}

/** Someone else wrote the object first (409): re-read and decide again next time. */
export class KubeConflictError extends Error {
  override name = 'KubeConflictError';
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

const asKube = (obj: Record<string, unknown>) => obj as unknown as KubernetesObject;
const asPlain = (obj: unknown) => JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;

export function createKubeObjects(kc: KubeConfig): KubeObjects {
  const api = KubernetesObjectApi.makeApiClient(kc);
  return {
    async read(apiVersion, kind, namespace, name) {
      try {
        return asPlain(await api.read({ apiVersion, kind, metadata: { name, namespace } }));
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async list(apiVersion, kind, namespace, labelSelector) {
      const out: Record<string, unknown>[] = [];
      let token: string | undefined;
      do {
        const page = await api.list(
          apiVersion,
          kind,
          namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          labelSelector,
          500,
          token,
        );
        // List items come without apiVersion/kind; put them back so they can be written again.
        for (const item of page.items) out.push({ ...asPlain(item), apiVersion, kind });
        token = page.metadata?._continue || undefined;
      } while (token);
      return out;
    },
    async create(obj) {
      try {
        return asPlain(await api.create(asKube(obj)));
      } catch (error) {
        if (statusOf(error) === 409) throw new KubeConflictError(`${obj.kind} already exists`);
        throw error;
      }
    },
    async replace(obj) {
      try {
        return asPlain(await api.replace(asKube(obj)));
      } catch (error) {
        if (statusOf(error) === 409) throw new KubeConflictError(`${obj.kind} changed since it was read`);
        throw error;
      }
    },
    async delete(apiVersion, kind, namespace, name) {
      try {
        await api.delete({ apiVersion, kind, metadata: { name, namespace } });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    },
  };
}

/** In a pod: the mounted service-account token; elsewhere: $KUBECONFIG or ~/.kube/config. */
export function loadKubeConfig(file?: string): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  return kc;
}
