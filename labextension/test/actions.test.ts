import { describe, expect, it } from 'vitest';

import { ActionTracker, describeAction } from '../src/actions';

describe('ActionTracker', () => {
  it('builds protocol messages and tracks queued → running → result', () => {
    const t = new ActionTracker();
    const msg = t.request('scale', { namespace: 'default', name: 'web' }, { replicas: 6 });
    expect(msg).toMatchObject({ type: 'action', verb: 'scale', target: { namespace: 'default', name: 'web' }, args: { replicas: 6 } });
    expect(msg.id).toMatch(/[0-9a-f-]{20,}/);
    expect(t.get(msg.id)?.status).toBe('queued');
    expect(t.started(msg.id)).toBe(true);
    expect(t.get(msg.id)?.status).toBe('running');
    t.result({ type: 'action-result', id: msg.id, ok: false, output: '', error: 'Error from server (NotFound): deployments.apps "web" not found\n' });
    expect(t.get(msg.id)).toMatchObject({ status: 'failed', error: 'Error from server (NotFound): deployments.apps "web" not found\n' });
  });

  it('ignores replies for ids it did not send', () => {
    const t = new ActionTracker();
    expect(t.started('nope')).toBe(false);
    expect(t.result({ type: 'action-result', id: 'nope', ok: true, output: '', error: '' })).toBe(false);
  });

  it('a result may arrive without action-started', () => {
    const t = new ActionTracker();
    const { id } = t.request('cordon', { node: 'minikube-m02' });
    t.result({ type: 'action-result', id, ok: true, output: 'node/minikube-m02 cordoned\n', error: '' });
    expect(t.get(id)?.status).toBe('ok');
    t.started(id);
    expect(t.get(id)?.status).toBe('ok');
  });

  it('keeps the newest entries first and drops old finished ones', () => {
    const t = new ActionTracker(2);
    const ids = [0, 1, 2].map(i => t.request('scale', { namespace: 'default', name: 'web' }, { replicas: i }).id);
    expect(t.recent().map(e => e.id)).toEqual(ids.slice().reverse()); // none finished yet
    t.result({ type: 'action-result', id: ids[0], ok: true, output: '', error: '' });
    t.request('drain', { node: 'n' });
    expect(t.recent()).toHaveLength(3);
    expect(t.get(ids[0])).toBeUndefined();
  });
});

describe('describeAction', () => {
  it('speaks kubectl and minikube', () => {
    expect(describeAction('scale', { namespace: 'default', name: 'web' }, { replicas: 3 })).toBe(
      'kubectl scale deployment/web --replicas=3 -n default'
    );
    expect(describeAction('set-image', { namespace: 'default', name: 'web' }, { image: 'nginx:1.26', container: null })).toBe(
      'kubectl set image deployment/web *=nginx:1.26 -n default'
    );
    expect(describeAction('drain', { node: 'm2' }, { force: true })).toBe(
      'kubectl drain m2 --ignore-daemonsets --delete-emptydir-data --force'
    );
    expect(describeAction('stop-node', { node: 'm2' }, {})).toBe('minikube node stop m2');
    expect(describeAction('delete-pod', { namespace: 'kube-system', name: 'p' }, {})).toBe('kubectl delete pod p -n kube-system');
  });
});
