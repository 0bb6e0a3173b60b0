/**
 * ClusterViewView: the ipywidgets view of `kubenb.widgets.ClusterView`.
 *
 * Data flow: ClusterViewModel (model.ts) triggers `kubenb:changed`; the view coalesces
 * changes to at most one draw per animation frame and hands the model's state to its
 * ClusterPicture (picture.ts). Controls in the picture call `model.act`; a change of the
 * actions alone redraws only the actions log.
 */

import { DOMWidgetView } from '@jupyter-widgets/base';

import { ChangeKind, ClusterViewModel } from './model';
import { ClusterPicture } from './picture';

/** The ipywidgets view: one ClusterPicture, redrawn at most once per animation frame. */
export class ClusterViewView extends DOMWidgetView {
  private picture: ClusterPicture | null = null;
  private frame = 0;
  private pendingState = false;

  render(): void {
    const model = this.model as ClusterViewModel;
    this.picture = new ClusterPicture(this.el, {
      act: (verb, target, args) => model.act(verb, target, args ?? {}),
      actions: () => model.actions.recent(),
      setOption: (name, value) => model.setOption(name, value)
    });
    this.applyTheme();
    this.listenTo(model, 'kubenb:changed', this.onModelChange);
    this.listenTo(model, 'change:theme_hint', this.applyTheme);
    this.listenTo(model, 'change:options', () => this.schedule(true));
    this.picture.draw(model.cluster.state, model.viewOptions, model.receivedAt);
    // Start from the newest state even when this view was restored from a saved notebook.
    model.refresh();
  }

  remove(): any {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    this.picture?.dispose();
    this.picture = null;
    return super.remove();
  }

  private applyTheme(): void {
    const hint = String(this.model.get('theme_hint') ?? 'auto');
    for (const t of ['auto', 'light', 'dark']) {
      this.el.classList.toggle(`kubenb-theme-${t}`, t === hint);
    }
  }

  private onModelChange(kind: ChangeKind): void {
    if (kind === 'actions' && !this.pendingState) {
      this.picture?.drawActions();
      return;
    }
    this.schedule(true);
  }

  private schedule(state: boolean): void {
    this.pendingState = this.pendingState || state;
    if (this.frame) {
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.pendingState = false;
      const model = this.model as ClusterViewModel;
      this.picture?.draw(model.cluster.state, model.viewOptions, model.receivedAt);
    });
  }
}
