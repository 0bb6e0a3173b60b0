/**
 * Drawing of the panels beside the nodes: rollout bars with the deployment controls, the
 * workload legend (kind/name, kubectl's summary, the HPA), the service legend, the events feed, the actions log and the selected pod's details.
 *
 * Data flow: view.ts passes the matching part of the ClusterLayout (layout.ts) or the
 * ActionTracker entries (actions.ts); controls carry `data-verb` and `data-key` attributes and
 * are handled by delegation in view.ts.
 */

import { ActionEntry } from './actions';
import { h, placeChildren, setData, setText } from './dom';
import { humanDuration } from './format';
import { RolloutBar, ServiceItem, tooltipLines } from './layout';
import { EventRecord, PodRecord } from './protocol';
import { WorkloadItem } from './workloads';

function button(verb: string, label: string, title: string): HTMLButtonElement {
  const b = h('button', `kubenb-btn kubenb-btn-${verb}`, label);
  b.type = 'button';
  b.dataset.verb = verb;
  b.title = title;
  return b;
}

/** Slider range for a deployment: room to double it, at least 0–10. */
export function sliderMax(desired: number): number {
  return Math.max(10, desired * 2);
}

function createDeployment(d: RolloutBar, interactive: boolean): HTMLElement {
  const el = h('div', 'kubenb-deploy');
  el.dataset.key = d.key;
  const head = h('div', 'kubenb-deploy-head');
  head.append(
    h('span', `kubenb-swatch kubenb-owner-${d.color}`),
    h('span', 'kubenb-deploy-name', d.label),
    h('span', 'kubenb-deploy-image'),
    h('span', 'kubenb-deploy-summary'),
    h('span', 'kubenb-hpa')
  );
  const track = h('div', 'kubenb-rollout');
  el.append(head, track);
  if (interactive) {
    const controls = h('div', 'kubenb-deploy-controls');
    // Typing an image name must not trigger JupyterLab's notebook shortcuts (a, b, d d, …).
    controls.setAttribute('data-lm-suppress-shortcuts', '');
    const slider = h('input', 'kubenb-slider');
    slider.type = 'range';
    slider.min = '0';
    slider.step = '1';
    slider.dataset.verb = 'scale-slider';
    slider.title = `kubectl scale deployment/${d.name} --replicas=N`;
    const image = h('input', 'kubenb-image-input');
    image.type = 'text';
    image.spellcheck = false;
    image.placeholder = 'image';
    controls.append(
      button('scale-down', '−', `kubectl scale deployment/${d.name} --replicas=N-1`),
      slider,
      button('scale-up', '+', `kubectl scale deployment/${d.name} --replicas=N+1`),
      h('span', 'kubenb-replicas'),
      image,
      button('set-image', 'set image', `kubectl set image deployment/${d.name} *=IMAGE`)
    );
    el.append(controls);
  }
  return el;
}

function updateDeployment(el: HTMLElement, d: RolloutBar): void {
  setData(el, 'desired', String(d.desired));
  el.classList.toggle('kubenb-rolling', d.rollingOut);
  setText(el.querySelector('.kubenb-deploy-image') as HTMLElement, d.image);
  setText(el.querySelector('.kubenb-deploy-summary') as HTMLElement, d.summary);
  setText(el.querySelector('.kubenb-hpa') as HTMLElement, d.hpa);
  const track = el.querySelector('.kubenb-rollout') as HTMLElement;
  const segs = d.segments.map(s => {
    let seg = track.querySelector(`[data-hash="${s.hash}"]`) as HTMLElement | null;
    if (!seg) {
      seg = h('span', 'kubenb-seg');
      seg.dataset.hash = s.hash;
    }
    seg.classList.toggle('kubenb-seg-new', s.current);
    seg.classList.toggle('kubenb-seg-old', !s.current);
    seg.style.width = `${(s.fraction * 100).toFixed(1)}%`;
    seg.title = `revision ${s.revision} (${s.hash}): ${s.pods} pod${s.pods === 1 ? '' : 's'}, ${s.image}`;
    setText(seg, `${s.pods}`);
    return seg;
  });
  placeChildren(track, segs);
  const slider = el.querySelector('.kubenb-slider') as HTMLInputElement | null;
  if (slider && slider.dataset.editing !== '1') {
    slider.max = String(sliderMax(d.desired));
    slider.value = String(d.desired);
  }
  const replicas = el.querySelector('.kubenb-replicas') as HTMLElement | null;
  if (replicas && slider?.dataset.editing !== '1') {
    setText(replicas, `${d.desired}`);
  }
  const image = el.querySelector('.kubenb-image-input') as HTMLInputElement | null;
  if (image) {
    image.placeholder = d.image;
  }
}

export function drawDeployments(parent: HTMLElement, items: RolloutBar[], interactive: boolean): void {
  const existing = new Map<string, HTMLElement>();
  for (const el of Array.from(parent.children) as HTMLElement[]) {
    existing.set(el.dataset.key ?? '', el);
  }
  const els = items.map(d => {
    const el = existing.get(d.key) ?? createDeployment(d, interactive);
    updateDeployment(el, d);
    return el;
  });
  placeChildren(parent, els);
  parent.hidden = items.length === 0;
}

/** The legend of the workloads that are not Deployments: swatch, `job/pi`, summary, HPA. */
export function drawWorkloads(parent: HTMLElement, items: WorkloadItem[]): void {
  const els = items.map(w => {
    const el = h('div', 'kubenb-workload');
    el.dataset.key = w.key;
    el.dataset.kind = w.kind;
    el.append(
      h('span', `kubenb-swatch kubenb-owner-${w.color % 10}`),
      h('span', 'kubenb-workload-name', w.label),
      h('span', 'kubenb-workload-summary', w.summary),
      h('span', 'kubenb-workload-pods', `${w.pods} pod${w.pods === 1 ? '' : 's'}`),
      h('span', 'kubenb-hpa', w.hpa)
    );
    return el;
  });
  parent.replaceChildren(...els);
  parent.hidden = items.length === 0;
}

export function drawServices(parent: HTMLElement, items: ServiceItem[]): void {
  const els = items.map(s => {
    const el = h('span', 'kubenb-svc');
    el.dataset.key = s.key;
    el.tabIndex = 0;
    el.append(
      h('span', 'kubenb-svc-name', s.namespace === 'default' ? s.name : `${s.namespace}/${s.name}`),
      h('span', 'kubenb-svc-detail', `${s.type} ${s.clusterIP ?? ''} ${s.ports}`.trim()),
      h('span', 'kubenb-svc-endpoints', `${s.endpoints.length} endpoint${s.endpoints.length === 1 ? '' : 's'}`)
    );
    return el;
  });
  parent.replaceChildren(...els);
  parent.hidden = items.length === 0;
}

export function drawEvents(parent: HTMLElement, events: EventRecord[], clusterNow: number | null): void {
  const rows = events.map(e => {
    const row = h('div', `kubenb-event kubenb-event-${e.type === 'Warning' ? 'warning' : 'normal'}`);
    row.dataset.uid = e.uid;
    const t = Date.parse(e.time);
    const age = clusterNow !== null && !Number.isNaN(t) ? humanDuration(clusterNow - t) : '';
    row.append(
      h('span', 'kubenb-event-age', age),
      h('span', 'kubenb-event-type', e.type),
      h('span', 'kubenb-event-reason', e.reason),
      h('span', 'kubenb-event-object', e.object),
      h('span', 'kubenb-event-message', e.count && e.count > 1 ? `${e.message} (x${e.count})` : e.message)
    );
    return row;
  });
  parent.replaceChildren(...rows);
}

const STATUS_TEXT: Record<ActionEntry['status'], string> = {
  queued: 'queued…',
  running: 'running…',
  ok: 'done',
  failed: 'failed'
};

export function drawActions(parent: HTMLElement, entries: ActionEntry[]): void {
  const rows = entries.map(a => {
    const row = h('div', `kubenb-action kubenb-action-${a.status}`);
    row.dataset.id = a.id;
    row.dataset.status = a.status;
    row.append(h('span', 'kubenb-action-status', STATUS_TEXT[a.status]), h('code', 'kubenb-action-cmd', a.label));
    const text = a.status === 'failed' ? a.error || a.output : a.output;
    if (text) {
      row.append(h('pre', a.status === 'failed' ? 'kubenb-action-error' : 'kubenb-action-output', text.trimEnd()));
    }
    return row;
  });
  parent.replaceChildren(...rows);
  parent.hidden = entries.length === 0;
}

/** Details of the selected pod, with its delete control. */
export function drawSelection(
  parent: HTMLElement,
  pod: PodRecord | null,
  clusterNow: number | null,
  interactive: boolean
): void {
  if (!pod) {
    parent.replaceChildren();
    parent.hidden = true;
    return;
  }
  parent.hidden = false;
  const lines = h('div', 'kubenb-selection-lines');
  for (const line of tooltipLines(pod, clusterNow)) {
    lines.append(h('div', undefined, line));
  }
  const children: HTMLElement[] = [lines];
  if (interactive) {
    const del = button('delete-pod', 'delete pod', `kubectl delete pod ${pod.name} -n ${pod.namespace}`);
    del.dataset.uid = pod.uid;
    children.push(del);
  }
  parent.replaceChildren(...children);
}
