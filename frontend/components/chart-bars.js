// A horizontal bar chart: one row a value, its label and figure beside a bar drawn in SVG.
//
//   <chart-bars label="按级别" items='[{"label":"紧急","value":2,"text":"2","tone":"critical"}]'>
//
// `items` is JSON: label, value (a number), text (the value as shown; the number if left
// out) and tone (a class of the bar: critical, major, minor, warning, ok, off). The longest
// bar fills the row unless `max` says what a full row is.

import { html, View } from "../lib/html.js";
import { formatNumber } from "../lib/i18n.js";

/** A bar of `fraction` (0 to 1) in SVG, for rows and meters. */
export function bar(fraction, tone = "") {
  const width = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)) * 100;
  return html`<svg class="chart-bar" viewBox="0 0 100 10" preserveAspectRatio="none"
      aria-hidden="true" focusable="false">
    <rect class="chart-track" width="100" height="10"></rect>
    ${width > 0 ? html`<rect class="chart-fill ${tone}" width="${width.toFixed(2)}" height="10"></rect>` : ""}
  </svg>`;
}

/** The JSON of an attribute, or `fallback` if it is missing or broken. */
export function jsonAttribute(element, name, fallback) {
  try {
    return JSON.parse(element.getAttribute(name) ?? "null") ?? fallback;
  } catch {
    return fallback;
  }
}

export class ChartBars extends View {
  render() {
    const items = jsonAttribute(this, "items", []);
    const largest = Math.max(0, ...items.map((item) => Number(item.value) || 0));
    const max = Number(this.getAttribute("max")) || largest || 1;
    return html`<ul class="chart-bars" aria-label="${this.getAttribute("label") ?? ""}">
      ${items.map(
        (item) => html`<li>
          <span class="chart-label">${item.label}</span>
          ${bar((Number(item.value) || 0) / max, item.tone ?? "")}
          <span class="chart-value">${item.text ?? formatNumber(Number(item.value) || 0)}</span>
        </li>`,
      )}
    </ul>`;
  }
}

customElements.define("chart-bars", ChartBars);
