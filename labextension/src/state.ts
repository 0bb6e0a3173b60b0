/**
 * The front end's copy of the cluster: a plain state object plus the sequence logic that
 * keeps it equal to the kernel's.
 *
 * Data flow: `Synchronizer.onSnapshot` replaces the state from the `snapshot` trait;
 * `Synchronizer.onDelta` applies `delta` messages in `seq` order, ignores stale ones and,
 * on a gap, asks the kernel once for a new snapshot (`{"type": "resync"}`) and holds later
 * deltas until it arrives. The layout (layout.ts) reads the state; nothing here touches the DOM.
 */

import {
  DeltaMessage,
  DeploymentRecord,
  EventRecord,
  MAX_EVENTS,
  NodeRecord,
  PodRecord,
  ServiceRecord,
  Snapshot,
  WorkloadRecord
} from './protocol';

export interface ClusterState {
  seq: number;
  /** Cluster clock time of the last message (RFC 3339) or null. */
  time: string | null;
  cluster: string | null;
  error: string | null;
  /** Set while the cluster is deleted or stopped: the picture greys out, controls are off. */
  gone: string | null;
  aggregated: boolean;
  unscheduled: number;
  nodes: Map<string, NodeRecord>;
  pods: Map<string, PodRecord>;
  deployments: Map<string, DeploymentRecord>;
  workloads: Map<string, WorkloadRecord>;
  services: Map<string, ServiceRecord>;
  /** Latest events, oldest first, at most MAX_EVENTS. */
  events: EventRecord[];
  /** False until the first snapshot arrived. */
  loaded: boolean;
}

export function emptyState(): ClusterState {
  return {
    seq: -1,
    time: null,
    cluster: null,
    error: null,
    gone: null,
    aggregated: false,
    unscheduled: 0,
    nodes: new Map(),
    pods: new Map(),
    deployments: new Map(),
    workloads: new Map(),
    services: new Map(),
    events: [],
    loaded: false
  };
}

function byKey<T>(records: T[] | undefined, key: (r: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const r of records ?? []) {
    map.set(key(r), r);
  }
  return map;
}

/** True when `value` looks like a snapshot (the trait starts as `{}` before the kernel fills it). */
export function isSnapshot(value: unknown): value is Snapshot {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Snapshot).seq === 'number' &&
    Array.isArray((value as Snapshot).nodes)
  );
}

export function stateFromSnapshot(s: Snapshot): ClusterState {
  return {
    seq: s.seq,
    time: s.time ?? null,
    cluster: s.cluster ?? null,
    error: s.error ?? null,
    gone: s.gone ?? null,
    aggregated: !!s.aggregated,
    unscheduled: s.unscheduled ?? 0,
    nodes: byKey(s.nodes, n => n.name),
    pods: byKey(s.pods, p => p.uid),
    deployments: byKey(s.deployments, d => d.key),
    workloads: byKey(s.workloads, w => w.key),
    services: byKey(s.services, v => v.key),
    events: mergeEvents([], s.events ?? []),
    loaded: true
  };
}

/** Appends `incoming` (oldest first); an event with a known uid replaces the old entry. */
export function mergeEvents(current: EventRecord[], incoming: EventRecord[]): EventRecord[] {
  if (incoming.length === 0) {
    return current;
  }
  const fresh = new Set(incoming.map(e => e.uid));
  const merged = current.filter(e => !fresh.has(e.uid)).concat(incoming);
  return merged.length > MAX_EVENTS ? merged.slice(merged.length - MAX_EVENTS) : merged;
}

function countUnscheduled(pods: Map<string, PodRecord>): number {
  let n = 0;
  for (const p of pods.values()) {
    if (p.node === null) {
      n++;
    }
  }
  return n;
}

/**
 * Applies one delta to `state` in place (whole-record upserts, removals by key) and sets
 * `state.seq` to the delta's seq. The caller checks the sequence first.
 */
export function applyDelta(state: ClusterState, delta: DeltaMessage): void {
  const { upsert, remove } = delta;
  for (const name of remove.nodes) {
    state.nodes.delete(name);
  }
  for (const uid of remove.pods) {
    state.pods.delete(uid);
  }
  for (const key of remove.deployments) {
    state.deployments.delete(key);
  }
  for (const key of remove.workloads ?? []) {
    state.workloads.delete(key);
  }
  for (const key of remove.services) {
    state.services.delete(key);
  }
  for (const n of upsert.nodes) {
    state.nodes.set(n.name, n);
  }
  for (const p of upsert.pods) {
    state.pods.set(p.uid, p);
  }
  for (const d of upsert.deployments) {
    state.deployments.set(d.key, d);
  }
  for (const w of upsert.workloads ?? []) {
    state.workloads.set(w.key, w);
  }
  for (const s of upsert.services) {
    state.services.set(s.key, s);
  }
  state.events = mergeEvents(state.events, delta.events ?? []);
  state.seq = delta.seq;
  if (delta.time) {
    state.time = delta.time;
  }
  if (!state.aggregated) {
    state.unscheduled = countUnscheduled(state.pods);
  } else {
    // Aggregated mode: `pods` holds only (a capped list of) unscheduled pods; the kernel's
    // count stays authoritative, but it cannot be smaller than what we hold.
    state.unscheduled = Math.max(state.unscheduled, countUnscheduled(state.pods));
  }
}

/** What happened to a delta handed to `Synchronizer.onDelta`. */
export type DeltaOutcome = 'applied' | 'stale' | 'gap' | 'held';

/**
 * Keeps a ClusterState in step with the kernel's sequence numbers.
 *
 * `requestResync` is called at most once per gap; deltas that arrive while a resync is
 * outstanding are held and replayed after the snapshot if they follow it directly.
 */
export class Synchronizer {
  state: ClusterState = emptyState();
  resyncPending = false;
  private held: DeltaMessage[] = [];

  constructor(private readonly requestResync: () => void) {}

  get lastSeq(): number {
    return this.state.seq;
  }

  onSnapshot(snapshot: unknown): boolean {
    if (!isSnapshot(snapshot)) {
      return false;
    }
    this.state = stateFromSnapshot(snapshot);
    this.resyncPending = false;
    const held = this.held;
    this.held = [];
    for (const d of held.sort((a, b) => a.seq - b.seq)) {
      if (d.seq === this.state.seq + 1) {
        applyDelta(this.state, d);
      }
    }
    return true;
  }

  onDelta(delta: DeltaMessage): DeltaOutcome {
    if (this.resyncPending || !this.state.loaded) {
      if (delta.seq > this.state.seq) {
        this.held.push(delta);
      }
      if (!this.state.loaded && !this.resyncPending) {
        this.resyncPending = true;
        this.requestResync();
      }
      return 'held';
    }
    if (delta.seq <= this.state.seq) {
      return 'stale';
    }
    if (delta.seq > this.state.seq + 1) {
      this.resyncPending = true;
      this.held.push(delta);
      this.requestResync();
      return 'gap';
    }
    applyDelta(this.state, delta);
    return 'applied';
  }

  /**
   * Asks for a fresh snapshot without holding deltas (e.g. when a view is rendered): deltas
   * in sequence keep applying until the snapshot arrives, so a busy kernel shell (which
   * answers only between cells) never freezes the picture.
   */
  refresh(): void {
    if (!this.resyncPending) {
      this.requestResync();
    }
  }
}
