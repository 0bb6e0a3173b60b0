/**
 * Pure functions from the cluster state (state.ts) to what the view draws: node cards with
 * their pod chips, the Pending lane, rollout bars, the workload legend (with HPAs), the
 * service legend and the events feed.
 *
 * Data flow: `layout(state, options)` → `ClusterLayout`, a tree of plain records with stable
 * keys (node name, pod uid, deployment/service key) in a deterministic order; view.ts turns
 * it into keyed DOM. Above `aggregate_above` pods (or when the kernel says so) node cards carry
 * counts per state instead of chips. Colours follow PROTOCOL.md §7 through CSS classes.
 */

import {
  DEFAULT_AGGREGATE_ABOVE,
  DeploymentRecord,
  EventRecord,
  NodeRecord,
  PodRecord,
  ResourceUse
} from './protocol';
import { formatCpu, formatMemory, humanDuration } from './format';
import { Finished, finishedOf, hpaText, WorkloadItem, workloadItem, workloadLabel } from './workloads';
import { ClusterState } from './state';

/** The border class of a chip (PROTOCOL.md §7). */
export type StateClass =
  | 'running'
  | 'notready'
  | 'pending'
  | 'terminating'
  | 'completed'
  | 'failed'
  | 'unknown';

export const STATE_CLASSES: StateClass[] = [
  'running',
  'notready',
  'pending',
  'terminating',
  'completed',
  'failed',
  'unknown'
];

const PENDING_STATES = new Set(['Pending', 'ContainerCreating', 'PodInitializing']);
const COMPLETED_STATES = new Set(['Completed', 'Succeeded']);
const UNKNOWN_STATES = new Set(['Unknown', 'NodeLost']);

/** Maps a STATUS (as `kubectl get pods` prints it) and READY (`n/m`) to a chip class. */
export function stateClass(state: string, ready = '1/1'): StateClass {
  if (state === 'Running') {
    const [n, m] = ready.split('/');
    return n === m ? 'running' : 'notready';
  }
  if (PENDING_STATES.has(state) || state.startsWith('Init:')) {
    return state.startsWith('Init:') && /Error|BackOff/.test(state) ? 'failed' : 'pending';
  }
  if (state === 'Terminating') {
    return 'terminating';
  }
  if (COMPLETED_STATES.has(state)) {
    return 'completed';
  }
  if (UNKNOWN_STATES.has(state)) {
    return 'unknown';
  }
  // CrashLoopBackOff, Error, OOMKilled, ImagePullBackOff, ErrImagePull, Evicted, …
  return 'failed';
}

export interface UsageBar {
  /** requested / allocatable, clamped to [0, 1]. */
  fraction: number;
  /** True when requests exceed allocatable (should not happen, but shows if it does). */
  over: boolean;
  label: string;
  /** used / allocatable, clamped to [0, 1]: what the Metrics API says is in use. */
  used?: number;
  /** The bar's tooltip: requests and, with the Metrics API, use, in words. */
  title: string;
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}

function usageBar(r: ResourceUse, fmt: (n: number) => string): UsageBar {
  const { requested, allocatable } = r;
  const raw = allocatable > 0 ? requested / allocatable : 0;
  const bar: UsageBar = {
    fraction: clamp01(raw),
    over: raw > 1,
    label: `${fmt(requested)} / ${fmt(allocatable)}`,
    title: `requested ${fmt(requested)} of ${fmt(allocatable)} allocatable`
  };
  if (typeof r.used === 'number') {
    bar.used = allocatable > 0 ? clamp01(r.used / allocatable) : 0;
    bar.label = `${fmt(r.used)} used · ${bar.label}`;
    bar.title += `; ${fmt(r.used)} in use (Metrics API)`;
  }
  return bar;
}

export interface PodChip {
  uid: string;
  name: string;
  namespace: string;
  node: string | null;
  state: string;
  stateClass: StateClass;
  /** Palette index 0–9 of the owning workload, null without one. */
  color: number | null;
  owner: string | null;
  workload: string | null;
  finished: Finished;
  revision: string | null;
  /** Changes whenever anything drawn for the chip changes (keyed DOM updates compare it). */
  sig: string;
  pod: PodRecord;
}

export interface StateCount {
  stateClass: StateClass;
  count: number;
}

export interface NodeCard {
  name: string;
  roles: string;
  /** As the STATUS column of `kubectl get nodes`: `Ready`, `NotReady,SchedulingDisabled`, … */
  status: string;
  ready: NodeRecord['ready'];
  unschedulable: boolean;
  cpu: UsageBar;
  memory: UsageBar;
  podCount: number;
  chips: PodChip[];
  /** Aggregated mode only: counts per chip class, in STATE_CLASSES order, zero counts left out. */
  counts: StateCount[] | null;
  sig: string;
}

export interface RolloutSegment {
  hash: string;
  revision: number;
  image: string;
  pods: number;
  current: boolean;
  /** Share of the bar's width, 0–1. */
  fraction: number;
}

export interface RolloutBar {
  key: string;
  name: string;
  namespace: string;
  color: number;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  image: string;
  segments: RolloutSegment[];
  /** `deployment/web` */
  label: string;
  /** `hpa …` (hpaText) or '' */
  hpa: string;
  /** `3/6 ready, 3 up-to-date, 5 available` */
  summary: string;
  rollingOut: boolean;
}

export interface ServiceItem {
  key: string;
  name: string;
  namespace: string;
  type: string;
  clusterIP: string | null;
  ports: string;
  endpoints: string[];
}

export interface ClusterLayout {
  cluster: string | null;
  error: string | null;
  gone: string | null;
  aggregated: boolean;
  nodes: NodeCard[];
  pending: { chips: PodChip[]; total: number };
  deployments: RolloutBar[];
  workloads: WorkloadItem[];
  services: ServiceItem[];
  events: EventRecord[];
  totals: { nodes: number; readyNodes: number; pods: number };
}

export interface LayoutOptions {
  aggregate_above?: number;
  /** Whether kube-system is shown (the kernel filters; the toggle reflects it). */
  show_system?: boolean;
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function podOrder(a: PodRecord, b: PodRecord): number {
  return (
    compareNames(a.namespace, b.namespace) || compareNames(a.name, b.name) || compareNames(a.uid, b.uid)
  );
}

export function podChip(p: PodRecord, colors: Map<string, number>): PodChip {
  // Older snapshots carry only the deployment `owner`: colour from the deployment then.
  const color = p.color ?? (p.owner !== null ? (colors.get(p.owner) ?? null) : null);
  const finished = finishedOf(p);
  return {
    uid: p.uid,
    name: p.name,
    namespace: p.namespace,
    node: p.node,
    state: p.state,
    stateClass: stateClass(p.state, p.ready),
    color,
    owner: p.owner,
    workload: p.workload ?? null,
    finished,
    revision: p.revision,
    sig: `${p.state}|${p.ready}|${color}|${finished}|${p.restarts}|${p.ip}|${p.image}|${p.reason}|${p.node}`,
    pod: p
  };
}

/**
 * The node STATUS column of `kubectl get nodes`: `Ready` only when the Ready condition is
 * True; False and Unknown (a node that stopped reporting) both print `NotReady`.
 */
export function nodeStatus(n: NodeRecord): string {
  const ready = n.ready === 'Ready' ? 'Ready' : 'NotReady';
  return n.unschedulable ? `${ready},SchedulingDisabled` : ready;
}

function orderedCounts(totals: Map<StateClass, number>): StateCount[] {
  return STATE_CLASSES.filter(c => (totals.get(c) ?? 0) > 0).map(c => ({
    stateClass: c,
    count: totals.get(c) as number
  }));
}

/** Counts by chip class from the kernel's per-STATUS counts (aggregated mode). */
export function countsFromStates(states: Record<string, number>): StateCount[] {
  const totals = new Map<StateClass, number>();
  for (const [state, count] of Object.entries(states)) {
    const cls = stateClass(state);
    totals.set(cls, (totals.get(cls) ?? 0) + count);
  }
  return orderedCounts(totals);
}

function countsFromPods(pods: PodRecord[]): StateCount[] {
  const totals = new Map<StateClass, number>();
  for (const p of pods) {
    const cls = stateClass(p.state, p.ready);
    totals.set(cls, (totals.get(cls) ?? 0) + 1);
  }
  return orderedCounts(totals);
}

function rolloutBar(d: DeploymentRecord): RolloutBar {
  const total = d.revisions.reduce((sum, r) => sum + r.pods, 0);
  const width = Math.max(d.desired, total, 1);
  return {
    key: d.key,
    name: d.name,
    namespace: d.namespace,
    color: d.color,
    desired: d.desired,
    updated: d.updated,
    ready: d.ready,
    available: d.available,
    image: d.image,
    segments: d.revisions
      .filter(r => r.pods > 0)
      .map(r => ({ ...r, fraction: r.pods / width })),
    label: d.label ?? workloadLabel(`deployment/${d.key}`),
    hpa: hpaText(d.hpa),
    summary: `${d.ready}/${d.desired} ready, ${d.updated} up-to-date, ${d.available} available`,
    rollingOut: d.revisions.some(r => !r.current && r.pods > 0) || d.updated < d.desired
  };
}

/** state → what to draw. Deterministic: same state, same layout, same order. */
export function layout(state: ClusterState, options: LayoutOptions = {}): ClusterLayout {
  const threshold = options.aggregate_above ?? DEFAULT_AGGREGATE_ABOVE;
  const colors = new Map<string, number>();
  for (const d of state.deployments.values()) {
    colors.set(d.key, d.color);
  }
  const byNode = new Map<string, PodRecord[]>();
  const pending: PodRecord[] = [];
  for (const p of state.pods.values()) {
    if (p.node === null) {
      pending.push(p);
      continue;
    }
    const list = byNode.get(p.node);
    if (list) {
      list.push(p);
    } else {
      byNode.set(p.node, [p]);
    }
  }
  const scheduledPods = state.pods.size - pending.length;
  const aggregated = state.aggregated || scheduledPods > threshold;

  const names = Array.from(state.nodes.keys()).sort(compareNames);
  const nodes: NodeCard[] = names.map(name => {
    const n = state.nodes.get(name) as NodeRecord;
    const pods = (byNode.get(name) ?? []).sort(podOrder);
    let counts: StateCount[] | null = null;
    if (aggregated) {
      counts = n.states ? countsFromStates(n.states) : countsFromPods(pods);
    }
    const cpu = usageBar(n.cpu, formatCpu);
    const memory = usageBar(n.memory, formatMemory);
    const status = nodeStatus(n);
    const chips = aggregated ? [] : pods.map(p => podChip(p, colors));
    return {
      name,
      roles: n.roles.length ? n.roles.join(',') : '<none>',
      status,
      ready: n.ready,
      unschedulable: n.unschedulable,
      cpu,
      memory,
      podCount: n.pods,
      chips,
      counts,
      sig: `${status}|${n.roles.join(',')}|${cpu.label}|${memory.label}|${n.pods}|${counts ? counts.map(c => c.stateClass + c.count).join(',') : ''}`
    };
  });
  // Pods bound to a node the view does not know (e.g. deleted) stay visible in the lane.
  for (const [node, pods] of byNode) {
    if (!state.nodes.has(node)) {
      pending.push(...pods);
    }
  }
  pending.sort(
    (a, b) => compareNames(a.created, b.created) || podOrder(a, b)
  );
  const deployments = Array.from(state.deployments.values())
    .sort((a, b) => compareNames(a.key, b.key))
    .map(rolloutBar);
  const workloads = Array.from(state.workloads.values())
    .sort((a, b) => compareNames(a.key, b.key))
    .map(workloadItem);
  const isIngress = (s: { type: string }) => (s.type === 'Ingress' ? 1 : 0);
  const services = Array.from(state.services.values())
    .sort((a, b) => isIngress(a) - isIngress(b) || compareNames(a.key, b.key))
    .map(s => ({
      key: s.key,
      name: s.name,
      namespace: s.namespace,
      type: s.type,
      clusterIP: s.clusterIP,
      ports: s.routes
        ? s.routes.map(r => `${r.host}${r.path} → ${r.service}:${r.port}`).join(', ')
        : s.ports.map(p => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(','),
      endpoints: s.endpoints.slice()
    }));
  let readyNodes = 0;
  for (const n of state.nodes.values()) {
    if (n.ready === 'Ready') {
      readyNodes++;
    }
  }
  let podTotal = 0;
  if (state.aggregated) {
    for (const n of state.nodes.values()) {
      podTotal += Object.values(n.states ?? {}).reduce((a, b) => a + b, 0);
    }
    podTotal += state.unscheduled;
  } else {
    podTotal = state.pods.size;
  }
  return {
    cluster: state.cluster,
    error: state.error,
    gone: state.gone ?? null,
    aggregated,
    nodes,
    pending: {
      chips: pending.map(p => podChip(p, colors)),
      total: Math.max(pending.length, state.unscheduled)
    },
    deployments,
    workloads,
    services,
    events: state.events.slice().reverse(),
    totals: { nodes: state.nodes.size, readyNodes, pods: podTotal }
  };
}

/** Tooltip lines for a chip: name, node, IP, image, restarts, age (against the cluster clock). */
export function tooltipLines(p: PodRecord, clusterNowMs: number | null): string[] {
  const lines = [
    `${p.namespace}/${p.name}`,
    ...(p.workload ? [`workload: ${workloadLabel(p.workload)}`] : []),
    `status: ${p.state}  ready: ${p.ready}`,
    `node: ${p.node ?? '<none>'}`,
    `IP: ${p.ip ?? '<none>'}`,
    `image: ${p.image}`,
    `restarts: ${p.restarts}`
  ];
  const created = Date.parse(p.created);
  if (clusterNowMs !== null && !Number.isNaN(created)) {
    lines.push(`age: ${humanDuration(clusterNowMs - created)}`);
  }
  if (p.revision) {
    lines.push(`revision: ${p.revision}`);
  }
  if (p.reason) {
    lines.push(`reason: ${p.reason}`);
  }
  return lines;
}
