"use strict";(self.rspackChunkkubenb_clusterview=self.rspackChunkkubenb_clusterview||[]).push([[968],{532(e,n,o){var r=o(763),b=o.n(r),a=o(700),t=(o.n(a))()(b());t.push([e.id,`/*
 * ClusterView styles. Layout and text use JupyterLab theme variables so the light and dark
 * themes both read well; owner and state colours are the shared palette of PROTOCOL.md \xa77.
 */

.kubenb-clusterview {
  --kubenb-bg: var(--jp-layout-color1, #fff);
  --kubenb-card-bg: var(--jp-layout-color2, #f3f3f3);
  --kubenb-border: var(--jp-border-color2, #e0e0e0);
  --kubenb-fg: var(--jp-ui-font-color1, rgba(0, 0, 0, 0.87));
  --kubenb-fg-dim: var(--jp-ui-font-color2, rgba(0, 0, 0, 0.54));
  --kubenb-accent: var(--jp-brand-color1, #1976d2);
  --kubenb-bar-bg: var(--jp-layout-color3, #bdbdbd);
  --kubenb-ok: #2e8b57;
  --kubenb-warn: #d4a017;
  --kubenb-bad: #d62728;
  --kubenb-gone: #8c8c8c;
  --kubenb-done: #6c757d;
  --kubenb-chip: 14px;

  position: relative;
  box-sizing: border-box;
  /* Its own width (not the page's) switches the compact layout at the end of this file. */
  container: kubenb-view / inline-size;
  padding: 6px;
  color: var(--kubenb-fg);
  background: var(--kubenb-bg);
  font-family: var(--jp-ui-font-family, sans-serif);
  font-size: var(--jp-ui-font-size1, 13px);
  line-height: 1.35;
}

/* theme_hint: "light"/"dark" pin the look regardless of JupyterLab's theme. */
.kubenb-clusterview.kubenb-theme-light {
  --kubenb-bg: #fff;
  --kubenb-card-bg: #f3f3f3;
  --kubenb-border: #e0e0e0;
  --kubenb-fg: rgba(0, 0, 0, 0.87);
  --kubenb-fg-dim: rgba(0, 0, 0, 0.54);
  --kubenb-bar-bg: #bdbdbd;
}

.kubenb-clusterview.kubenb-theme-dark {
  --kubenb-bg: #111;
  --kubenb-card-bg: #212121;
  --kubenb-border: #424242;
  --kubenb-fg: rgba(255, 255, 255, 1);
  --kubenb-fg-dim: rgba(255, 255, 255, 0.7);
  --kubenb-bar-bg: #616161;
}

.kubenb-clusterview button.kubenb-btn {
  font: inherit;
  font-size: var(--jp-ui-font-size0, 11px);
  color: var(--kubenb-fg);
  background: var(--jp-layout-color0, transparent);
  border: 1px solid var(--kubenb-border);
  border-radius: 3px;
  padding: 0 5px;
  margin-left: 2px;
  cursor: pointer;
}

.kubenb-clusterview button.kubenb-btn:hover {
  border-color: var(--kubenb-accent);
}

.kubenb-clusterview button[hidden] {
  display: none;
}

.kubenb-header {
  display: flex;
  gap: 10px;
  align-items: baseline;
  margin-bottom: 6px;
}

.kubenb-title {
  font-weight: 600;
}

.kubenb-summary {
  color: var(--kubenb-fg-dim);
}

.kubenb-error {
  color: var(--kubenb-bad);
  font-weight: 600;
}

.kubenb-gone .kubenb-main,
.kubenb-gone .kubenb-deployments,
.kubenb-gone .kubenb-workloads,
.kubenb-gone .kubenb-services {
  opacity: 0.45;
  filter: grayscale(1);
}

.kubenb-has-error .kubenb-main {
  opacity: 0.4;
}

.kubenb-main {
  display: flex;
  flex-wrap: wrap;
  gap: 8px;
  align-items: flex-start;
  /* Large clusters scroll inside the view instead of making the output endless. */
  max-height: 640px;
  overflow-y: auto;
}

.kubenb-nodes {
  display: flex;
  flex-wrap: wrap;
  gap: 8px;
  align-items: stretch;
}

/* Node cards */
.kubenb-node,
.kubenb-pending {
  box-sizing: border-box;
  width: 210px;
  padding: 5px 6px;
  background: var(--kubenb-card-bg);
  border: 1px solid var(--kubenb-border);
  border-top: 3px solid var(--kubenb-ok);
  border-radius: 4px;
  /* A change inside one card never re-lays out the others. */
  contain: layout style;
  transition:
    opacity 0.35s ease,
    border-color 0.35s ease;
}

.kubenb-node.kubenb-node-cordoned {
  border-top-color: var(--kubenb-warn);
}

.kubenb-node.kubenb-node-notready {
  border-top-color: var(--kubenb-bad);
}

.kubenb-node.kubenb-node-notready .kubenb-node-status {
  color: var(--kubenb-bad);
  font-weight: 600;
}

.kubenb-node.kubenb-exit {
  opacity: 0;
}

.kubenb-node-head {
  display: flex;
  flex-wrap: wrap;
  gap: 0 6px;
  align-items: baseline;
}

.kubenb-node-name {
  font-weight: 600;
}

.kubenb-node-status,
.kubenb-node-roles,
.kubenb-node-count {
  color: var(--kubenb-fg-dim);
  font-size: var(--jp-ui-font-size0, 11px);
}

.kubenb-node-bars {
  margin: 3px 0;
}

.kubenb-bar {
  display: flex;
  align-items: center;
  gap: 4px;
  font-size: var(--jp-ui-font-size0, 11px);
  color: var(--kubenb-fg-dim);
}

.kubenb-bar-name {
  width: 28px;
}

.kubenb-bar-track {
  position: relative;
  flex: 1;
  height: 6px;
  background: var(--kubenb-bar-bg);
  border-radius: 3px;
  overflow: hidden;
}

.kubenb-bar-fill {
  display: block;
  height: 100%;
  background: var(--kubenb-accent);
  transition: width 0.35s ease;
}

/* What the Metrics API says is in use: a darker band over the lower half of the requests */
.kubenb-bar-use {
  position: absolute;
  left: 0;
  bottom: 0;
  height: 50%;
  background: var(--kubenb-fg);
  opacity: 0.55;
  transition: width 0.35s ease;
}

.kubenb-bar-use[hidden] {
  display: none;
}

.kubenb-bar-high .kubenb-bar-fill {
  background: var(--kubenb-warn);
}

.kubenb-bar-over .kubenb-bar-fill {
  background: var(--kubenb-bad);
}

.kubenb-bar-label {
  min-width: 84px;
  text-align: right;
}

.kubenb-node-pods,
.kubenb-pending-pods {
  display: flex;
  flex-wrap: wrap;
  gap: 3px;
  min-height: var(--kubenb-chip);
  margin: 4px 0;
}

.kubenb-node-counts {
  display: flex;
  flex-wrap: wrap;
  gap: 3px;
}

.kubenb-count {
  padding: 0 5px;
  border: 2px solid var(--kubenb-ok);
  border-radius: 8px;
  font-size: var(--jp-ui-font-size0, 11px);
}

.kubenb-node-foot {
  display: flex;
  justify-content: space-between;
  align-items: center;
}

/* Pod chips: fill = owner, border = state */
.kubenb-pod {
  box-sizing: border-box;
  width: var(--kubenb-chip);
  height: var(--kubenb-chip);
  border: 2px solid var(--kubenb-ok);
  border-radius: 3px;
  background: #8c8c8c;
  cursor: pointer;
  color: #fff;
  font: bold 9px/10px sans-serif;
  text-align: center;
  overflow: hidden;
  user-select: none;
  transition:
    transform 0.35s ease,
    opacity 0.35s ease,
    border-color 0.35s ease;
}

/* Finished pods stay where \`kubectl get pods\` lists them: Succeeded faded with ✓, Failed ✗. */
.kubenb-pod.kubenb-finished-succeeded {
  opacity: 0.5;
  color: #1f2328;
}

.kubenb-pod.kubenb-enter {
  transform: scale(0.2);
  opacity: 0;
}

.kubenb-pod.kubenb-exit {
  transform: scale(0.2);
  opacity: 0;
  pointer-events: none;
}

.kubenb-pod.kubenb-selected {
  outline: 2px solid var(--kubenb-fg);
  outline-offset: 1px;
}

.kubenb-highlighting .kubenb-pod:not(.kubenb-highlight) {
  opacity: 0.25;
}

.kubenb-pod.kubenb-highlight {
  outline: 2px solid var(--kubenb-accent);
  outline-offset: 1px;
}

/* State borders (chips and aggregated count badges) */
.kubenb-state-running {
  border-color: var(--kubenb-ok);
}

.kubenb-state-notready {
  border-color: var(--kubenb-warn);
}

.kubenb-state-pending {
  border-color: var(--kubenb-warn);
  border-style: dashed;
}

.kubenb-state-terminating {
  border-color: var(--kubenb-gone);
  border-style: dotted;
  opacity: 0.55;
}

.kubenb-state-completed {
  border-color: var(--kubenb-done);
}

.kubenb-state-failed {
  border-color: var(--kubenb-bad);
}

.kubenb-state-unknown {
  border-color: var(--kubenb-gone);
}

/* Owner palette */
.kubenb-owner-none { background: #8c8c8c; }
.kubenb-owner-0 { background: #4e79a7; }
.kubenb-owner-1 { background: #f28e2b; }
.kubenb-owner-2 { background: #59a14f; }
.kubenb-owner-3 { background: #b07aa1; }
.kubenb-owner-4 { background: #76b7b2; }
.kubenb-owner-5 { background: #edc948; }
.kubenb-owner-6 { background: #ff9da7; }
.kubenb-owner-7 { background: #9c755f; }
.kubenb-owner-8 { background: #e15759; }
.kubenb-owner-9 { background: #bab0ac; }

/* Pending lane */
.kubenb-pending {
  border-top-color: var(--kubenb-warn);
  border-style: dashed;
}

.kubenb-pending[hidden] {
  display: none;
}

.kubenb-pending-head {
  font-weight: 600;
}

.kubenb-reason {
  color: var(--kubenb-fg-dim);
  font-size: var(--jp-ui-font-size0, 11px);
}

/* Services legend */
.kubenb-services {
  display: flex;
  flex-wrap: wrap;
  gap: 6px;
  margin-top: 8px;
}

.kubenb-services[hidden],
.kubenb-deployments[hidden],
.kubenb-workloads[hidden],
.kubenb-actions[hidden],
.kubenb-selection[hidden],
.kubenb-tooltip[hidden] {
  display: none;
}

.kubenb-svc {
  padding: 1px 6px;
  border: 1px solid var(--kubenb-border);
  border-radius: 10px;
  cursor: default;
}

.kubenb-svc.kubenb-highlight {
  border-color: var(--kubenb-accent);
}

.kubenb-svc-detail,
.kubenb-svc-endpoints {
  margin-left: 5px;
  color: var(--kubenb-fg-dim);
  font-size: var(--jp-ui-font-size0, 11px);
}

/* Workloads other than Deployments: a legend entry each, with the HPA */
.kubenb-workloads {
  margin-top: 8px;
  display: flex;
  flex-wrap: wrap;
  gap: 4px 14px;
}

.kubenb-workload {
  display: flex;
  gap: 6px;
  align-items: center;
}

.kubenb-workload-name {
  font-weight: 600;
}

.kubenb-workload-summary,
.kubenb-workload-pods,
.kubenb-hpa {
  color: var(--kubenb-fg-dim);
  font-size: var(--jp-ui-font-size0, 11px);
}

.kubenb-hpa:empty {
  display: none;
}

.kubenb-system-toggle {
  margin-left: auto;
  color: var(--kubenb-fg-dim);
  font-size: var(--jp-ui-font-size0, 11px);
  cursor: pointer;
  white-space: nowrap;
}

/* Deployments: rollout bars and controls */
.kubenb-deployments {
  margin-top: 8px;
  display: flex;
  flex-direction: column;
  gap: 4px;
}

.kubenb-deploy {
  display: grid;
  grid-template-columns: minmax(260px, 1fr) 200px auto;
  gap: 8px;
  align-items: center;
}

.kubenb-deploy-head {
  display: flex;
  gap: 6px;
  align-items: center;
  flex-wrap: wrap;
}

.kubenb-swatch {
  width: 10px;
  height: 10px;
  border-radius: 2px;
}

.kubenb-deploy-name {
  font-weight: 600;
}

.kubenb-deploy-image,
.kubenb-deploy-summary {
  color: var(--kubenb-fg-dim);
  font-size: var(--jp-ui-font-size0, 11px);
}

.kubenb-rollout {
  display: flex;
  height: 14px;
  background: var(--kubenb-bar-bg);
  border-radius: 3px;
  overflow: hidden;
}

.kubenb-seg {
  font-size: 10px;
  line-height: 14px;
  text-align: center;
  color: #fff;
  overflow: hidden;
  transition: width 0.35s ease;
}

.kubenb-seg-new {
  background: var(--kubenb-ok);
}

.kubenb-seg-old {
  background: var(--kubenb-gone);
}

.kubenb-deploy-controls {
  display: flex;
  gap: 3px;
  align-items: center;
}

.kubenb-slider {
  width: 90px;
}

.kubenb-replicas {
  min-width: 2ch;
  text-align: right;
}

.kubenb-image-input {
  width: 140px;
  font: inherit;
  font-size: var(--jp-ui-font-size0, 11px);
  color: var(--kubenb-fg);
  background: var(--jp-layout-color0, transparent);
  border: 1px solid var(--kubenb-border);
  border-radius: 3px;
}

.kubenb-readonly .kubenb-deploy {
  grid-template-columns: minmax(260px, 1fr) 200px;
}

/* Selected pod, actions log, events feed */
.kubenb-selection {
  display: flex;
  gap: 12px;
  align-items: flex-start;
  margin-top: 8px;
  padding: 4px 6px;
  border: 1px solid var(--kubenb-border);
  border-radius: 4px;
  font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 12px);
}

.kubenb-actions {
  margin-top: 8px;
}

.kubenb-action {
  display: flex;
  flex-wrap: wrap;
  gap: 6px;
  align-items: baseline;
}

.kubenb-action-status {
  min-width: 64px;
  color: var(--kubenb-fg-dim);
}

.kubenb-action-failed .kubenb-action-status,
.kubenb-action-error {
  color: var(--kubenb-bad);
}

.kubenb-action-ok .kubenb-action-status {
  color: var(--kubenb-ok);
}

.kubenb-action pre {
  flex-basis: 100%;
  margin: 0 0 2px 70px;
  white-space: pre-wrap;
  font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 12px);
}

.kubenb-events {
  margin-top: 8px;
  max-height: 10.5em;
  overflow-y: auto;
  display: grid;
  grid-template-columns: auto auto auto auto 1fr;
  gap: 0 10px;
  font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-ui-font-size0, 11px);
  color: var(--kubenb-fg-dim);
}

.kubenb-event {
  display: contents;
}

.kubenb-event-warning .kubenb-event-type,
.kubenb-event-warning .kubenb-event-reason {
  color: var(--kubenb-bad);
}

.kubenb-tooltip {
  position: absolute;
  z-index: 10;
  padding: 4px 6px;
  max-width: 420px;
  background: var(--jp-layout-color0, #fff);
  color: var(--kubenb-fg);
  border: 1px solid var(--kubenb-border);
  border-radius: 4px;
  box-shadow: 0 2px 6px rgba(0, 0, 0, 0.25);
  font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 12px);
  pointer-events: none;
  white-space: pre;
}

@media (prefers-reduced-motion: reduce) {
  .kubenb-clusterview * {
    transition: none !important;
  }
}

/* Compact: a narrow notebook, a side panel or a phone. Two node cards per row with smaller
   chips, deployments' rows stacked, bars without their names. */
@container kubenb-view (max-width: 560px) {
  .kubenb-nodes {
    --kubenb-chip: 10px;
    gap: 4px;
  }

  .kubenb-node,
  .kubenb-pending {
    width: calc(50% - 2px);
    min-width: 0;
    padding: 4px;
  }

  .kubenb-deploy,
  .kubenb-readonly .kubenb-deploy {
    grid-template-columns: minmax(0, 1fr);
    gap: 2px;
  }

  .kubenb-bar-name {
    display: none;
  }

  .kubenb-bar-label {
    min-width: 0;
  }
}

/* Narrower still: one card per row. */
@container kubenb-view (max-width: 320px) {
  .kubenb-node,
  .kubenb-pending {
    width: 100%;
  }
}
`,""]),o.d(n,{},{A:t})},700(e){e.exports=function(e){var n=[];return n.toString=function(){return this.map(function(n){var o="",r=void 0!==n[5];return n[4]&&(o+="@supports (".concat(n[4],") {")),n[2]&&(o+="@media ".concat(n[2]," {")),r&&(o+="@layer".concat(n[5].length>0?" ".concat(n[5]):""," {")),o+=e(n),r&&(o+="}"),n[2]&&(o+="}"),n[4]&&(o+="}"),o}).join("")},n.i=function(e,o,r,b,a){"string"==typeof e&&(e=[[null,e,void 0]]);var t={};if(r)for(var i=0;i<this.length;i++){var u=this[i][0];null!=u&&(t[u]=!0)}for(var d=0;d<e.length;d++){var s=[].concat(e[d]);r&&t[s[0]]||(void 0!==a&&(void 0===s[5]||(s[1]="@layer".concat(s[5].length>0?" ".concat(s[5]):""," {").concat(s[1],"}")),s[5]=a),o&&(s[2]&&(s[1]="@media ".concat(s[2]," {").concat(s[1],"}")),s[2]=o),b&&(s[4]?(s[1]="@supports (".concat(s[4],") {").concat(s[1],"}"),s[4]=b):s[4]="".concat(b)),n.push(s))}},n}},763(e){e.exports=function(e){return e[1]}},658(e){var n=[];function o(e){for(var o=-1,r=0;r<n.length;r++)if(n[r].identifier===e){o=r;break}return o}function r(e,r){for(var b={},a=[],t=0;t<e.length;t++){var i=e[t],u=r.base?i[0]+r.base:i[0],d=b[u]||0,s="".concat(u," ").concat(d);b[u]=d+1;var p=o(s),l={css:i[1],media:i[2],sourceMap:i[3],supports:i[4],layer:i[5]};if(-1!==p)n[p].references++,n[p].updater(l);else{var c=function(e,n){var o=n.domAPI(n);return o.update(e),function(n){n?(n.css!==e.css||n.media!==e.media||n.sourceMap!==e.sourceMap||n.supports!==e.supports||n.layer!==e.layer)&&o.update(e=n):o.remove()}}(l,r);r.byIndex=t,n.splice(t,0,{identifier:s,updater:c,references:1})}a.push(s)}return a}e.exports=function(e,b){var a=r(e=e||[],b=b||{});return function(e){e=e||[];for(var t=0;t<a.length;t++){var i=o(a[t]);n[i].references--}for(var u=r(e,b),d=0;d<a.length;d++){var s=o(a[d]);0===n[s].references&&(n[s].updater(),n.splice(s,1))}a=u}}},713(e){var n={};e.exports=function(e,o){var r=function(e){if(void 0===n[e]){var o=document.querySelector(e);if(window.HTMLIFrameElement&&o instanceof window.HTMLIFrameElement)try{o=o.contentDocument.head}catch(e){o=null}n[e]=o}return n[e]}(e);if(!r)throw Error("Couldn't find a style target. This probably means that the value for the 'insert' parameter is invalid.");r.appendChild(o)}},486(e){e.exports=function(e){var n=document.createElement("style");return e.setAttributes(n,e.attributes),e.insert(n,e.options),n}},850(e,n,o){e.exports=function(e){var n=o.nc;n&&e.setAttribute("nonce",n)}},947(e){e.exports=function(e){if("u"<typeof document)return{update:function(){},remove:function(){}};var n=e.insertStyleElement(e);return{update:function(o){var r,b,a;r="",o.supports&&(r+="@supports (".concat(o.supports,") {")),o.media&&(r+="@media ".concat(o.media," {")),(b=void 0!==o.layer)&&(r+="@layer".concat(o.layer.length>0?" ".concat(o.layer):""," {")),r+=o.css,b&&(r+="}"),o.media&&(r+="}"),o.supports&&(r+="}"),(a=o.sourceMap)&&"u">typeof btoa&&(r+="\n/*# sourceMappingURL=data:application/json;base64,".concat(btoa(unescape(encodeURIComponent(JSON.stringify(a))))," */")),e.styleTagTransform(r,n,e.options)},remove:function(){var e;null===(e=n).parentNode||e.parentNode.removeChild(e)}}}},147(e){e.exports=function(e,n){if(n.styleSheet)n.styleSheet.cssText=e;else{for(;n.firstChild;)n.removeChild(n.firstChild);n.appendChild(document.createTextNode(e))}}},619(e,n,o){var r=o(658),b=o.n(r),a=o(947),t=o.n(a),i=o(713),u=o.n(i),d=o(850),s=o.n(d),p=o(486),l=o.n(p),c=o(147),k=o.n(c),f=o(532),g={};g.styleTagTransform=k(),g.setAttributes=s(),g.insert=u().bind(null,"head"),g.domAPI=t(),g.insertStyleElement=l(),b()(f.A,g),f.A&&f.A.locals&&f.A.locals}}]);