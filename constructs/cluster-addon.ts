import { Construct } from 'constructs';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Release } from '@cdktf/provider-helm/lib/release';
import type { Labels } from '../lib/labels';
import type { PinnedChart } from '../lib/cluster-addons';
import { throwIfProblems } from '../lib/props';
import { podSecurityLabels, type PodSecurityLevel } from '../lib/pod-security';
import { waive } from '../lib/policy/waivers';

export type { PodSecurityLevel };

export interface ClusterAddonProps {
  /** Namespace and release name. */
  readonly name: string;
  readonly chart: PinnedChart;
  /** Chart values (rendered as YAML for Helm). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Pod Security Standard the namespace enforces; `restricted` is always warned and audited. @default restricted */
  readonly podSecurity?: PodSecurityLevel;
  /** Why `baseline` is needed: required with it, printed on every synth as a waiver of pod-security-restricted. @default none (restricted) */
  readonly podSecurityReason?: string;
  readonly labels: Labels;
}

/**
 * A platform add-on in a cluster: its own namespace with Pod Security labels
 * and a Helm release of a pinned chart version in it. The release is atomic
 * (a failed upgrade rolls back) and waits until its pods are ready.
 */
export class ClusterAddon extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ClusterAddonProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^\d+\.\d+\.\d+$/.test(props.chart.version)) problems.push(`chart.version "${props.chart.version}" must be an exact version (e.g. "1.15.0"), so an upgrade is a reviewed change`);
    if (!/^https:\/\//.test(props.chart.repository)) problems.push(`chart.repository "${props.chart.repository}" must be an https:// URL`);
    const level = props.podSecurity ?? 'restricted';
    if (level === 'baseline' && (props.podSecurityReason ?? '').trim().length < 20) {
      problems.push('podSecurityReason is required with podSecurity baseline: at least 20 characters saying why restricted cannot be met');
    }
    throwIfProblems('ClusterAddon', this.node.path, problems);

    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: props.name,
        // Pinned like team namespaces (lib/pod-security.ts); warn and audit stay restricted.
        labels: { ...props.labels, ...podSecurityLabels(level) },
      },
    });
    if (level === 'baseline') waive(this.namespace, 'pod-security-restricted', `baseline enforced: ${props.podSecurityReason?.trim()}`);
    this.release = new Release(this, 'Release', {
      name: props.name,
      namespace: this.namespace.metadata.name,
      repository: props.chart.repository,
      chart: props.chart.chart,
      version: props.chart.version,
      // JSON is YAML: Helm reads the values as they are written here.
      values: [JSON.stringify(props.values)],
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      timeout: 600,
      maxHistory: 5,
    });
  }
}
