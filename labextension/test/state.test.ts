import { describe, expect, it } from 'vitest';

import { MAX_EVENTS } from '../src/protocol';
import { mergeEvents, stateFromSnapshot, Synchronizer } from '../src/state';
import { delta, event, node, pod, snapshot } from './fixtures';

function synced(seq = 1, pods = [pod('a', 'minikube'), pod('b', 'minikube-m02')]) {
  const resyncs: number[] = [];
  const s = new Synchronizer(() => resyncs.push(1));
  expect(s.onSnapshot(snapshot({ seq, pods }))).toBe(true);
  return { s, resyncs };
}

describe('snapshot', () => {
  it('indexes records by their keys', () => {
    const st = stateFromSnapshot(snapshot({ pods: [pod('a', 'minikube')] }));
    expect(Array.from(st.nodes.keys())).toEqual(['minikube', 'minikube-m02', 'minikube-m03']);
    expect(st.pods.get('uid-a')?.name).toBe('a');
    expect(st.seq).toBe(1);
    expect(st.loaded).toBe(true);
  });

  it('ignores the empty trait value the model starts with', () => {
    const s = new Synchronizer(() => undefined);
    expect(s.onSnapshot({})).toBe(false);
    expect(s.state.loaded).toBe(false);
  });

  it('replaces the whole state', () => {
    const { s } = synced();
    s.onSnapshot(snapshot({ seq: 5, nodes: [node('x')], pods: [] }));
    expect(Array.from(s.state.nodes.keys())).toEqual(['x']);
    expect(s.state.pods.size).toBe(0);
    expect(s.lastSeq).toBe(5);
  });
});

describe('deltas', () => {
  it('upserts whole records and removes by key', () => {
    const { s } = synced();
    const moved = pod('a', 'minikube-m03', { state: 'Terminating' });
    expect(
      s.onDelta(delta(2, { upsert: { pods: [moved, pod('c', null)] }, remove: { pods: ['uid-b'], nodes: ['minikube-m02'] } }))
    ).toBe('applied');
    expect(s.state.pods.get('uid-a')).toEqual(moved);
    expect(s.state.pods.has('uid-b')).toBe(false);
    expect(s.state.pods.has('uid-c')).toBe(true);
    expect(s.state.nodes.has('minikube-m02')).toBe(false);
    expect(s.state.unscheduled).toBe(1);
    expect(s.lastSeq).toBe(2);
    expect(s.state.time).toBe('2026-11-26T19:41:01Z');
  });

  it('ignores deltas already contained in the snapshot', () => {
    const { s, resyncs } = synced(7);
    expect(s.onDelta(delta(7, { remove: { pods: ['uid-a'] } }))).toBe('stale');
    expect(s.onDelta(delta(3, { remove: { pods: ['uid-a'] } }))).toBe('stale');
    expect(s.state.pods.has('uid-a')).toBe(true);
    expect(resyncs).toHaveLength(0);
  });

  it('asks for a resync once on a gap and holds deltas until the snapshot', () => {
    const { s, resyncs } = synced(1);
    expect(s.onDelta(delta(3, { remove: { pods: ['uid-a'] } }))).toBe('gap');
    expect(s.onDelta(delta(4, { remove: { pods: ['uid-b'] } }))).toBe('held');
    expect(resyncs).toHaveLength(1);
    expect(s.state.pods.size).toBe(2);
    // The kernel answers with a snapshot at seq 3; the held seq 4 follows it directly.
    s.onSnapshot(snapshot({ seq: 3, pods: [pod('b', 'minikube')] }));
    expect(s.resyncPending).toBe(false);
    expect(s.lastSeq).toBe(4);
    expect(s.state.pods.size).toBe(0);
    expect(s.onDelta(delta(5, { upsert: { pods: [pod('z', null)] } }))).toBe('applied');
  });

  it('drops held deltas that do not follow the new snapshot', () => {
    const { s } = synced(1);
    s.onDelta(delta(3));
    s.onSnapshot(snapshot({ seq: 9 }));
    expect(s.lastSeq).toBe(9);
  });

  it('asks for a snapshot when a delta arrives before any', () => {
    const resyncs: number[] = [];
    const s = new Synchronizer(() => resyncs.push(1));
    expect(s.onDelta(delta(4))).toBe('held');
    expect(s.onDelta(delta(5))).toBe('held');
    expect(resyncs).toHaveLength(1);
  });

  it('refresh asks for a snapshot but keeps applying deltas meanwhile', () => {
    const { s, resyncs } = synced(1);
    s.refresh();
    expect(resyncs).toHaveLength(1);
    expect(s.onDelta(delta(2, { remove: { pods: ['uid-a'] } }))).toBe('applied');
    expect(s.state.pods.has('uid-a')).toBe(false);
  });

  it('keeps the kernel count of unscheduled pods in aggregated mode', () => {
    const s = new Synchronizer(() => undefined);
    s.onSnapshot(snapshot({ aggregated: true, unscheduled: 500, pods: [pod('p', null)] }));
    s.onDelta(delta(2, { upsert: { pods: [pod('q', null)] } }));
    expect(s.state.unscheduled).toBe(500);
  });
});

describe('events', () => {
  it('appends, replaces a re-counted event in place of the old one, keeps the latest', () => {
    const { s } = synced();
    s.onDelta(delta(2, { events: [event('e1'), event('e2')] }));
    s.onDelta(delta(3, { events: [event('e1', { count: 2 })] }));
    expect(s.state.events.map(e => [e.uid, e.count])).toEqual([
      ['e2', 1],
      ['e1', 2]
    ]);
  });

  it('keeps at most MAX_EVENTS', () => {
    const many = Array.from({ length: MAX_EVENTS + 5 }, (_, i) => event(`e${i}`));
    const merged = mergeEvents([], many);
    expect(merged).toHaveLength(MAX_EVENTS);
    expect(merged[0].uid).toBe('e5');
    expect(merged[MAX_EVENTS - 1].uid).toBe(`e${MAX_EVENTS + 4}`);
  });
});
