/**
 * The wire protocol between the kernel (`kubenb.widgets.ClusterView`) and this front end,
 * as TypeScript types. PROTOCOL.md in this folder is the contract; these types mirror it.
 *
 * Data flow: the kernel replaces the `snapshot` trait (full state) and sends `delta`
 * custom messages; the front end answers with `resync` and `action` messages and receives
 * `action-started` / `action-result` replies.
 */

export const MODULE_NAME = 'kubenb-clusterview';
export const MODULE_VERSION = '0.1.0';

/** Requested vs allocatable amount of one node resource (millicores or bytes). */
export interface ResourceUse {
  requested: number;
  allocatable: number;
  /** In use now, from the Metrics API (the metrics-server addon); absent without it. */
  used?: number;
}

export type NodeReadiness = 'Ready' | 'NotReady' | 'Unknown';

export interface NodeRecord {
  name: string;
  roles: string[];
  ip?: string | null;
  ready: NodeReadiness;
  unschedulable: boolean;
  cpu: ResourceUse;
  memory: ResourceUse;
  pods: number;
  /** Only in aggregated mode: pod counts by STATUS. */
  states?: Record<string, number>;
}

export interface PodRecord {
  uid: string;
  name: string;
  namespace: string;
  node: string | null;
  phase: string;
  /** The STATUS column of `kubectl get pods`. */
  state: string;
  ready: string;
  restarts: number;
  ip: string | null;
  image: string;
  /** The deployment key (`ns/name`) of a Deployment's pod, else null. */
  owner: string | null;
  /** Key of the top workload (`deployment/default/web`, `cronjob/default/hello`), null for a bare pod. */
  workload?: string | null;
  /** Palette index of that workload (§7), null without one. */
  color?: number | null;
  revision: string | null;
  created: string;
  reason: string | null;
}

/** The HorizontalPodAutoscaler scaling a workload. */
export interface HpaRecord {
  name: string;
  min: number;
  max: number;
  current: number;
  desired: number;
  /** The TARGETS cell of `kubectl get hpa`: `cpu: 45%/50%`. */
  targets: string;
}

/** A top workload other than a Deployment: Job, CronJob, DaemonSet, StatefulSet, RC, bare RS. */
export interface WorkloadRecord {
  key: string;
  kind: string;
  name: string;
  namespace: string;
  /** `job/pi`, `ds/fluentd` (namespace first outside `default`). */
  label: string;
  color: number;
  /** In kubectl's words: `Complete 1/1`, `2/2 ready`, `@hourly, 1 active` (schedule, ACTIVE). */
  summary: string;
  /** Its pods in the view, any phase. */
  pods: number;
  hpa: HpaRecord | null;
}

export interface RevisionRecord {
  hash: string;
  revision: number;
  image: string;
  pods: number;
  current: boolean;
}

export interface DeploymentRecord {
  key: string;
  name: string;
  namespace: string;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  image: string;
  color: number;
  revisions: RevisionRecord[];
  /** `deployment/web` (namespace first outside `default`). */
  label?: string;
  hpa?: HpaRecord | null;
}

export interface ServicePort {
  name: string | null;
  port: number;
  targetPort: number | string;
  nodePort?: number | null;
  protocol: string;
}

/** One route of an Ingress: `host` (`*` for any) and `path` to a Service's port. */
export interface IngressRoute {
  host: string;
  path: string;
  service: string;
  port: string;
}

/** A Service, or an Ingress (`type: "Ingress"`, key `ingress/NS/NAME`, `clusterIP` its
 * ADDRESS, `routes` its rules, `endpoints` the pods of all its backend Services). */
export interface ServiceRecord {
  key: string;
  name: string;
  namespace: string;
  type: string;
  clusterIP: string | null;
  ports: ServicePort[];
  routes?: IngressRoute[];
  endpoints: string[];
}

export interface EventRecord {
  uid: string;
  time: string;
  type: string;
  reason: string;
  object: string;
  namespace?: string | null;
  message: string;
  count?: number;
}

export interface Snapshot {
  seq: number;
  time: string | null;
  cluster: string | null;
  error: string | null;
  /** Why the cluster is not there (deleted or stopped); absent in older snapshots. */
  gone?: string | null;
  aggregated: boolean;
  unscheduled: number;
  nodes: NodeRecord[];
  pods: PodRecord[];
  deployments: DeploymentRecord[];
  /** Absent in snapshots saved before workloads existed. */
  workloads?: WorkloadRecord[];
  services: ServiceRecord[];
  events: EventRecord[];
}

export interface RecordLists {
  nodes: NodeRecord[];
  pods: PodRecord[];
  deployments: DeploymentRecord[];
  workloads: WorkloadRecord[];
  services: ServiceRecord[];
}

export interface RemovedKeys {
  nodes: string[];
  pods: string[];
  deployments: string[];
  workloads: string[];
  services: string[];
}

export interface DeltaMessage {
  type: 'delta';
  seq: number;
  time: string | null;
  upsert: RecordLists;
  remove: RemovedKeys;
  events: EventRecord[];
}

export type ActionVerb =
  | 'scale'
  | 'set-image'
  | 'delete-pod'
  | 'cordon'
  | 'uncordon'
  | 'drain'
  | 'stop-node'
  | 'start-node';

export interface ActionMessage {
  type: 'action';
  id: string;
  verb: ActionVerb;
  target: Record<string, string>;
  args: Record<string, unknown>;
}

export interface ActionStartedMessage {
  type: 'action-started';
  id: string;
}

export interface ActionResultMessage {
  type: 'action-result';
  id: string;
  ok: boolean;
  output: string;
  error: string;
}

export interface ResyncMessage {
  type: 'resync';
}

export type KernelMessage = DeltaMessage | ActionStartedMessage | ActionResultMessage;
export type FrontEndMessage = ActionMessage | ResyncMessage;

export interface ViewOptions {
  namespace: string | null;
  selector: string | null;
  aggregate_above: number;
  /** Also show the kube-system namespace (off by default). */
  show_system: boolean;
}

export const DEFAULT_AGGREGATE_ABOVE = 2000;
export const MAX_EVENTS = 20;
