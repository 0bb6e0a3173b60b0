/**
 * Small DOM helpers for keyed drawing: element creation and a keyed child reconciler that
 * moves, inserts and retires elements without rebuilding the ones that did not change.
 * Used by cards.ts, panels.ts and view.ts.
 */

/** Creates `<tag class=cls>` with optional text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) {
    el.className = cls;
  }
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

/** Sets textContent only when it differs (avoids needless layout work). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) {
    el.textContent = text;
  }
}

export function setData(el: HTMLElement, key: string, value: string): void {
  if (el.dataset[key] !== value) {
    el.dataset[key] = value;
  }
}

/** Class that marks an element whose exit transition is running; it is no longer drawn data. */
export const EXIT_CLASS = 'kubenb-exit';

/**
 * Puts `els` (in order) into `parent`, leaving elements that are leaving (EXIT_CLASS) where
 * they are. Only elements out of place are moved.
 */
export function placeChildren(parent: HTMLElement, els: HTMLElement[]): void {
  let ref: ChildNode | null = parent.firstChild;
  for (const el of els) {
    while (ref && ref !== el && (ref as HTMLElement).classList?.contains(EXIT_CLASS)) {
      ref = ref.nextSibling;
    }
    if (ref === el) {
      ref = ref.nextSibling;
    } else {
      parent.insertBefore(el, ref);
    }
  }
  // Anything after the last placed element that is neither placed nor leaving is stale.
  while (ref) {
    const next: ChildNode | null = ref.nextSibling;
    if (!(ref as HTMLElement).classList?.contains(EXIT_CLASS) && !els.includes(ref as HTMLElement)) {
      ref.remove();
    }
    ref = next;
  }
}

/**
 * Retires an element with its exit transition: adds EXIT_CLASS, removes the element when the
 * transition ends (or at once when animations are off or it is not in a document).
 */
export function retire(el: HTMLElement, animate: boolean): void {
  if (!animate || !el.isConnected) {
    el.remove();
    return;
  }
  el.classList.add(EXIT_CLASS);
  const done = (): void => el.remove();
  el.addEventListener('transitionend', done, { once: true });
  el.addEventListener('transitioncancel', done, { once: true });
  // A transition that cannot start (element hidden, reduced motion) fires no event.
  window.setTimeout(done, 600);
}
