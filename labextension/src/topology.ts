/**
 * The topology part of the picture: node cards with their pod chips and the Pending lane.
 *
 * Data flow: ClusterPicture (picture.ts) calls `draw(layout)`; cards are keyed by node name
 * and chips by pod uid across all cards, so a chip that changes place (Pending lane → node)
 * keeps its element and slides there (FLIP); new chips fade in, removed ones fade out
 * (cards.ts draws each element, dom.ts places and retires them).
 */

import { createChip, createNodeCard, updateChip, updateNodeCard } from './cards';
import { h, placeChildren, retire, setText } from './dom';
import { ClusterLayout, PodChip } from './layout';

/** More chips than this entering (or leaving) in one draw go without animation. */
const ANIMATE_LIMIT = 150;

export class Topology {
  readonly nodesEl: HTMLElement;
  readonly pendingEl: HTMLElement;
  private readonly pendingChips: HTMLElement;
  private readonly pendingReasons: HTMLElement;
  private readonly cards = new Map<string, HTMLElement>();
  private readonly chips = new Map<string, HTMLElement>();
  /** The drawn chips' data by uid. */
  data = new Map<string, PodChip>();

  constructor(private readonly interactive: boolean) {
    this.nodesEl = h('div', 'kubenb-nodes');
    this.pendingEl = h('div', 'kubenb-pending');
    this.pendingChips = h('div', 'kubenb-pending-pods');
    this.pendingReasons = h('div', 'kubenb-pending-reasons');
    this.pendingEl.append(h('div', 'kubenb-pending-head'), this.pendingChips, this.pendingReasons);
  }

  /** The element of the drawn chip of pod `uid`. */
  chip(uid: string): HTMLElement | undefined {
    return this.chips.get(uid);
  }

  draw(lay: ClusterLayout, animate: boolean): void {
    // Where each chip goes: its node card, or the Pending lane.
    const placement: Array<{ parent: HTMLElement; chips: PodChip[] }> = [];
    const wanted = new Map<string, PodChip>();
    const cardEls: HTMLElement[] = [];
    for (const card of lay.nodes) {
      let el = this.cards.get(card.name);
      if (!el) {
        el = createNodeCard(card, this.interactive);
        this.cards.set(card.name, el);
      } else {
        updateNodeCard(el, card);
      }
      cardEls.push(el);
      placement.push({ parent: el.querySelector('.kubenb-node-pods') as HTMLElement, chips: card.chips });
      for (const chip of card.chips) {
        wanted.set(chip.uid, chip);
      }
    }
    placement.push({ parent: this.pendingChips, chips: lay.pending.chips });
    for (const chip of lay.pending.chips) {
      wanted.set(chip.uid, chip);
    }
    // Retire chips whose pod is gone (they fade out where they are; a mass removal such as
    // a new snapshot with new uids goes at once, without animation).
    const gone: string[] = [];
    for (const uid of this.chips.keys()) {
      if (!wanted.has(uid)) {
        gone.push(uid);
      }
    }
    const animateGone = animate && gone.length <= ANIMATE_LIMIT;
    for (const uid of gone) {
      retire(this.chips.get(uid) as HTMLElement, animateGone);
      this.chips.delete(uid);
    }
    let fresh = 0;
    for (const uid of wanted.keys()) {
      if (!this.chips.has(uid)) {
        fresh++;
      }
    }
    const animateNew = animate && fresh <= ANIMATE_LIMIT;
    // Reads first (old positions of chips about to change parent), then writes.
    const moved: Array<{ el: HTMLElement; from: DOMRect }> = [];
    const entering: HTMLElement[] = [];
    const groups: Array<{ parent: HTMLElement; els: HTMLElement[] }> = [];
    for (const { parent, chips } of placement) {
      const els = chips.map(chip => {
        let el = this.chips.get(chip.uid);
        if (!el) {
          el = createChip(chip);
          this.chips.set(chip.uid, el);
          if (animateNew) {
            el.classList.add('kubenb-enter');
            entering.push(el);
          }
          return el;
        }
        if (animate && el.parentElement !== parent && el.isConnected) {
          moved.push({ el, from: el.getBoundingClientRect() });
        }
        return el;
      });
      groups.push({ parent, els });
    }
    for (const { parent, els } of groups) {
      placeChildren(parent, els);
    }
    for (const chip of wanted.values()) {
      updateChip(this.chips.get(chip.uid) as HTMLElement, chip);
    }
    placeChildren(this.nodesEl, cardEls);
    const names = new Set(lay.nodes.map(n => n.name));
    for (const [name, el] of this.cards) {
      if (!names.has(name)) {
        this.cards.delete(name);
        retire(el, animate);
      }
    }
    this.drawPending(lay);
    this.data = wanted;
    if (entering.length) {
      requestAnimationFrame(() => entering.forEach(el => el.classList.remove('kubenb-enter')));
    }
    if (moved.length) {
      slide(moved);
    }
  }

  private drawPending(lay: ClusterLayout): void {
    const total = lay.pending.total;
    this.pendingEl.hidden = total === 0;
    setText(this.pendingEl.querySelector('.kubenb-pending-head') as HTMLElement, `Pending (${total})`);
    const reasons = new Map<string, number>();
    for (const c of lay.pending.chips) {
      if (c.pod.reason) {
        reasons.set(c.pod.reason, (reasons.get(c.pod.reason) ?? 0) + 1);
      }
    }
    this.pendingReasons.replaceChildren(
      ...Array.from(reasons, ([reason, n]) => h('div', 'kubenb-reason', n > 1 ? `${reason} (${n} pods)` : reason))
    );
  }
}

/** FLIP: chips that changed parent start at their old place and glide to the new one. */
function slide(moved: Array<{ el: HTMLElement; from: DOMRect }>): void {
  for (const { el, from } of moved) {
    const to = el.getBoundingClientRect();
    const dx = from.left - to.left;
    const dy = from.top - to.top;
    if (dx === 0 && dy === 0) {
      continue;
    }
    el.style.transition = 'none';
    el.style.transform = `translate(${dx}px, ${dy}px)`;
  }
  requestAnimationFrame(() => {
    for (const { el } of moved) {
      el.style.transition = '';
      el.style.transform = '';
    }
  });
}

