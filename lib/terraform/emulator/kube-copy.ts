// The Kubernetes side of a synthesized stack, for a local API server: only
// what the kubernetes provider manages, with the provider pointed at the
// local server. Everything else (google resources and data sources, Helm
// releases that need chart repositories) is dropped, and references to it
// become placeholder strings.
import type { StackJson } from '../stacks';

/** Resource and data types a local API server can host. */
export function isKubernetesType(type: string): boolean {
  return type.startsWith('kubernetes_');
}

export interface KubeCopy {
  readonly json: StackJson;
  readonly kept: number;
  /** Dropped resource types and how many of each (reported, not silently lost). */
  readonly dropped: Record<string, number>;
}

/** Whether a stack has anything for the local server. */
export function hasKubernetesResources(json: StackJson): boolean {
  return Object.keys(json.resource ?? {}).some(isKubernetesType);
}

export function kubernetesCopy(json: StackJson, server: { host: string; token: string }): KubeCopy {
  const dropped: Record<string, number> = {};
  const keep = (blocks: StackJson['resource'], prefix: string) =>
    Object.fromEntries(
      Object.entries(blocks ?? {}).filter(([type, byName]) => {
        if (isKubernetesType(type)) return true;
        if (prefix === '') dropped[type] = Object.keys(byName).length;
        return false;
      }),
    );
  const resource = keep(json.resource, '');
  const data = keep(json.data, 'data.');
  const copy: StackJson = {
    terraform: { required_providers: { kubernetes: json.terraform?.required_providers?.kubernetes } },
    provider: {
      kubernetes: (json.provider?.kubernetes ?? [{}]).map((entry) => {
        const alias = (entry as { alias?: string }).alias;
        return { ...(alias ? { alias } : {}), host: server.host, token: server.token, insecure: true };
      }),
    },
    resource: replaceDroppedReferences(resource) as StackJson['resource'],
    ...(Object.keys(data).length > 0 ? { data: replaceDroppedReferences(data) as StackJson['data'] } : {}),
  };
  const kept = Object.values(resource).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
  return { json: copy, kept, dropped };
}

/** A reference (`type.name...` or `data.type.name...`) to something the copy does not keep. */
function referencesDropped(expression: string): boolean {
  const references = expression.match(/\b(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+/g) ?? [];
  return references.some((ref) => !isKubernetesType(ref.replace(/^data\./, '').split('.')[0]));
}

function replaceDroppedReferences(value: unknown): unknown {
  if (typeof value === 'string') {
    // The placeholder names what it stands for (e.g. a service account email in an annotation).
    return value.replace(/\$\{([^{}]*)\}/g, (whole, inner: string) => (referencesDropped(inner) ? `placeholder:${inner.trim()}` : whole));
  }
  if (Array.isArray(value)) {
    return value.filter((item) => !(typeof item === 'string' && !item.includes('${') && referencesDropped(item))).map(replaceDroppedReferences);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceDroppedReferences(item)]));
  }
  return value;
}
