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
  owner: string | null;
  revision: string | null;
  created: string;
  reason: string | null;
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
}

export interface ServicePort {
  name: string | null;
  port: number;
  targetPort: number | string;
  nodePort?: number | null;
  protocol: string;
}

export interface ServiceRecord {
  key: string;
  name: string;
  namespace: string;
  type: string;
  clusterIP: string | null;
  ports: ServicePort[];
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
  aggregated: boolean;
  unscheduled: number;
  nodes: NodeRecord[];
  pods: PodRecord[];
  deployments: DeploymentRecord[];
  services: ServiceRecord[];
  events: EventRecord[];
}

export interface RecordLists {
  nodes: NodeRecord[];
  pods: PodRecord[];
  deployments: DeploymentRecord[];
  services: ServiceRecord[];
}

export interface RemovedKeys {
  nodes: string[];
  pods: string[];
  deployments: string[];
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
}

export const DEFAULT_AGGREGATE_ABOVE = 2000;
export const MAX_EVENTS = 20;
