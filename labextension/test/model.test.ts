// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { ClusterViewModel } from '../src/model';
import { delta, pod, snapshot } from './fixtures';

/** A comm that records what the model sends (the shape ipywidgets' WidgetModel uses). */
class MockComm {
  comm_id = 'comm-1';
  target_name = 'jupyter.widget';
  sent: unknown[] = [];
  on_msg(): void {}
  on_close(): void {}
  send(data: { method: string; content?: unknown }): string {
    this.sent.push(data);
    return 'msg-id';
  }
  close(): string {
    return 'close-id';
  }
  open(): string {
    return 'open-id';
  }
}

function makeModel(initial: Record<string, unknown> = {}) {
  const comm = new MockComm();
  const manager = { get_model: () => undefined, resolveUrl: (u: string) => Promise.resolve(u), callbacks: () => ({}) };
  const model = new ClusterViewModel(initial, { model_id: 'm1', comm, widget_manager: manager } as any);
  const changes: string[] = [];
  model.on('kubenb:changed', (kind: string) => changes.push(kind));
  const custom = () =>
    comm.sent
      .map(m => m as { method: string; content?: unknown })
      .filter(m => m.method === 'custom')
      .map(m => m.content);
  return { model, comm, changes, custom };
}

describe('ClusterViewModel', () => {
  it('declares the names the Python widget uses', () => {
    const { model } = makeModel();
    expect(model.get('_model_name')).toBe('ClusterViewModel');
    expect(model.get('_view_name')).toBe('ClusterViewView');
    expect(model.get('_model_module')).toBe('kubenb-clusterview');
    expect(model.get('_view_module_version')).toBe('0.1.0');
  });

  it('follows the snapshot trait and delta messages', () => {
    const { model, changes } = makeModel({ snapshot: snapshot({ pods: [pod('a', 'minikube')] }) });
    expect(model.cluster.state.pods.size).toBe(1);
    model.trigger('msg:custom', delta(2, { upsert: { pods: [pod('b', 'minikube')] } }));
    expect(model.cluster.state.pods.size).toBe(2);
    expect(changes).toEqual(['state']);
    model.set('snapshot', snapshot({ seq: 3 }));
    expect(model.cluster.state.pods.size).toBe(0);
    expect(changes).toEqual(['state', 'state']);
  });

  it('sends a changed option to the kernel (the kube-system toggle)', () => {
    const { model, comm } = makeModel();
    expect(model.viewOptions.show_system).toBe(false);
    model.setOption('show_system', true);
    expect(model.viewOptions).toEqual({ namespace: null, selector: null, aggregate_above: 2000, show_system: true });
    const updates = comm.sent
      .map(m => m as { method: string; state?: Record<string, unknown> })
      .filter(m => m.method === 'update' && m.state && 'options' in m.state);
    expect(updates[updates.length - 1]?.state?.options).toMatchObject({ show_system: true });
  });

  it('sends resync on a sequence gap', () => {
    const { model, custom } = makeModel({ snapshot: snapshot() });
    model.trigger('msg:custom', delta(5));
    expect(custom()).toEqual([{ type: 'resync' }]);
  });

  it('sends actions and tracks their replies', () => {
    const { model, custom, changes } = makeModel({ snapshot: snapshot() });
    const id = model.act('scale', { namespace: 'default', name: 'web' }, { replicas: 6 });
    expect(custom()).toEqual([{ type: 'action', id, verb: 'scale', target: { namespace: 'default', name: 'web' }, args: { replicas: 6 } }]);
    expect(model.actions.get(id)?.status).toBe('queued');
    model.trigger('msg:custom', { type: 'action-started', id });
    expect(model.actions.get(id)?.status).toBe('running');
    model.trigger('msg:custom', { type: 'action-result', id, ok: true, output: 'deployment.apps/web scaled\n', error: '' });
    expect(model.actions.get(id)).toMatchObject({ status: 'ok', output: 'deployment.apps/web scaled\n' });
    expect(changes).toEqual(['actions', 'actions', 'actions']);
  });
});
