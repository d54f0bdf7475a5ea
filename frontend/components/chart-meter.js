// How full something is: a label, a bar in SVG and "12 / 48" beside it, as a meter for
// assistive technology.
//
//   <chart-meter label="已占用格口" value="12" max="48" unit="kW" tone="ok">

import { html, View } from "../lib/html.js";
import { formatNumber } from "../lib/i18n.js";
import { bar } from "./chart-bars.js";

export class ChartMeter extends View {
  render() {
    const value = Number(this.getAttribute("value")) || 0;
    const max = Number(this.getAttribute("max")) || 0;
    const unit = this.getAttribute("unit") ? ` ${this.getAttribute("unit")}` : "";
    const fraction = max > 0 ? value / max : 0;
    const text = `${formatNumber(value)} / ${formatNumber(max)}${unit}`;
    const percent = formatNumber(fraction, { style: "percent", maximumFractionDigits: 0 });
    const tone = this.getAttribute("tone") ?? (fraction >= 0.9 ? "critical" : fraction >= 0.75 ? "major" : "ok");
    const label = this.getAttribute("label") ?? "";
    return html`<div class="chart-meter" role="meter" aria-label="${label}" aria-valuemin="0"
        aria-valuemax="${max}" aria-valuenow="${Math.min(value, max)}" aria-valuetext="${text} (${percent})">
      <span class="chart-label">${label}</span>
      ${bar(fraction, tone)}
      <span class="chart-value">${text} <span class="muted">${percent}</span></span>
    </div>`;
  }
}

customElements.define("chart-meter", ChartMeter);
