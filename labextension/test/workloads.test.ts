// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { layout, tooltipLines } from '../src/layout';
import { ClusterPicture } from '../src/picture';
import { HpaRecord } from '../src/protocol';
import { applyDelta, stateFromSnapshot, Synchronizer } from '../src/state';
import { finishedOf, hpaText, workloadLabel } from '../src/workloads';
import { delta, deployment, pod, snapshot, workload } from './fixtures';

const HPA: HpaRecord = { name: 'web', min: 1, max: 10, current: 2, desired: 3, targets: 'cpu: 45%/50%' };

function jobPods() {
  return [
    pod('pi-abcde', 'minikube', {
      owner: null, workload: 'job/default/pi', color: 4, phase: 'Succeeded', state: 'Completed', ready: '0/1', revision: null
    }),
    pod('bad-fghij', 'minikube', {
      owner: null, workload: 'job/default/bad', color: 5, phase: 'Failed', state: 'Error', ready: '0/1', revision: null
    }),
    pod('fluentd-x1', 'minikube-m02', { owner: null, workload: 'daemonset/default/fluentd', color: 6, revision: null }),
    pod('web-7d9c6b8f4-aaaaa', 'minikube-m02', { workload: 'deployment/default/web', color: 0 }),
    pod('solo', 'minikube-m03', { owner: null, workload: null, color: null, revision: null })
  ];
}

function busySnapshot() {
  return snapshot({
    pods: jobPods(),
    deployments: [deployment('web', { color: 0, label: 'deployment/web', hpa: HPA })],
    workloads: [
      workload('job/default/pi', { color: 4, summary: 'Complete 1/1' }),
      workload('job/default/bad', { color: 5, summary: 'Failed 0/1' }),
      workload('daemonset/default/fluentd', { color: 6, summary: '3/3 ready', pods: 3 }),
      workload('statefulset/default/db', { color: 7, hpa: { ...HPA, name: 'db', max: 3 } })
    ]
  });
}

describe('workload model', () => {
  it('indexes workloads from the snapshot and applies their upserts and removals', () => {
    const st = stateFromSnapshot(busySnapshot());
    expect(Array.from(st.workloads.keys()).sort()).toEqual([
      'daemonset/default/fluentd', 'job/default/bad', 'job/default/pi', 'statefulset/default/db'
    ]);
    applyDelta(st, delta(2, {
      upsert: { workloads: [workload('job/default/pi', { color: 4, summary: 'Running 0/1' })] },
      remove: { workloads: ['job/default/bad'] }
    }));
    expect(st.workloads.get('job/default/pi')?.summary).toBe('Running 0/1');
    expect(st.workloads.has('job/default/bad')).toBe(false);
    expect(st.seq).toBe(2);
  });

  it('reads snapshots and deltas from before workloads existed', () => {
    const old = snapshot({ pods: [pod('web-1', 'minikube')], deployments: [deployment('web', { color: 2 })] });
    delete old.workloads;
    const st = stateFromSnapshot(old);
    expect(st.workloads.size).toBe(0);
    const d = delta(2);
    delete (d.upsert as Partial<typeof d.upsert>).workloads;
    delete (d.remove as Partial<typeof d.remove>).workloads;
    applyDelta(st, d);
    const lay = layout(st);
    expect(lay.nodes[0].chips[0].color).toBe(2);       // from the deployment `owner`
    expect(lay.deployments[0].label).toBe('deployment/web');
  });
});

describe('workload layout', () => {
  const lay = layout(stateFromSnapshot(busySnapshot()));
  const chips = new Map(lay.nodes.flatMap(n => n.chips).map(c => [c.name, c]));

  it('colours every chip by its workload, neutral for a bare pod', () => {
    expect(chips.get('pi-abcde')?.color).toBe(4);
    expect(chips.get('fluentd-x1')?.color).toBe(6);
    expect(chips.get('web-7d9c6b8f4-aaaaa')?.color).toBe(0);
    expect(chips.get('solo')?.color).toBeNull();
  });

  it('marks completed and failed pods, which stay on their node', () => {
    expect(chips.get('pi-abcde')).toMatchObject({ stateClass: 'completed', finished: 'succeeded', node: 'minikube' });
    expect(chips.get('bad-fghij')).toMatchObject({ stateClass: 'failed', finished: 'failed', node: 'minikube' });
    expect(chips.get('fluentd-x1')?.finished).toBeNull();
    expect(finishedOf(pod('x', 'minikube', { phase: 'Running' }))).toBeNull();
  });

  it('lists the legend sorted by key with labels, summaries and HPAs', () => {
    expect(lay.workloads.map(w => [w.label, w.summary, w.hpa])).toEqual([
      ['ds/fluentd', '3/3 ready', ''],
      ['job/bad', 'Failed 0/1', ''],
      ['job/pi', 'Complete 1/1', ''],
      ['sts/db', '1/1 ready', 'hpa 2/3 of 1–3 (cpu: 45%/50%)']
    ]);
    expect(lay.deployments[0]).toMatchObject({ label: 'deployment/web', hpa: 'hpa 2/3 of 1–10 (cpu: 45%/50%)' });
  });

  it('formats labels and HPA lines', () => {
    expect(workloadLabel('daemonset/kube-system/kube-proxy')).toBe('kube-system/ds/kube-proxy');
    expect(workloadLabel('cronjob/default/hello')).toBe('cronjob/hello');
    expect(hpaText(null)).toBe('');
    expect(hpaText(HPA)).toBe('hpa 2/3 of 1–10 (cpu: 45%/50%)');
    expect(tooltipLines(jobPods()[0], null)).toContain('workload: job/pi');
  });
});

describe('workload picture', () => {
  function setup(withToggle: boolean) {
    const root = document.createElement('div');
    document.body.replaceChildren(root);
    const set: Array<[string, boolean]> = [];
    const picture = new ClusterPicture(root, withToggle
      ? { act: () => undefined, actions: () => [], setOption: (name, value) => set.push([name, value]) }
      : {});
    return { root, set, picture };
  }

  it('draws finished chips with their mark and the workload legend', () => {
    const { root, picture } = setup(true);
    const sync = new Synchronizer(() => undefined);
    sync.onSnapshot(busySnapshot());
    picture.draw(sync.state, {}, performance.now());
    const pi = root.querySelector('[data-name="pi-abcde"]') as HTMLElement;
    expect(pi.classList.contains('kubenb-finished-succeeded')).toBe(true);
    expect(pi.classList.contains('kubenb-state-completed')).toBe(true);
    expect(pi.textContent).toBe('✓');
    expect(pi.closest('.kubenb-node')?.getAttribute('data-node')).toBe('minikube');
    const bad = root.querySelector('[data-name="bad-fghij"]') as HTMLElement;
    expect(bad.classList.contains('kubenb-finished-failed')).toBe(true);
    expect(bad.textContent).toBe('✗');
    expect((root.querySelector('[data-name="fluentd-x1"]') as HTMLElement).classList.contains('kubenb-owner-6')).toBe(true);
    const legend = Array.from(root.querySelectorAll('.kubenb-workload')) as HTMLElement[];
    expect(legend.map(e => e.querySelector('.kubenb-workload-name')?.textContent)).toEqual([
      'ds/fluentd', 'job/bad', 'job/pi', 'sts/db'
    ]);
    expect(legend[0].querySelector('.kubenb-swatch')?.classList.contains('kubenb-owner-6')).toBe(true);
    expect(legend[3].querySelector('.kubenb-hpa')?.textContent).toBe('hpa 2/3 of 1–3 (cpu: 45%/50%)');
    const dep = root.querySelector('.kubenb-deploy[data-key="default/web"]') as HTMLElement;
    expect(dep.querySelector('.kubenb-deploy-name')?.textContent).toBe('deployment/web');
    expect(dep.querySelector('.kubenb-hpa')?.textContent).toBe('hpa 2/3 of 1–10 (cpu: 45%/50%)');

    // The Job's pod is deleted: its chip goes; the pod that completes next gets its mark.
    applyDelta(sync.state, delta(2, {
      remove: { pods: ['uid-pi-abcde'] },
      upsert: { pods: [{ ...jobPods()[2], phase: 'Succeeded', state: 'Completed' }] }
    }));
    picture.draw(sync.state, {}, performance.now());
    expect(root.querySelectorAll('[data-name="pi-abcde"]:not(.kubenb-exit)')).toHaveLength(0);
    expect((root.querySelector('[data-name="fluentd-x1"]') as HTMLElement).textContent).toBe('✓');
  });

  it('has a kube-system toggle that sets the option and follows it', () => {
    const { root, set, picture } = setup(true);
    const sync = new Synchronizer(() => undefined);
    sync.onSnapshot(busySnapshot());
    picture.draw(sync.state, { show_system: false }, performance.now());
    const box = root.querySelector('.kubenb-system-toggle input') as HTMLInputElement;
    expect(box.checked).toBe(false);
    box.checked = true;
    box.dispatchEvent(new Event('change', { bubbles: true }));
    expect(set).toEqual([['show_system', true]]);
    picture.draw(sync.state, { show_system: true }, performance.now());
    expect(box.checked).toBe(true);
  });

  it('has no toggle when read-only', () => {
    const { root, picture } = setup(false);
    picture.draw(stateFromSnapshot(busySnapshot()), {}, performance.now());
    expect(root.querySelector('.kubenb-system-toggle')).toBeNull();
    expect(root.querySelectorAll('.kubenb-workload')).toHaveLength(4);
  });
});
