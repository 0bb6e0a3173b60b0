// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';

import { ActionEntry, ActionTracker } from '../src/actions';
import { ClusterPicture } from '../src/picture';
import { ActionVerb } from '../src/protocol';
import { stateFromSnapshot, Synchronizer } from '../src/state';
import { delta, deployment, node, pod, service, snapshot, spread } from './fixtures';

const NODES = ['minikube', 'minikube-m02', 'minikube-m03'];

interface Sent {
  verb: ActionVerb;
  target: Record<string, string>;
  args: Record<string, unknown>;
}

function setup() {
  const root = document.createElement('div');
  document.body.replaceChildren(root);
  const sent: Sent[] = [];
  const tracker = new ActionTracker();
  const picture = new ClusterPicture(root, {
    act: (verb, target, args = {}) => {
      sent.push({ verb, target, args });
      tracker.request(verb, target, args);
    },
    actions: (): ActionEntry[] => tracker.recent()
  });
  const sync = new Synchronizer(() => undefined);
  const draw = () => picture.draw(sync.state, {}, performance.now());
  return { root, sent, tracker, picture, sync, draw };
}

const live = (root: HTMLElement, sel = '') =>
  Array.from(root.querySelectorAll(`${sel} .kubenb-pod:not(.kubenb-exit)`)) as HTMLElement[];

describe('ClusterPicture', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
    t.sync.onSnapshot(
      snapshot({ pods: spread(4, NODES), deployments: [deployment('web', { color: 2 })], services: [service('web', ['uid-web-7d9c6b8f4-00001'])] })
    );
    t.draw();
  });

  it('draws one card per node and one chip per pod inside its node', () => {
    expect(Array.from(t.root.querySelectorAll('.kubenb-node')).map(e => (e as HTMLElement).dataset.node)).toEqual(NODES);
    expect(live(t.root)).toHaveLength(4);
    expect(live(t.root, '[data-node="minikube"]')).toHaveLength(2);
    const chip = live(t.root)[0];
    expect(chip.classList.contains('kubenb-owner-2')).toBe(true);
    expect(chip.classList.contains('kubenb-state-running')).toBe(true);
    expect(t.root.dataset.revision).toBe('1');
    expect(t.root.querySelector('.kubenb-summary')?.textContent).toBe('3 nodes (3 Ready), 4 pods');
  });

  it('keeps the element of an unchanged pod and retires removed ones', () => {
    const before = t.root.querySelector('[data-uid="uid-web-7d9c6b8f4-00000"]');
    t.sync.onDelta(delta(2, { upsert: { pods: spread(6, NODES).slice(4) }, remove: { pods: ['uid-web-7d9c6b8f4-00001'] } }));
    t.draw();
    expect(t.root.querySelector('[data-uid="uid-web-7d9c6b8f4-00000"]')).toBe(before);
    expect(live(t.root)).toHaveLength(5);
    // The removed chip is fading out (or already gone), never counted as live.
    const gone = t.root.querySelector('[data-uid="uid-web-7d9c6b8f4-00001"]');
    expect(gone === null || gone.classList.contains('kubenb-exit')).toBe(true);
  });

  it('moves a chip from the Pending lane into its node when scheduled', () => {
    t.sync.onDelta(delta(2, { upsert: { pods: [pod('late', null)] } }));
    t.draw();
    const el = t.root.querySelector('[data-uid="uid-late"]') as HTMLElement;
    expect(el.closest('.kubenb-pending')).not.toBeNull();
    expect(t.root.querySelector('.kubenb-pending-head')?.textContent).toBe('Pending (1)');
    expect(t.root.querySelector('.kubenb-reason')?.textContent).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    t.sync.onDelta(delta(3, { upsert: { pods: [pod('late', 'minikube-m03')] } }));
    t.draw();
    expect(t.root.querySelector('[data-uid="uid-late"]')).toBe(el);
    expect((el.closest('.kubenb-node') as HTMLElement).dataset.node).toBe('minikube-m03');
    expect((t.root.querySelector('.kubenb-pending') as HTMLElement).hidden).toBe(true);
  });

  it('marks a NotReady node and a cordoned one', () => {
    t.sync.onDelta(
      delta(2, { upsert: { nodes: [node('minikube-m02', { ready: 'NotReady' }), node('minikube-m03', { unschedulable: true })] } })
    );
    t.draw();
    const m2 = t.root.querySelector('[data-node="minikube-m02"]') as HTMLElement;
    const m3 = t.root.querySelector('[data-node="minikube-m03"]') as HTMLElement;
    expect(m2.classList.contains('kubenb-node-notready')).toBe(true);
    expect(m2.querySelector('.kubenb-node-status')?.textContent).toBe('NotReady');
    expect(m3.querySelector('.kubenb-node-status')?.textContent).toBe('Ready,SchedulingDisabled');
    expect((m2.querySelector('[data-verb="start-node"]') as HTMLElement).hidden).toBe(false);
    expect((m2.querySelector('[data-verb="stop-node"]') as HTMLElement).hidden).toBe(true);
    expect((m3.querySelector('[data-verb="uncordon"]') as HTMLElement).hidden).toBe(false);
  });

  it('draws the Metrics API use over the requests bar, and hides it without one', () => {
    const cpu = { requested: 500, allocatable: 2000, used: 1000 };
    t.sync.onDelta(delta(2, { upsert: { nodes: [node('minikube-m02', { cpu })] } }));
    t.draw();
    const bar = t.root.querySelector('[data-node="minikube-m02"] .kubenb-bar-cpu') as HTMLElement;
    const use = bar.querySelector('.kubenb-bar-use') as HTMLElement;
    expect(use.hidden).toBe(false);
    expect(use.style.width).toBe('50.0%');
    expect(bar.querySelector('.kubenb-bar-label')?.textContent).toBe('1 used · 500m / 2');
    expect(bar.title).toBe('requested 500m of 2 allocatable; 1 in use (Metrics API)');
    t.sync.onDelta(delta(3, { upsert: { nodes: [node('minikube-m02')] } }));
    t.draw();
    expect(use.hidden).toBe(true);
  });

  it('sends actions from the controls and shows them as queued', () => {
    (t.root.querySelector('.kubenb-deploy [data-verb="scale-up"]') as HTMLElement).click();
    expect(t.sent[0]).toEqual({ verb: 'scale', target: { namespace: 'default', name: 'web' }, args: { replicas: 5 } });
    (t.root.querySelector('[data-node="minikube-m02"] [data-verb="stop-node"]') as HTMLElement).click();
    expect(t.sent[1]).toEqual({ verb: 'stop-node', target: { node: 'minikube-m02' }, args: {} });
    (t.root.querySelector('[data-node="minikube"] [data-verb="drain"]') as HTMLElement).click();
    expect(t.sent[2].verb).toBe('drain');
    t.picture.drawActions();
    const rows = Array.from(t.root.querySelectorAll('.kubenb-action')) as HTMLElement[];
    expect(rows.map(r => r.dataset.status)).toEqual(['queued', 'queued', 'queued']);
    expect(rows[2].textContent).toContain('queued…kubectl scale deployment/web --replicas=5 -n default');
  });

  it('scales with the slider and sets an image', () => {
    const slider = t.root.querySelector('.kubenb-slider') as HTMLInputElement;
    expect(slider.value).toBe('4');
    expect(slider.max).toBe('10');
    slider.value = '7';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    expect(t.root.querySelector('.kubenb-replicas')?.textContent).toBe('7');
    slider.dispatchEvent(new Event('change', { bubbles: true }));
    expect(t.sent[0].args).toEqual({ replicas: 7 });
    const input = t.root.querySelector('.kubenb-image-input') as HTMLInputElement;
    input.value = 'nginx:1.26';
    (t.root.querySelector('[data-verb="set-image"]') as HTMLElement).click();
    expect(t.sent[1]).toEqual({ verb: 'set-image', target: { namespace: 'default', name: 'web' }, args: { image: 'nginx:1.26', container: null } });
    expect(input.value).toBe('');
    // Enter in the field does the same, and JupyterLab shortcuts stay out of the field.
    input.value = 'nginx:1.27';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(t.sent[2].args).toEqual({ image: 'nginx:1.27', container: null });
    expect(input.closest('[data-lm-suppress-shortcuts]')).not.toBeNull();
  });

  it('selects a pod on click and deletes it from the details', () => {
    live(t.root)[1].click();
    const sel = t.root.querySelector('.kubenb-selection') as HTMLElement;
    expect(sel.hidden).toBe(false);
    expect(sel.textContent).toContain('node: minikube');
    (sel.querySelector('[data-verb="delete-pod"]') as HTMLElement).click();
    expect(t.sent[0].verb).toBe('delete-pod');
    expect(t.sent[0].target.namespace).toBe('default');
  });

  it('shows kubectl error text of a failed action', () => {
    (t.root.querySelector('[data-verb="scale-down"]') as HTMLElement).click();
    const id = t.tracker.recent()[0].id;
    t.tracker.result({ type: 'action-result', id, ok: false, output: '', error: 'error: no objects passed to scale\n' });
    t.picture.drawActions();
    expect(t.root.querySelector('.kubenb-action-error')?.textContent).toBe('error: no objects passed to scale');
    expect(t.root.querySelector('.kubenb-action')?.getAttribute('data-status')).toBe('failed');
  });

  it('highlights service endpoints on hover', () => {
    const svc = t.root.querySelector('.kubenb-svc') as HTMLElement;
    svc.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    expect(t.root.classList.contains('kubenb-highlighting')).toBe(true);
    const lit = Array.from(t.root.querySelectorAll('.kubenb-pod.kubenb-highlight')) as HTMLElement[];
    expect(lit.map(e => e.dataset.uid)).toEqual(['uid-web-7d9c6b8f4-00001']);
    svc.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, relatedTarget: t.root }));
    expect(t.root.querySelectorAll('.kubenb-highlight')).toHaveLength(0);
  });

  it('shows a tooltip with the pod details', () => {
    live(t.root)[0].dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    const tip = t.root.querySelector('.kubenb-tooltip') as HTMLElement;
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toContain('image: nginx:1.25');
    expect(tip.textContent).toMatch(/age: 6\ds/); // pod created 60 s before the snapshot's time
  });

  it('switches to counts per node in aggregated mode and back', () => {
    t.sync.onSnapshot(snapshot({ seq: 5, aggregated: true, nodes: NODES.map(n => node(n, { states: { Running: 900 } })) }));
    t.draw();
    expect(live(t.root)).toHaveLength(0);
    expect(t.root.querySelectorAll('.kubenb-count')).toHaveLength(3);
    expect(t.root.querySelector('.kubenb-count')?.textContent).toBe('900');
    expect(t.root.dataset.aggregated).toBe('true');
    t.sync.onSnapshot(snapshot({ seq: 6, pods: spread(3, NODES) }));
    t.draw();
    expect(t.root.querySelectorAll('.kubenb-count')).toHaveLength(0);
    expect(live(t.root)).toHaveLength(3);
  });

  it('shows the kernel error instead of stale data', () => {
    t.sync.onSnapshot(snapshot({ seq: 7, error: 'cluster "minikube" was deleted', nodes: [] }));
    t.draw();
    expect(t.root.querySelector('.kubenb-error')?.textContent).toBe('cluster "minikube" was deleted');
    expect(t.root.querySelectorAll('.kubenb-node:not(.kubenb-exit)')).toHaveLength(0);
  });
});

describe('a deleted cluster', () => {
  it('greys the picture, says why, and its controls do nothing until a new snapshot reconnects', () => {
    const t = setup();
    const reason = 'cluster "minikube" was deleted (minikube delete): start it again to reconnect';
    const deploy = deployment('web', { desired: 2, ready: 2 });
    t.sync.onSnapshot(snapshot({ seq: 3, gone: reason, deployments: [deploy], pods: spread(2, NODES) }));
    t.draw();
    expect(t.root.classList.contains('kubenb-gone')).toBe(true);
    expect(t.root.querySelector('.kubenb-error')?.textContent).toBe(reason);
    expect(t.root.querySelectorAll('.kubenb-node')).toHaveLength(3);
    const buttons = Array.from(t.root.querySelectorAll('button')) as HTMLButtonElement[];
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.every(b => b.disabled)).toBe(true);
    for (const b of buttons) {
      b.disabled = false; // even a forced click sends nothing
      b.click();
    }
    expect(t.sent).toHaveLength(0);
    t.sync.onSnapshot(snapshot({ seq: 4, gone: null, deployments: [deploy], pods: spread(2, NODES) }));
    t.draw();
    expect(t.root.classList.contains('kubenb-gone')).toBe(false);
    expect(t.root.querySelector('.kubenb-error')?.textContent).toBe('');
    const up = t.root.querySelector('[data-verb="scale-up"]') as HTMLButtonElement;
    expect(up.disabled).toBe(false);
    up.click();
    expect(t.sent.map(s => s.verb)).toEqual(['scale']);
  });
});

describe('read-only picture', () => {
  it('draws a snapshot without controls', () => {
    const root = document.createElement('div');
    const picture = new ClusterPicture(root, {});
    picture.draw(stateFromSnapshot(snapshot({ pods: spread(5, NODES), deployments: [deployment('web')] })), {}, 0);
    expect(root.querySelectorAll('.kubenb-pod')).toHaveLength(5);
    expect(root.querySelectorAll('button')).toHaveLength(0);
    expect(root.classList.contains('kubenb-readonly')).toBe(true);
  });
});
