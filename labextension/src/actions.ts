/**
 * Controls → kernel: builds `action` messages and tracks each one until its result.
 *
 * Data flow: a control calls `ActionTracker.request(verb, target, args)`, which returns the
 * message to send and records the action as `queued`; `action-started` moves it to
 * `running`, `action-result` to `ok` or `failed` with kubectl's output or error text.
 * The view draws `ActionTracker.recent()`; nothing here touches the DOM.
 */

import {
  ActionMessage,
  ActionResultMessage,
  ActionVerb
} from './protocol';

export type ActionStatus = 'queued' | 'running' | 'ok' | 'failed';

export interface ActionEntry {
  id: string;
  verb: ActionVerb;
  /** Human description, e.g. `scale deployment default/web to 6`. */
  label: string;
  status: ActionStatus;
  output: string;
  error: string;
}

let fallbackCounter = 0;

/** A random id; `crypto.randomUUID` where the page allows it. */
export function newActionId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === 'function') {
    return c.randomUUID();
  }
  fallbackCounter += 1;
  return `a-${Date.now().toString(36)}-${fallbackCounter}-${Math.random().toString(36).slice(2)}`;
}

/** The text a control shows for an action, in kubectl/minikube words. */
export function describeAction(
  verb: ActionVerb,
  target: Record<string, string>,
  args: Record<string, unknown>
): string {
  const ns = target.namespace ? ` -n ${target.namespace}` : '';
  switch (verb) {
    case 'scale':
      return `kubectl scale deployment/${target.name} --replicas=${args.replicas}${ns}`;
    case 'set-image':
      return `kubectl set image deployment/${target.name} ${args.container ?? '*'}=${args.image}${ns}`;
    case 'delete-pod':
      return `kubectl delete pod ${target.name}${ns}`;
    case 'cordon':
    case 'uncordon':
      return `kubectl ${verb} ${target.node}`;
    case 'drain':
      return `kubectl drain ${target.node} --ignore-daemonsets --delete-emptydir-data${args.force ? ' --force' : ''}`;
    case 'stop-node':
      return `minikube node stop ${target.node}`;
    case 'start-node':
      return `minikube node start ${target.node}`;
  }
}

export class ActionTracker {
  private entries = new Map<string, ActionEntry>();

  constructor(private readonly keep = 6) {}

  request(
    verb: ActionVerb,
    target: Record<string, string>,
    args: Record<string, unknown> = {}
  ): ActionMessage {
    const id = newActionId();
    this.entries.set(id, {
      id,
      verb,
      label: describeAction(verb, target, args),
      status: 'queued',
      output: '',
      error: ''
    });
    this.trim();
    return { type: 'action', id, verb, target, args };
  }

  /** Returns false for an id this tracker does not know (e.g. sent by another view). */
  started(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) {
      return false;
    }
    if (e.status === 'queued') {
      e.status = 'running';
    }
    return true;
  }

  result(msg: ActionResultMessage): boolean {
    const e = this.entries.get(msg.id);
    if (!e) {
      return false;
    }
    e.status = msg.ok ? 'ok' : 'failed';
    e.output = msg.output ?? '';
    e.error = msg.error ?? '';
    return true;
  }

  get(id: string): ActionEntry | undefined {
    return this.entries.get(id);
  }

  /** Newest first. */
  recent(): ActionEntry[] {
    return Array.from(this.entries.values()).reverse();
  }

  private trim(): void {
    // Drop the oldest finished entries beyond `keep`; unfinished ones always stay.
    let excess = this.entries.size - this.keep;
    for (const [id, e] of this.entries) {
      if (excess <= 0) {
        break;
      }
      if (e.status === 'ok' || e.status === 'failed') {
        this.entries.delete(id);
        excess--;
      }
    }
  }
}
