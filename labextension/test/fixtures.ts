/** Record builders for the tests: protocol records with sensible defaults. */

import {
  DeltaMessage,
  DeploymentRecord,
  EventRecord,
  NodeRecord,
  PodRecord,
  ServiceRecord,
  Snapshot,
  WorkloadRecord
} from '../src/protocol';

export function node(name: string, extra: Partial<NodeRecord> = {}): NodeRecord {
  return {
    name,
    roles: name === 'minikube' ? ['control-plane'] : [],
    ip: '192.168.49.2',
    ready: 'Ready',
    unschedulable: false,
    cpu: { requested: 850, allocatable: 2000 },
    memory: { requested: 178257920, allocatable: 8157212672 },
    pods: 0,
    ...extra
  };
}

export function pod(name: string, nodeName: string | null, extra: Partial<PodRecord> = {}): PodRecord {
  return {
    uid: `uid-${name}`,
    name,
    namespace: 'default',
    node: nodeName,
    phase: nodeName ? 'Running' : 'Pending',
    state: nodeName ? 'Running' : 'Pending',
    ready: nodeName ? '1/1' : '0/1',
    restarts: 0,
    ip: nodeName ? '10.244.0.5' : null,
    image: 'nginx:1.25',
    owner: 'default/web',
    revision: '7d9c6b8f4',
    created: '2026-11-26T19:40:00Z',
    reason: nodeName ? null : '0/3 nodes are available: 3 Insufficient cpu.',
    ...extra
  };
}

export function deployment(name: string, extra: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    key: `default/${name}`,
    name,
    namespace: 'default',
    desired: 4,
    updated: 4,
    ready: 4,
    available: 4,
    image: 'nginx:1.25',
    color: 0,
    revisions: [{ hash: '7d9c6b8f4', revision: 1, image: 'nginx:1.25', pods: 4, current: true }],
    ...extra
  };
}

export function workload(key: string, extra: Partial<WorkloadRecord> = {}): WorkloadRecord {
  const [kind, namespace, name] = key.split('/');
  const short: Record<string, string> = { job: 'job', daemonset: 'ds', statefulset: 'sts', cronjob: 'cronjob' };
  return {
    key,
    kind: { job: 'Job', daemonset: 'DaemonSet', statefulset: 'StatefulSet', cronjob: 'CronJob' }[kind] ?? kind,
    name,
    namespace,
    label: `${short[kind] ?? kind}/${name}`,
    color: 1,
    summary: '1/1 ready',
    pods: 1,
    hpa: null,
    ...extra
  };
}

export function service(name: string, endpoints: string[]): ServiceRecord {
  return {
    key: `default/${name}`,
    name,
    namespace: 'default',
    type: 'NodePort',
    clusterIP: '10.96.12.7',
    ports: [{ name: null, port: 80, targetPort: 8080, nodePort: 31234, protocol: 'TCP' }],
    endpoints
  };
}

export function event(uid: string, extra: Partial<EventRecord> = {}): EventRecord {
  return {
    uid,
    time: '2026-11-26T19:40:03Z',
    type: 'Normal',
    reason: 'Scheduled',
    object: `pod/${uid}`,
    namespace: 'default',
    message: `Successfully assigned default/${uid} to minikube`,
    count: 1,
    ...extra
  };
}

export function snapshot(extra: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 1,
    time: '2026-11-26T19:41:00Z',
    cluster: 'minikube',
    error: null,
    aggregated: false,
    unscheduled: 0,
    nodes: [node('minikube'), node('minikube-m02'), node('minikube-m03')],
    pods: [],
    deployments: [],
    workloads: [],
    services: [],
    events: [],
    ...extra
  };
}

export function delta(seq: number, extra: Partial<Omit<DeltaMessage, 'upsert' | 'remove'>> & {
  upsert?: Partial<DeltaMessage['upsert']>;
  remove?: Partial<DeltaMessage['remove']>;
} = {}): DeltaMessage {
  return {
    type: 'delta',
    seq,
    time: extra.time ?? '2026-11-26T19:41:01Z',
    upsert: { nodes: [], pods: [], deployments: [], workloads: [], services: [], ...extra.upsert },
    remove: { nodes: [], pods: [], deployments: [], workloads: [], services: [], ...extra.remove },
    events: extra.events ?? []
  };
}

/** `n` pods spread round-robin over `nodes`. */
export function spread(n: number, nodes: string[], owner = 'default/web'): PodRecord[] {
  return Array.from({ length: n }, (_, i) =>
    pod(`web-7d9c6b8f4-${String(i).padStart(5, '0')}`, nodes[i % nodes.length], { owner })
  );
}
