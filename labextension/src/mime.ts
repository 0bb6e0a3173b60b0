/**
 * MIME renderer for static ClusterView snapshots: output whose bundle carries
 * `application/vnd.kubenb.clusterview+json` (a snapshot as in PROTOCOL.md §3) is drawn with
 * the same picture as the live widget, read-only. Viewers without this extension fall back to
 * the bundle's `text/html`.
 */

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import { MODULE_NAME } from './protocol';
import { stateFromSnapshot, isSnapshot } from './state';
import { ClusterPicture } from './picture';

export const SNAPSHOT_MIME = 'application/vnd.kubenb.clusterview+json';

export class SnapshotRenderer extends Widget implements IRenderMime.IRenderer {
  private picture: ClusterPicture;

  constructor(private readonly mimeType: string) {
    super();
    this.addClass('kubenb-snapshot');
    this.picture = new ClusterPicture(this.node, {});
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this.mimeType];
    if (isSnapshot(data)) {
      this.picture.draw(stateFromSnapshot(data), {}, performance.now());
    } else {
      this.node.textContent = 'kubenb: not a ClusterView snapshot';
    }
    return Promise.resolve();
  }

  dispose(): void {
    this.picture.dispose();
    super.dispose();
  }
}

const extension: IRenderMime.IExtension = {
  id: `${MODULE_NAME}:snapshot`,
  rendererFactory: {
    safe: true,
    mimeTypes: [SNAPSHOT_MIME],
    createRenderer: options => new SnapshotRenderer(options.mimeType)
  },
  rank: 0,
  dataType: 'json'
};

export default extension;
