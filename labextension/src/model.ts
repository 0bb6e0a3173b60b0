/**
 * ClusterViewModel: the ipywidgets model of `kubenb.widgets.ClusterView`.
 *
 * Data flow: the kernel replaces the `snapshot` trait and sends `delta`, `action-started`
 * and `action-result` custom messages; the model feeds them to a Synchronizer (state.ts)
 * and an ActionTracker (actions.ts), then triggers `kubenb:changed` so every view of this
 * model redraws. Views call `act()` for controls and `refresh()` when they are rendered.
 */

import { DOMWidgetModel } from '@jupyter-widgets/base';

import { ActionTracker } from './actions';
import {
  ActionVerb,
  DEFAULT_AGGREGATE_ABOVE,
  FrontEndMessage,
  KernelMessage,
  MODULE_NAME,
  MODULE_VERSION,
  ViewOptions
} from './protocol';
import { Synchronizer } from './state';

/** What changed, for listeners of `kubenb:changed`. */
export type ChangeKind = 'state' | 'actions';

export class ClusterViewModel extends DOMWidgetModel {
  static model_name = 'ClusterViewModel';
  static model_module = MODULE_NAME;
  static model_module_version = MODULE_VERSION;
  static view_name = 'ClusterViewView';
  static view_module = MODULE_NAME;
  static view_module_version = MODULE_VERSION;

  // Set in initialize(): Backbone calls it from inside the constructor, before field
  // initializers would run.
  cluster!: Synchronizer;
  actions!: ActionTracker;
  /** performance.now() when the newest state change arrived (for latency measurements). */
  receivedAt!: number;

  defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(),
      _model_name: ClusterViewModel.model_name,
      _model_module: ClusterViewModel.model_module,
      _model_module_version: ClusterViewModel.model_module_version,
      _view_name: ClusterViewModel.view_name,
      _view_module: ClusterViewModel.view_module,
      _view_module_version: ClusterViewModel.view_module_version,
      snapshot: {},
      options: { namespace: null, selector: null, aggregate_above: DEFAULT_AGGREGATE_ABOVE, show_system: false },
      theme_hint: 'auto'
    };
  }

  initialize(attributes: Backbone.ObjectHash, options: any): void {
    super.initialize(attributes, options);
    this.cluster = new Synchronizer(() => this.sendMessage({ type: 'resync' }));
    this.actions = new ActionTracker();
    this.receivedAt = now();
    this.cluster.onSnapshot(this.get('snapshot'));
    this.on('change:snapshot', this.onSnapshotChange, this);
    this.on('msg:custom', this.onCustomMessage, this);
  }

  get viewOptions(): ViewOptions {
    const o = (this.get('options') ?? {}) as Partial<ViewOptions>;
    return {
      namespace: o.namespace ?? null,
      selector: o.selector ?? null,
      aggregate_above: o.aggregate_above ?? DEFAULT_AGGREGATE_ABOVE,
      show_system: o.show_system ?? false
    };
  }

  /** Changes one view option; the kernel answers with a new snapshot (PROTOCOL.md §1). */
  setOption<K extends keyof ViewOptions>(name: K, value: ViewOptions[K]): void {
    this.set('options', { ...this.viewOptions, [name]: value });
    this.save_changes();
  }

  /** Sends a control's action; the tracker shows it as queued until the kernel answers. */
  act(verb: ActionVerb, target: Record<string, string>, args: Record<string, unknown> = {}): string {
    const msg = this.actions.request(verb, target, args);
    this.sendMessage(msg);
    this.notify('actions');
    return msg.id;
  }

  /** Asks the kernel for the newest snapshot without pausing deltas. */
  refresh(): void {
    this.cluster.refresh();
  }

  private sendMessage(msg: FrontEndMessage): void {
    this.send(msg as any, {});
  }

  private onSnapshotChange(): void {
    if (this.cluster.onSnapshot(this.get('snapshot'))) {
      this.receivedAt = now();
      this.notify('state');
    }
  }

  private onCustomMessage(content: KernelMessage): void {
    switch (content?.type) {
      case 'delta': {
        const outcome = this.cluster.onDelta(content);
        if (outcome === 'applied') {
          this.receivedAt = now();
          this.notify('state');
        }
        break;
      }
      case 'action-started':
        if (this.actions.started(content.id)) {
          this.notify('actions');
        }
        break;
      case 'action-result':
        if (this.actions.result(content)) {
          this.notify('actions');
        }
        break;
      default:
        break;
    }
  }

  private notify(kind: ChangeKind): void {
    this.trigger('kubenb:changed', kind);
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
