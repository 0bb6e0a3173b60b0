/**
 * The workload side of the picture, pure: how a finished pod is marked, the HPA line, the
 * short workload labels (`ds/fluentd`) and the legend entries of `workloads` records
 * (PROTOCOL.md §2). layout.ts uses them for chips, rollout bars and the legend.
 */

import { HpaRecord, PodRecord, WorkloadRecord } from './protocol';

/** How a finished pod is marked: Succeeded (faded, ✓) or Failed (✗); null while it runs. */
export type Finished = 'succeeded' | 'failed' | null;

export function finishedOf(p: PodRecord): Finished {
  return p.phase === 'Succeeded' ? 'succeeded' : p.phase === 'Failed' ? 'failed' : null;
}

export const FINISHED_MARK: Record<'succeeded' | 'failed', string> = { succeeded: '✓', failed: '✗' };

/** `hpa 2/3 of 1–10 (cpu: 45%/50%)`: current/desired replicas, min–max, targets. */
export function hpaText(h: HpaRecord | null | undefined): string {
  return h ? `hpa ${h.current}/${h.desired} of ${h.min}–${h.max} (${h.targets})` : '';
}

export interface WorkloadItem {
  key: string;
  kind: string;
  label: string;
  color: number;
  summary: string;
  pods: number;
  hpa: string;
}

export function workloadItem(w: WorkloadRecord): WorkloadItem {
  return {
    key: w.key,
    kind: w.kind,
    label: w.label,
    color: w.color,
    summary: w.summary,
    pods: w.pods,
    hpa: hpaText(w.hpa)
  };
}

const SHORT: Record<string, string> = {
  deployment: 'deployment',
  replicaset: 'rs',
  job: 'job',
  cronjob: 'cronjob',
  daemonset: 'ds',
  statefulset: 'sts',
  replicationcontroller: 'rc'
};

/** `deployment/default/web` → `deployment/web`; `daemonset/kube-system/x` → `kube-system/ds/x`. */
export function workloadLabel(key: string): string {
  const [kind, namespace, ...rest] = key.split('/');
  const label = `${SHORT[kind] ?? kind}/${rest.join('/')}`;
  return namespace === 'default' ? label : `${namespace}/${label}`;
}

