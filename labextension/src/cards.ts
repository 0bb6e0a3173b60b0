/**
 * Drawing of node cards and pod chips (the left part of the picture).
 *
 * Data flow: view.ts hands each NodeCard / PodChip from layout.ts to `updateNodeCard` /
 * `updateChip`, which write only what changed (the record's `sig` is stored on the element).
 * Buttons carry `data-verb` and are handled by delegation in view.ts.
 */

import { h, setData, setText } from './dom';
import { NodeCard, PodChip, StateCount, UsageBar } from './layout';
import { FINISHED_MARK } from './workloads';

export const CHIP_CLASS = 'kubenb-pod';
export const CARD_CLASS = 'kubenb-node';

/** A chip: a small keyed box, fill = workload colour, border = state; a finished pod is
 * marked ✓ (Succeeded, faded) or ✗ (Failed). */
export function createChip(chip: PodChip): HTMLElement {
  const el = h('div', CHIP_CLASS);
  el.dataset.uid = chip.uid;
  el.tabIndex = -1;
  updateChip(el, chip);
  return el;
}

export function updateChip(el: HTMLElement, chip: PodChip): void {
  if (el.dataset.sig === chip.sig) {
    return;
  }
  el.dataset.sig = chip.sig;
  el.className = [
    CHIP_CLASS,
    `kubenb-state-${chip.stateClass}`,
    chip.color === null ? 'kubenb-owner-none' : `kubenb-owner-${chip.color % 10}`,
    ...(chip.finished ? [`kubenb-finished-${chip.finished}`] : []),
    ...Array.from(el.classList).filter(c => c === 'kubenb-highlight' || c === 'kubenb-selected' || c === 'kubenb-enter')
  ].join(' ');
  setData(el, 'state', chip.state);
  setData(el, 'name', chip.name);
  setData(el, 'namespace', chip.namespace);
  setData(el, 'workload', chip.workload ?? '');
  setText(el, chip.finished ? FINISHED_MARK[chip.finished] : '');
  el.setAttribute('aria-label', `pod ${chip.namespace}/${chip.name}: ${chip.state}`);
}

function bar(kind: string): HTMLElement {
  const el = h('div', `kubenb-bar kubenb-bar-${kind}`);
  el.append(h('span', 'kubenb-bar-name', kind === 'cpu' ? 'CPU' : 'Mem'));
  const track = h('span', 'kubenb-bar-track');
  track.append(h('span', 'kubenb-bar-fill'), h('span', 'kubenb-bar-use'));
  el.append(track, h('span', 'kubenb-bar-label'));
  return el;
}

function updateBar(el: HTMLElement, b: UsageBar): void {
  const fill = el.querySelector('.kubenb-bar-fill') as HTMLElement;
  fill.style.width = `${(b.fraction * 100).toFixed(1)}%`;
  el.classList.toggle('kubenb-bar-over', b.over);
  el.classList.toggle('kubenb-bar-high', b.fraction >= 0.8);
  const use = el.querySelector('.kubenb-bar-use') as HTMLElement;
  use.hidden = b.used === undefined;
  use.style.width = `${((b.used ?? 0) * 100).toFixed(1)}%`;
  el.title = b.title;
  setText(el.querySelector('.kubenb-bar-label') as HTMLElement, b.label);
}

function button(verb: string, label: string, title: string): HTMLButtonElement {
  const b = h('button', `kubenb-btn kubenb-btn-${verb}`, label);
  b.type = 'button';
  b.dataset.verb = verb;
  b.title = title;
  return b;
}

/** Builds the skeleton of a node card; `updateNodeCard` fills it. */
export function createNodeCard(card: NodeCard, interactive: boolean): HTMLElement {
  const el = h('div', CARD_CLASS);
  el.dataset.node = card.name;
  const head = h('div', 'kubenb-node-head');
  head.append(
    h('span', 'kubenb-node-name', card.name),
    h('span', 'kubenb-node-status'),
    h('span', 'kubenb-node-roles')
  );
  const bars = h('div', 'kubenb-node-bars');
  bars.append(bar('cpu'), bar('memory'));
  const pods = h('div', 'kubenb-node-pods');
  const counts = h('div', 'kubenb-node-counts');
  const foot = h('div', 'kubenb-node-foot');
  foot.append(h('span', 'kubenb-node-count'));
  if (interactive) {
    const controls = h('span', 'kubenb-node-controls');
    controls.append(
      button('stop-node', 'stop', `minikube node stop ${card.name}`),
      button('start-node', 'start', `minikube node start ${card.name}`),
      button('cordon', 'cordon', `kubectl cordon ${card.name}`),
      button('uncordon', 'uncordon', `kubectl uncordon ${card.name}`),
      button('drain', 'drain', `kubectl drain ${card.name} --ignore-daemonsets --delete-emptydir-data`)
    );
    foot.append(controls);
  }
  el.append(head, bars, pods, counts, foot);
  updateNodeCard(el, card);
  return el;
}

export function updateNodeCard(el: HTMLElement, card: NodeCard): void {
  if (el.dataset.sig === card.sig) {
    return;
  }
  el.dataset.sig = card.sig;
  setData(el, 'ready', card.ready);
  setData(el, 'status', card.status);
  el.classList.toggle('kubenb-node-notready', card.ready !== 'Ready');
  el.classList.toggle('kubenb-node-cordoned', card.unschedulable);
  const status = el.querySelector('.kubenb-node-status') as HTMLElement;
  setText(status, card.status);
  setText(el.querySelector('.kubenb-node-roles') as HTMLElement, card.roles);
  updateBar(el.querySelector('.kubenb-bar-cpu') as HTMLElement, card.cpu);
  updateBar(el.querySelector('.kubenb-bar-memory') as HTMLElement, card.memory);
  setText(
    el.querySelector('.kubenb-node-count') as HTMLElement,
    `${card.podCount} pod${card.podCount === 1 ? '' : 's'}`
  );
  // Show the control that makes sense for the node's state; keep both in the DOM.
  const ready = card.ready === 'Ready';
  toggleButton(el, 'stop-node', ready);
  toggleButton(el, 'start-node', !ready);
  toggleButton(el, 'cordon', !card.unschedulable);
  toggleButton(el, 'uncordon', card.unschedulable);
  const counts = el.querySelector('.kubenb-node-counts') as HTMLElement;
  el.classList.toggle('kubenb-aggregated', card.counts !== null);
  drawCounts(counts, card.counts ?? []);
}

function toggleButton(card: HTMLElement, verb: string, shown: boolean): void {
  const b = card.querySelector(`button[data-verb="${verb}"]`) as HTMLElement | null;
  if (b) {
    b.hidden = !shown;
  }
}

/** Aggregated mode: one badge per state class with its count. */
export function drawCounts(parent: HTMLElement, counts: StateCount[]): void {
  parent.replaceChildren(
    ...counts.map(c => {
      const badge = h('span', `kubenb-count kubenb-state-${c.stateClass}`, `${c.count}`);
      badge.dataset.state = c.stateClass;
      badge.title = `${c.count} ${c.stateClass}`;
      return badge;
    })
  );
}
