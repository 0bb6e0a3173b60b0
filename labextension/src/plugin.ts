/**
 * The JupyterLab plugin: registers the ClusterView widget module ("kubenb-clusterview") with
 * the ipywidgets manager, so `kubenb.widgets.ClusterView` outputs render as a live view.
 * The snapshot MIME renderer is a separate mime extension (mime.ts).
 */

import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

import { ClusterViewModel } from './model';
import { MODULE_NAME, MODULE_VERSION } from './protocol';
import { ClusterViewView } from './view';

const plugin: JupyterFrontEndPlugin<void> = {
  id: `${MODULE_NAME}:plugin`,
  description: 'ClusterView: the live picture of a kubenb cluster.',
  requires: [IJupyterWidgetRegistry],
  autoStart: true,
  activate: (_app: JupyterFrontEnd, registry: IJupyterWidgetRegistry): void => {
    registry.registerWidget({
      name: MODULE_NAME,
      version: MODULE_VERSION,
      exports: { ClusterViewModel, ClusterViewView }
    });
  }
};

export default plugin;
export { ClusterViewModel, ClusterViewView };
