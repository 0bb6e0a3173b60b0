import { describe, expect, it } from 'vitest';

import { formatCpu, formatMemory, humanDuration } from '../src/format';
import {
  layout,
  nodeStatus,
  stateClass,
  tooltipLines
} from '../src/layout';
import { stateFromSnapshot } from '../src/state';
import { deployment, node, pod, service, snapshot, spread } from './fixtures';

describe('stateClass', () => {
  it.each([
    ['Running', '1/1', 'running'],
    ['Running', '0/1', 'notready'],
    ['Pending', '0/1', 'pending'],
    ['ContainerCreating', '0/1', 'pending'],
    ['PodInitializing', '0/1', 'pending'],
    ['Init:0/1', '0/1', 'pending'],
    ['Init:CrashLoopBackOff', '0/1', 'failed'],
    ['Terminating', '1/1', 'terminating'],
    ['CrashLoopBackOff', '0/1', 'failed'],
    ['Error', '0/1', 'failed'],
    ['OOMKilled', '0/1', 'failed'],
    ['ImagePullBackOff', '0/1', 'failed'],
    ['ErrImagePull', '0/1', 'failed'],
    ['Completed', '0/1', 'completed'],
    ['NodeLost', '1/1', 'unknown'],
    ['Unknown', '1/1', 'unknown']
  ])('%s %s → %s', (state, ready, cls) => {
    expect(stateClass(state, ready)).toBe(cls);
  });
});

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [-5000, '<invalid>'],
    [-1000, '0s'],
    [0, '0s'],
    [59_000, '59s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [179 * 60_000, '179m'],
    [3 * 3600_000, '3h'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [8 * 3600_000, '8h'],
    [47 * 3600_000, '47h'],
    [50 * 3600_000, '2d2h'],
    [72 * 3600_000, '3d'],
    [10 * 86400_000, '10d'],
    [800 * 86400_000, '2y70d'],
    [9 * 365 * 86400_000, '9y']
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('quantities', () => {
  it('formats cpu and memory', () => {
    expect(formatCpu(850)).toBe('850m');
    expect(formatCpu(2000)).toBe('2');
    expect(formatMemory(178257920)).toBe('170Mi');
    expect(formatMemory(8157212672)).toBe('7.6Gi');
    expect(formatMemory(0)).toBe('0');
  });
});

describe('layout', () => {
  const nodes = ['minikube', 'minikube-m02', 'minikube-m03'];

  it('puts pods into their node cards, sorted, and unscheduled ones in the Pending lane', () => {
    const st = stateFromSnapshot(
      snapshot({
        pods: [...spread(4, nodes), pod('web-x', null)],
        deployments: [deployment('web', { color: 3 })]
      })
    );
    const lay = layout(st);
    expect(lay.nodes.map(n => n.name)).toEqual(nodes);
    expect(lay.nodes.map(n => n.chips.map(c => c.name))).toEqual([
      ['web-7d9c6b8f4-00000', 'web-7d9c6b8f4-00003'],
      ['web-7d9c6b8f4-00001'],
      ['web-7d9c6b8f4-00002']
    ]);
    expect(lay.pending.chips.map(c => c.name)).toEqual(['web-x']);
    expect(lay.pending.total).toBe(1);
    expect(lay.nodes[0].chips[0].color).toBe(3);
    expect(lay.nodes[0].chips[0].stateClass).toBe('running');
    expect(lay.totals).toEqual({ nodes: 3, readyNodes: 3, pods: 5 });
    expect(lay.aggregated).toBe(false);
  });

  it('is deterministic whatever order records arrived in', () => {
    const pods = spread(30, nodes);
    const a = layout(stateFromSnapshot(snapshot({ pods })));
    const b = layout(stateFromSnapshot(snapshot({ pods: pods.slice().reverse(), nodes: snapshot().nodes.reverse() })));
    const strip = (l: typeof a) => JSON.stringify(l.nodes.map(n => [n.name, n.chips.map(c => c.uid)]));
    expect(strip(a)).toEqual(strip(b));
  });

  it('shows node status as kubectl get nodes does', () => {
    expect(nodeStatus(node('n', { ready: 'NotReady' }))).toBe('NotReady');
    expect(nodeStatus(node('n', { ready: 'Unknown' }))).toBe('NotReady');
    expect(nodeStatus(node('n', { unschedulable: true }))).toBe('Ready,SchedulingDisabled');
    const lay = layout(
      stateFromSnapshot(snapshot({ nodes: [node('minikube', { ready: 'Unknown', unschedulable: true })] }))
    );
    expect(lay.nodes[0].status).toBe('NotReady,SchedulingDisabled');
    expect(lay.nodes[0].roles).toBe('control-plane');
    expect(lay.totals.readyNodes).toBe(0);
  });

  it('draws requests against allocatable as bars', () => {
    const lay = layout(
      stateFromSnapshot(
        snapshot({ nodes: [node('a', { roles: [], cpu: { requested: 2500, allocatable: 2000 } })] })
      )
    );
    expect(lay.nodes[0].roles).toBe('<none>');
    expect(lay.nodes[0].cpu).toEqual({
      fraction: 1,
      over: true,
      label: '2500m / 2',
      title: 'requested 2500m of 2 allocatable'
    });
    expect(lay.nodes[0].cpu.used).toBeUndefined();
    expect(lay.nodes[0].memory.fraction).toBeCloseTo(178257920 / 8157212672);
  });

  it('adds what the Metrics API says is in use when the node record has it', () => {
    const cpu = { requested: 750, allocatable: 2000, used: 250 };
    const memory = { requested: 0, allocatable: 4 * 2 ** 30, used: 512 * 2 ** 20 };
    const before = layout(stateFromSnapshot(snapshot({ nodes: [node('a')] }))).nodes[0];
    const lay = layout(stateFromSnapshot(snapshot({ nodes: [node('a', { cpu, memory })] })));
    expect(lay.nodes[0].cpu).toEqual({
      fraction: 0.375,
      over: false,
      used: 0.125,
      label: '250m used · 750m / 2',
      title: 'requested 750m of 2 allocatable; 250m in use (Metrics API)'
    });
    expect(lay.nodes[0].memory.label).toBe('512Mi used · 0 / 4Gi');
    expect(lay.nodes[0].sig).not.toBe(before.sig); // the card is redrawn as use changes
  });

  it('lists Ingresses after Services with their routes', () => {
    const ing = {
      ...service('site', ['u1', 'u2']),
      key: 'ingress/default/site',
      type: 'Ingress',
      clusterIP: '192.168.49.2',
      ports: [],
      routes: [
        { host: 'hello.example', path: '/', service: 'web', port: '80' },
        { host: '*', path: '/v2', service: 'web-v2', port: '8080' }
      ]
    };
    const lay = layout(stateFromSnapshot(snapshot({ services: [ing, service('web', ['u1'])] })));
    expect(lay.services.map(s => s.key)).toEqual(['default/web', 'ingress/default/site']);
    expect(lay.services[1].ports).toBe('hello.example/ → web:80, */v2 → web-v2:8080');
    expect(lay.services[1].endpoints).toEqual(['u1', 'u2']);
  });

  it('keeps pods of an unknown node visible in the Pending lane', () => {
    const lay = layout(stateFromSnapshot(snapshot({ pods: [pod('lost', 'gone-node')] })));
    expect(lay.pending.chips.map(c => c.name)).toEqual(['lost']);
  });

  it('aggregates above the threshold: counts per state instead of chips', () => {
    const pods = spread(9, nodes);
    pods[0] = { ...pods[0], state: 'CrashLoopBackOff', ready: '0/1' };
    const lay = layout(stateFromSnapshot(snapshot({ pods })), { aggregate_above: 8 });
    expect(lay.aggregated).toBe(true);
    expect(lay.nodes.every(n => n.chips.length === 0)).toBe(true);
    expect(lay.nodes[0].counts).toEqual([
      { stateClass: 'running', count: 2 },
      { stateClass: 'failed', count: 1 }
    ]);
    expect(layout(stateFromSnapshot(snapshot({ pods })), { aggregate_above: 9 }).aggregated).toBe(false);
  });

  it('uses the kernel counts when the snapshot is aggregated', () => {
    const st = stateFromSnapshot(
      snapshot({
        aggregated: true,
        unscheduled: 7,
        nodes: [node('a', { states: { Running: 812, ContainerCreating: 3, Pending: 1, ErrImagePull: 2 } })],
        pods: [pod('p', null)]
      })
    );
    const lay = layout(st);
    expect(lay.aggregated).toBe(true);
    expect(lay.nodes[0].counts).toEqual([
      { stateClass: 'running', count: 812 },
      { stateClass: 'pending', count: 4 },
      { stateClass: 'failed', count: 2 }
    ]);
    expect(lay.pending.total).toBe(7);
    expect(lay.totals.pods).toBe(818 + 7);
  });

  it('builds rollout bars: old and new ReplicaSet pods against desired', () => {
    const d = deployment('web', {
      desired: 6,
      updated: 3,
      ready: 5,
      available: 5,
      revisions: [
        { hash: 'old', revision: 1, image: 'nginx:1.25', pods: 3, current: false },
        { hash: 'new', revision: 2, image: 'nginx:1.26', pods: 3, current: true },
        { hash: 'older', revision: 0, image: 'nginx:1.24', pods: 0, current: false }
      ]
    });
    const bar = layout(stateFromSnapshot(snapshot({ deployments: [d] }))).deployments[0];
    expect(bar.segments.map(s => [s.hash, s.current, s.fraction])).toEqual([
      ['old', false, 0.5],
      ['new', true, 0.5]
    ]);
    expect(bar.summary).toBe('5/6 ready, 3 up-to-date, 5 available');
    expect(bar.rollingOut).toBe(true);
    const done = layout(stateFromSnapshot(snapshot({ deployments: [deployment('web')] }))).deployments[0];
    expect(done.rollingOut).toBe(false);
    expect(done.segments[0].fraction).toBe(1);
  });

  it('lists services with their endpoints and events newest first', () => {
    const st = stateFromSnapshot(
      snapshot({
        services: [service('web', ['uid-a']), { ...service('api', []), type: 'ClusterIP', ports: [{ name: null, port: 8080, targetPort: 8080, protocol: 'TCP' }] }],
        events: [
          { uid: '1', time: 't', type: 'Normal', reason: 'A', object: 'pod/a', message: 'm' },
          { uid: '2', time: 't', type: 'Warning', reason: 'B', object: 'pod/b', message: 'm' }
        ]
      })
    );
    const lay = layout(st);
    expect(lay.services.map(s => [s.key, s.ports, s.endpoints])).toEqual([
      ['default/api', '8080/TCP', []],
      ['default/web', '80:31234/TCP', ['uid-a']]
    ]);
    expect(lay.events.map(e => e.uid)).toEqual(['2', '1']);
  });

  it('changes a chip signature when anything drawn changes', () => {
    const a = layout(stateFromSnapshot(snapshot({ pods: [pod('a', 'minikube')] }))).nodes[0].chips[0];
    const b = layout(stateFromSnapshot(snapshot({ pods: [pod('a', 'minikube', { restarts: 1 })] }))).nodes[0].chips[0];
    expect(a.sig).not.toBe(b.sig);
  });
});

describe('tooltip', () => {
  it('names pod, node, IP, image, restarts and age on the cluster clock', () => {
    const lines = tooltipLines(pod('web-1', 'minikube-m02', { restarts: 2 }), Date.parse('2026-11-26T19:42:05Z'));
    expect(lines).toEqual([
      'default/web-1',
      'status: Running  ready: 1/1',
      'node: minikube-m02',
      'IP: 10.244.0.5',
      'image: nginx:1.25',
      'restarts: 2',
      'age: 2m5s',
      'revision: 7d9c6b8f4'
    ]);
    const pending = tooltipLines(pod('p', null, { revision: null }), null);
    expect(pending).toContain('node: <none>');
    expect(pending).toContain('reason: 0/3 nodes are available: 3 Insufficient cpu.');
  });
});
