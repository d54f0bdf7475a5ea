// A ring chart in SVG: the parts of a whole (devices online and offline), the main figure
// in the middle and a legend beside it.
//
//   <chart-donut label="设备在线情况" center="5/6"
//     items='[{"label":"在线","value":5,"tone":"ok"},{"label":"离线","value":1,"tone":"off"}]'>

import { html, View } from "../lib/html.js";
import { formatNumber } from "../lib/i18n.js";
import { jsonAttribute } from "./chart-bars.js";

const RADIUS = 15.9155; // a circumference of 100: a part's length is its percentage

export class ChartDonut extends View {
  render() {
    const items = jsonAttribute(this, "items", []).filter((item) => Number(item.value) >= 0);
    const total = items.reduce((sum, item) => sum + (Number(item.value) || 0), 0);
    const label = this.getAttribute("label") ?? "";
    const summary = items.map((item) => `${item.label} ${formatNumber(Number(item.value) || 0)}`);
    let start = 0;
    const parts = items.map((item) => {
      const share = total ? ((Number(item.value) || 0) / total) * 100 : 0;
      const part = html`<circle class="chart-part ${item.tone ?? ""}" cx="21" cy="21" r="${RADIUS}"
        stroke-dasharray="${share.toFixed(3)} ${(100 - share).toFixed(3)}"
        stroke-dashoffset="${(25 - start).toFixed(3)}"></circle>`;
      start += share;
      return share > 0 ? part : "";
    });
    return html`<div class="chart-donut">
      <svg viewBox="0 0 42 42" role="img" aria-label="${label}: ${summary.join(", ")}">
        <circle class="chart-ring" cx="21" cy="21" r="${RADIUS}"></circle>
        ${parts}
        <text x="21" y="21" class="chart-center" text-anchor="middle" dominant-baseline="central"
          >${this.getAttribute("center") ?? formatNumber(total)}</text>
      </svg>
      <ul class="chart-legend" aria-hidden="true">
        ${items.map(
          (item) => html`<li><span class="chart-swatch ${item.tone ?? ""}"></span>${item.label}
            <strong>${formatNumber(Number(item.value) || 0)}</strong></li>`,
        )}
      </ul>
    </div>`;
  }
}

customElements.define("chart-donut", ChartDonut);
