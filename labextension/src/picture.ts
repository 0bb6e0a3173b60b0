/**
 * ClusterPicture: the whole drawing of one cluster state, with its interactions.
 *
 * Data flow: `draw(state)` computes `layout(state)` (layout.ts) and updates keyed DOM
 * (cards.ts, panels.ts): chips keyed by pod uid, cards by node name. New chips fade in,
 * removed ones fade out, a chip that changes place (Pending lane → node) slides there.
 * Controls call the host's `act` (the widget model sends an `action` message); the actions
 * log shows the host's ActionTracker entries ("queued…" until the kernel answers). Used by
 * the widget view (view.ts) and, read-only (no `act`), by the snapshot renderer (mime.ts).
 */

import { ActionEntry } from './actions';
import { CARD_CLASS, CHIP_CLASS } from './cards';
import { EXIT_CLASS, h, setData, setText } from './dom';
import { ClusterLayout, layout, LayoutOptions, tooltipLines } from './layout';
import {
  drawActions,
  drawDeployments,
  drawEvents,
  drawSelection,
  drawServices,
  drawWorkloads,
  sliderMax
} from './panels';
import { ActionVerb } from './protocol';
import { ClusterState } from './state';
import { Topology } from './topology';

/** What the picture needs from its owner; a read-only picture has no `act` (nor toggles). */
export interface PictureHost {
  act?(verb: ActionVerb, target: Record<string, string>, args?: Record<string, unknown>): void;
  actions?(): ActionEntry[];
  /** Changes a view option (the kube-system toggle); the kernel sends a new snapshot. */
  setOption?(name: 'show_system', value: boolean): void;
}

export class ClusterPicture {
  readonly root: HTMLElement;
  private readonly header: HTMLElement;
  private readonly topology: Topology;
  private readonly deploymentsEl: HTMLElement;
  private readonly workloadsEl: HTMLElement;
  private readonly systemToggle: HTMLInputElement | null = null;
  private readonly servicesEl: HTMLElement;
  private readonly selectionEl: HTMLElement;
  private readonly actionsEl: HTMLElement;
  private readonly eventsEl: HTMLElement;
  private readonly tooltip: HTMLElement;
  private current: ClusterLayout | null = null;
  private selected: string | null = null;
  private hoveredService: string | null = null;
  private revision = 0;
  private clusterTime: number | null = null;
  private clusterTimeAt = 0;

  constructor(root: HTMLElement, private readonly host: PictureHost) {
    this.root = root;
    root.classList.add('kubenb-clusterview');
    root.classList.toggle('kubenb-readonly', !host.act);
    this.header = h('div', 'kubenb-header');
    this.header.append(h('span', 'kubenb-title'), h('span', 'kubenb-summary'), h('span', 'kubenb-error'));
    if (host.setOption) {
      const label = h('label', 'kubenb-system-toggle');
      label.title = 'show the pods of the kube-system namespace';
      this.systemToggle = h('input', 'kubenb-system-input');
      this.systemToggle.type = 'checkbox';
      this.systemToggle.dataset.option = 'show_system';
      label.append(this.systemToggle, document.createTextNode(' kube-system'));
      this.header.append(label);
    }
    const main = h('div', 'kubenb-main');
    this.topology = new Topology(!!host.act);
    main.append(this.topology.nodesEl, this.topology.pendingEl);
    this.servicesEl = h('div', 'kubenb-services');
    this.deploymentsEl = h('div', 'kubenb-deployments');
    this.workloadsEl = h('div', 'kubenb-workloads');
    this.selectionEl = h('div', 'kubenb-selection');
    this.actionsEl = h('div', 'kubenb-actions');
    this.eventsEl = h('div', 'kubenb-events');
    this.tooltip = h('div', 'kubenb-tooltip');
    this.tooltip.hidden = true;
    this.selectionEl.hidden = true;
    this.actionsEl.hidden = true;
    root.replaceChildren(
      this.header,
      main,
      this.servicesEl,
      this.deploymentsEl,
      this.workloadsEl,
      this.selectionEl,
      this.actionsEl,
      this.eventsEl,
      this.tooltip
    );
    root.addEventListener('click', this.onClick);
    root.addEventListener('change', this.onChange);
    root.addEventListener('input', this.onInput);
    root.addEventListener('keydown', this.onKeyDown);
    root.addEventListener('mouseover', this.onMouseOver);
    root.addEventListener('mouseout', this.onMouseOut);
  }

  dispose(): void {
    this.root.removeEventListener('click', this.onClick);
    this.root.removeEventListener('change', this.onChange);
    this.root.removeEventListener('input', this.onInput);
    this.root.removeEventListener('keydown', this.onKeyDown);
    this.root.removeEventListener('mouseover', this.onMouseOver);
    this.root.removeEventListener('mouseout', this.onMouseOut);
  }

  /** The cluster clock now, extrapolated from the last message's time. */
  clusterNow(): number | null {
    return this.clusterTime === null ? null : this.clusterTime + (performance.now() - this.clusterTimeAt);
  }

  /** Draws `state`; `receivedAt` is when its newest change arrived (performance.now()). */
  draw(state: ClusterState, options: LayoutOptions, receivedAt: number): void {
    const start = performance.now();
    const t = state.time ? Date.parse(state.time) : NaN;
    this.clusterTime = Number.isNaN(t) ? null : t;
    this.clusterTimeAt = receivedAt;
    const lay = layout(state, options);
    const first = this.current === null;
    this.current = lay;
    this.drawHeader(state, lay);
    this.topology.draw(lay, !first);
    drawServices(this.servicesEl, lay.services);
    drawDeployments(this.deploymentsEl, lay.deployments, !!this.host.act);
    drawWorkloads(this.workloadsEl, lay.workloads);
    if (this.systemToggle) {
      this.systemToggle.checked = !!options.show_system;
    }
    drawEvents(this.eventsEl, lay.events, this.clusterNow());
    if (this.selected !== null && !this.topology.data.has(this.selected)) {
      this.selected = null;
    }
    this.drawSelection();
    this.applyHighlight();
    this.drawActions();
    this.disableControls(!!lay.gone);
    this.revision += 1;
    setData(this.root, 'seq', String(state.seq));
    setData(this.root, 'aggregated', String(lay.aggregated));
    setData(this.root, 'receivedAt', receivedAt.toFixed(2));
    setData(this.root, 'drawMs', (performance.now() - start).toFixed(2));
    setData(this.root, 'revision', String(this.revision));
  }

  /** A deleted or stopped cluster: every control is off until the kernel reconnects. */
  private disableControls(off: boolean): void {
    for (const el of this.root.querySelectorAll('button, input, select')) {
      if (el !== this.systemToggle) {
        (el as HTMLButtonElement | HTMLInputElement).disabled = off;
      }
    }
  }

  private get gone(): boolean {
    return !!this.current?.gone;
  }

  drawActions(): void {
    if (this.host.actions) {
      drawActions(this.actionsEl, this.host.actions());
    }
  }

  private drawHeader(state: ClusterState, lay: ClusterLayout): void {
    setText(this.header.querySelector('.kubenb-title') as HTMLElement, lay.cluster ?? 'cluster');
    const t = lay.totals;
    setText(
      this.header.querySelector('.kubenb-summary') as HTMLElement,
      state.loaded
        ? `${t.nodes} node${t.nodes === 1 ? '' : 's'} (${t.readyNodes} Ready), ${t.pods} pod${t.pods === 1 ? '' : 's'}` +
            (lay.aggregated ? ' — aggregated by state' : '')
        : 'waiting for the kernel…'
    );
    const err = this.header.querySelector('.kubenb-error') as HTMLElement;
    setText(err, lay.gone ?? lay.error ?? '');
    this.root.classList.toggle('kubenb-has-error', !!lay.error && !lay.gone);
    this.root.classList.toggle('kubenb-gone', !!lay.gone);
  }

  private drawSelection(): void {
    const chip = this.selected !== null ? this.topology.data.get(this.selected) : undefined;
    for (const el of this.root.querySelectorAll('.kubenb-selected')) {
      if ((el as HTMLElement).dataset.uid !== this.selected) {
        el.classList.remove('kubenb-selected');
      }
    }
    if (chip) {
      this.topology.chip(chip.uid)?.classList.add('kubenb-selected');
    }
    drawSelection(this.selectionEl, chip?.pod ?? null, this.clusterNow(), !!this.host.act);
  }

  private applyHighlight(): void {
    for (const el of this.root.querySelectorAll('.kubenb-highlight')) {
      el.classList.remove('kubenb-highlight');
    }
    const svc = this.hoveredService !== null ? this.current?.services.find(s => s.key === this.hoveredService) : undefined;
    this.root.classList.toggle('kubenb-highlighting', !!svc);
    if (!svc) {
      return;
    }
    this.servicesEl.querySelector(`[data-key="${CSS.escape(svc.key)}"]`)?.classList.add('kubenb-highlight');
    for (const uid of svc.endpoints) {
      this.topology.chip(uid)?.classList.add('kubenb-highlight');
    }
  }

  private showTooltip(chipEl: HTMLElement): void {
    const chip = this.topology.data.get(chipEl.dataset.uid ?? '');
    if (!chip) {
      return;
    }
    this.tooltip.replaceChildren(...tooltipLines(chip.pod, this.clusterNow()).map(l => h('div', undefined, l)));
    this.tooltip.hidden = false;
    const r = chipEl.getBoundingClientRect();
    const base = this.root.getBoundingClientRect();
    this.tooltip.style.left = `${Math.max(0, r.left - base.left)}px`;
    this.tooltip.style.top = `${r.bottom - base.top + 4}px`;
  }

  private readonly onMouseOver = (ev: Event): void => {
    const target = ev.target as HTMLElement;
    const chip = target.closest?.(`.${CHIP_CLASS}`) as HTMLElement | null;
    if (chip && !chip.classList.contains(EXIT_CLASS)) {
      this.showTooltip(chip);
    }
    const svc = target.closest?.('.kubenb-svc') as HTMLElement | null;
    if (svc && svc.dataset.key !== this.hoveredService) {
      this.hoveredService = svc.dataset.key ?? null;
      this.applyHighlight();
    }
  };

  private readonly onMouseOut = (ev: Event): void => {
    const e = ev as MouseEvent;
    const target = e.target as HTMLElement;
    const to = e.relatedTarget as HTMLElement | null;
    if (target.closest?.(`.${CHIP_CLASS}`) && !to?.closest?.(`.${CHIP_CLASS}`)) {
      this.tooltip.hidden = true;
    }
    const svc = target.closest?.('.kubenb-svc');
    if (svc && to?.closest?.('.kubenb-svc') !== svc) {
      this.hoveredService = null;
      this.applyHighlight();
    }
  };

  private readonly onClick = (ev: Event): void => {
    const target = ev.target as HTMLElement;
    const button = target.closest?.('button[data-verb]') as HTMLButtonElement | null;
    if (button) {
      this.onButton(button);
      return;
    }
    const chip = target.closest?.(`.${CHIP_CLASS}`) as HTMLElement | null;
    if (chip && !chip.classList.contains(EXIT_CLASS)) {
      this.selected = this.selected === chip.dataset.uid ? null : (chip.dataset.uid ?? null);
      this.drawSelection();
    }
  };

  private readonly onKeyDown = (ev: Event): void => {
    const e = ev as KeyboardEvent;
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && target.classList.contains('kubenb-image-input')) {
      const b = target.closest('.kubenb-deploy')?.querySelector('button[data-verb="set-image"]') as HTMLButtonElement | null;
      if (b) {
        this.onButton(b);
      }
    } else if (e.key === 'Escape' && this.selected !== null) {
      this.selected = null;
      this.drawSelection();
    }
  };

  private readonly onInput = (ev: Event): void => {
    const slider = ev.target as HTMLInputElement;
    if (slider.dataset?.verb === 'scale-slider') {
      slider.dataset.editing = '1';
      const replicas = slider.closest('.kubenb-deploy')?.querySelector('.kubenb-replicas');
      if (replicas) {
        setText(replicas, slider.value);
      }
    }
  };

  private readonly onChange = (ev: Event): void => {
    const slider = ev.target as HTMLInputElement;
    if (slider.dataset?.option === 'show_system') {
      this.host.setOption?.('show_system', slider.checked);
      return;
    }
    if (slider.dataset?.verb !== 'scale-slider') {
      return;
    }
    delete slider.dataset.editing;
    const deploy = slider.closest('.kubenb-deploy') as HTMLElement | null;
    const replicas = Number(slider.value);
    if (deploy && Number.isInteger(replicas) && replicas !== Number(deploy.dataset.desired)) {
      this.scale(deploy, replicas);
    }
  };

  private scale(deploy: HTMLElement, replicas: number): void {
    const d = this.current?.deployments.find(x => x.key === deploy.dataset.key);
    if (d && this.host.act && !this.gone) {
      this.host.act('scale', { namespace: d.namespace, name: d.name }, { replicas });
    }
  }

  private onButton(button: HTMLButtonElement): void {
    const act = this.host.act;
    if (!act || this.gone) {
      return;
    }
    const verb = button.dataset.verb ?? '';
    const card = button.closest(`.${CARD_CLASS}`) as HTMLElement | null;
    const deploy = button.closest('.kubenb-deploy') as HTMLElement | null;
    if (card && ['stop-node', 'start-node', 'cordon', 'uncordon', 'drain'].includes(verb)) {
      act(verb as ActionVerb, { node: card.dataset.node ?? '' }, {});
    } else if (deploy && (verb === 'scale-up' || verb === 'scale-down')) {
      const desired = Number(deploy.dataset.desired ?? '0');
      const replicas = verb === 'scale-up' ? desired + 1 : Math.max(0, desired - 1);
      const slider = deploy.querySelector('.kubenb-slider') as HTMLInputElement | null;
      if (slider) {
        slider.max = String(Math.max(Number(slider.max), sliderMax(replicas)));
        slider.value = String(replicas);
      }
      // Shown at once; the next delta brings the kernel's value.
      deploy.dataset.desired = String(replicas);
      setText(deploy.querySelector('.kubenb-replicas') as HTMLElement, `${replicas}`);
      this.scale(deploy, replicas);
    } else if (deploy && verb === 'set-image') {
      const input = deploy.querySelector('.kubenb-image-input') as HTMLInputElement;
      const image = input.value.trim();
      const d = this.current?.deployments.find(x => x.key === deploy.dataset.key);
      if (image && d) {
        act('set-image', { namespace: d.namespace, name: d.name }, { image, container: null });
        input.value = '';
      }
    } else if (verb === 'delete-pod') {
      const chip = this.topology.data.get(button.dataset.uid ?? '');
      if (chip) {
        act('delete-pod', { namespace: chip.namespace, name: chip.name }, {});
      }
    }
  }
}
