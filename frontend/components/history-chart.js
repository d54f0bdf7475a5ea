// A history chart drawn as SVG, without libraries: a line (readings over a day, daily means
// over a month with their range) or bars (a meter's use per day). Axes in the user's
// language (times, dates, numbers) with the unit; drawn at the element's own width so the
// type stays readable on a phone. For screen readers the chart is one image whose name
// sums it up: lowest, highest and latest (or the total of the bars).
//
// Use: chart.series = {kind: "line" | "bars", points: [{t, v, min?, max?}] (t in seconds),
// start, end (seconds), unit, name, range: "day" | "month"}.

import { escape, html, Markup, View } from "../lib/html.js";
import { formatNumber, formatTime, t } from "../lib/i18n.js";
import { empty } from "../lib/ui.js";
import { unitText, valueText } from "./entity-tile.js";

const DAY = 86400;
const MARGIN = { top: 16, right: 14, bottom: 40, left: 8 };

/** Round, evenly spaced values from low to high (about `count` of them). */
export function niceTicks(low, high, count = 4) {
  if (low === high) {
    const pad = Math.abs(low) * 0.1 || 1;
    low -= pad;
    high += pad;
  }
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(low / step) * step;
  const ticks = [];
  for (let value = first; value <= high + step * 1e-9; value += step) ticks.push(+value.toFixed(10));
  if (ticks[ticks.length - 1] < high) ticks.push(+(ticks[ticks.length - 1] + step).toFixed(10));
  return ticks;
}

function number(value) {
  return formatNumber(value, { maximumFractionDigits: 2 });
}

/** Time ticks: whole hours over a day, local midnights over a month. */
function timeTicks(start, end, range, width) {
  const ticks = [];
  if (range === "day") {
    const hours = width < 420 ? 6 : 3;
    const first = new Date(start * 1000);
    first.setMinutes(0, 0, 0);
    while (first.getTime() < start * 1000 || first.getHours() % hours) first.setHours(first.getHours() + 1);
    for (let when = first.getTime() / 1000; when <= end; when += hours * 3600) ticks.push(when);
  } else {
    const days = width < 420 ? 10 : 5;
    const first = new Date(start * 1000);
    first.setHours(24, 0, 0, 0);
    for (let when = new Date(first); when.getTime() / 1000 <= end; when.setDate(when.getDate() + days)) {
      ticks.push(when.getTime() / 1000);
    }
  }
  return ticks;
}

function tickLabel(when, range) {
  return range === "day"
    ? formatTime(when, { hour: "2-digit", minute: "2-digit" })
    : formatTime(when, { month: "numeric", day: "numeric" });
}

/** The chart's summary in words: the same for its image name and the legend under it. */
export function summarise(series) {
  const values = series.points.map((point) => point.v);
  const unit = series.unit;
  const range = t(`home.entity.range_words.${series.range}`);
  if (series.kind === "bars") {
    const total = values.reduce((sum, value) => sum + value, 0);
    return t("home.entity.summary_bars", {
      name: series.name,
      range,
      low: valueText(Math.min(...values), unit),
      high: valueText(Math.max(...values), unit),
      total: valueText(total, unit),
    });
  }
  const lows = series.points.map((point) => point.min ?? point.v);
  const highs = series.points.map((point) => point.max ?? point.v);
  return t("home.entity.summary", {
    name: series.name,
    range,
    low: valueText(Math.min(...lows), unit),
    high: valueText(Math.max(...highs), unit),
    latest: valueText(values[values.length - 1], unit),
  });
}

export class HistoryChart extends View {
  connected() {
    this.series ??= null;
    this.drawnWidth = 0;
    // Drawn again at a new width, after the browser's layout (never inside the observer).
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => {
        const width = Math.round(this.clientWidth);
        if (this.series && width && Math.abs(width - this.drawnWidth) > 8) this.update();
      });
    });
    observer.observe(this);
    this.own(() => {
      observer.disconnect();
      cancelAnimationFrame(this.frame);
    });
  }

  render() {
    const series = this.series;
    if (!series) return html``;
    if (!series.points.length) return empty(t("home.entity.no_data"));
    const width = Math.max(280, Math.round(this.clientWidth || this.parentElement?.clientWidth || 600));
    this.drawnWidth = width;
    const height = Math.round(Math.min(360, Math.max(220, width * 0.5)));
    const summary = summarise(series);
    return html`<figure class="history-chart">
      ${this.#svg(series, width, height, summary)}
      <figcaption class="chart-legend" aria-hidden="true">${summary}</figcaption>
    </figure>`;
  }

  #svg(series, width, height, summary) {
    const { start, end, points, range } = series;
    const lows = points.map((point) => point.min ?? point.v);
    const highs = points.map((point) => point.max ?? point.v);
    let low = Math.min(...lows);
    const high = Math.max(...highs);
    if (series.kind === "bars") low = Math.min(0, low);
    const ticks = niceTicks(low, high);
    const yLow = ticks[0];
    const yHigh = ticks[ticks.length - 1];
    const labels = ticks.map(number);
    const labelWidth = Math.max(...labels.map((label) => label.length)) * 9 + 10;
    const left = MARGIN.left + labelWidth;
    const right = width - MARGIN.right;
    const top = MARGIN.top + 14; // room for the unit over the axis
    const bottom = height - MARGIN.bottom;
    const x = (when) => left + ((Math.min(Math.max(when, start), end) - start) / (end - start)) * (right - left);
    const y = (value) => bottom - ((value - yLow) / (yHigh - yLow || 1)) * (bottom - top);
    const parts = [];
    // Grid and the value axis
    for (const [index, value] of ticks.entries()) {
      const at = y(value).toFixed(1);
      parts.push(`<line class="grid" x1="${left}" x2="${right}" y1="${at}" y2="${at}"/>`);
      parts.push(`<text class="axis-label" x="${left - 6}" y="${at}" text-anchor="end" dominant-baseline="middle">${labels[index]}</text>`);
    }
    const unit = unitText(series.unit);
    if (unit) parts.push(`<text class="axis-unit" x="4" y="${MARGIN.top}" text-anchor="start">${escape(unit)}</text>`);
    // The time axis
    parts.push(`<line class="axis" x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`);
    for (const when of timeTicks(start, end, range, width)) {
      const at = x(when).toFixed(1);
      parts.push(`<line class="tick" x1="${at}" x2="${at}" y1="${bottom}" y2="${bottom + 5}"/>`);
      parts.push(`<text class="axis-label" x="${at}" y="${bottom + 22}" text-anchor="middle">${escape(tickLabel(when, range))}</text>`);
    }
    if (series.kind === "bars") {
      const slot = ((right - left) * DAY) / (end - start);
      const barWidth = Math.max(2, slot * 0.7);
      for (const point of points) {
        const centre = x(point.t + DAY / 2);
        const top = y(Math.max(point.v, 0));
        const base = y(Math.min(point.v, 0) < 0 ? point.v : 0);
        parts.push(
          `<rect class="bar" x="${(centre - barWidth / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(1, base - top).toFixed(1)}"/>`,
        );
      }
    } else {
      if (points.some((point) => point.min !== undefined)) {
        const upper = points.map((point) => `${x(point.t).toFixed(1)},${y(point.max ?? point.v).toFixed(1)}`);
        const lower = points.map((point) => `${x(point.t).toFixed(1)},${y(point.min ?? point.v).toFixed(1)}`).reverse();
        parts.push(`<polygon class="band" points="${[...upper, ...lower].join(" ")}"/>`);
      }
      const line = points.map((point, index) => `${index ? "L" : "M"}${x(point.t).toFixed(1)},${y(point.v).toFixed(1)}`);
      parts.push(`<path class="line" d="${line.join(" ")}"/>`);
      if (points.length <= 60) {
        for (const point of points) {
          parts.push(`<circle class="dot" cx="${x(point.t).toFixed(1)}" cy="${y(point.v).toFixed(1)}" r="3"/>`);
        }
      }
      const last = points[points.length - 1];
      parts.push(`<circle class="dot latest" cx="${x(last.t).toFixed(1)}" cy="${y(last.v).toFixed(1)}" r="5"/>`);
    }
    return html`<svg class="chart" role="img" aria-label="${summary}" width="${width}" height="${height}"
      viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">
      <title>${summary}</title>${new Markup(parts.join(""))}</svg>`;
  }
}

customElements.define("history-chart", HistoryChart);
