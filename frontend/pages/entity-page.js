// One entity: its state now (live) and its history, drawn by <history-chart>: over a day the
// recorded readings (GET /api/history), over a month the daily statistics (GET
// /api/statistics: a meter's use per day as bars, a measurement's daily mean with its
// range), or the recorded readings when there are no statistics. An entity whose state is
// words (a door, a smoke alarm) gets the list of its changes instead of a chart.

import "../components/history-chart.js";
import { domainOf, entityLabel, stateText, translationKeyOf } from "../components/entity-tile.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatTime, t } from "../lib/i18n.js";
import { parseHash } from "../lib/routes.js";
import { empty, failure, loading, pageHeading } from "../lib/ui.js";

const DAY = 86400;
const RANGES = ["day", "month"];
const MONTH_DAYS = 30;
const MAX_CHANGES = 30;
const NOTHING_SHOWN = Symbol("nothing shown");

function seconds(text) {
  return Date.parse(text) / 1000;
}

class EntityPage extends View {
  connected() {
    const { params, query } = parseHash();
    this.entityId = params[0] ?? "";
    this.range = RANGES.includes(query.get("range")) ? query.get("range") : "day";
    this.state = "loading";
    this.shown = NOTHING_SHOWN;
    this.on("click", "#retry", () => this.#load());
    // Could not reach the hub: load again once the connection is back.
    this.own(
      hub.socket.onStatus((status) => {
        if (status === "connected" && this.state === "failed" && this.error?.code === "network") this.#load();
      }),
    );
    this.own(hub.entities.watch(() => this.#showState()));
    this.#load();
  }

  get info() {
    const entry = this.entry ?? { entity_id: this.entityId };
    return {
      entity_id: this.entityId,
      platform: entry.platform,
      key: translationKeyOf(entry),
      device_class: entry.device_class,
      unit: entry.unit_of_measurement,
    };
  }

  async #load() {
    this.state = "loading";
    this.update();
    try {
      const entities = await hub.api.get("/api/registry/entities");
      this.entry = entities.find((entity) => entity.entity_id === this.entityId) ?? null;
      const live = hub.entities.get(this.entityId);
      if (!this.entry && !live && hub.entities.ready) {
        this.state = "missing";
        this.update();
        return;
      }
      this.history = await this.#history();
      this.state = "ready";
    } catch (error) {
      this.error = error;
      this.state = "failed";
    }
    this.update();
  }

  /** The series to draw (or the changes to list) for the range. */
  async #history() {
    const end = Date.now() / 1000;
    const start = end - (this.range === "day" ? DAY : MONTH_DAYS * DAY);
    if (this.range === "month") {
      const series = await this.#statistics(start);
      if (series) return { start, end, ...series };
    }
    const query = { entity_id: this.entityId, minimal: "true" };
    if (this.range !== "day") query.start = new Date(start * 1000).toISOString();
    const found = await hub.api.get("/api/history", query);
    const rows = (found[this.entityId] ?? []).map((row) => ({
      t: Math.max(start, seconds(row.last_updated ?? row.last_changed)),
      s: row.state,
    }));
    if (rows.some((row) => row.s !== "unavailable" && row.s !== "unknown" && !Number.isFinite(Number(row.s)))) {
      return { start, end, changes: rows.slice(-MAX_CHANGES).reverse() };
    }
    const points = rows
      .filter((row) => row.s !== "" && Number.isFinite(Number(row.s)))
      .map((row) => ({ t: row.t, v: Number(row.s) }));
    return { start, end, kind: "line", points };
  }

  /** Daily statistics over the month: a meter's use per day, or a measurement's means;
   * null when there are none. */
  async #statistics(start) {
    // A day more than shown: the day before is the meter's starting point.
    const from = new Date((start - DAY) * 1000).toISOString();
    const found = await hub.api.get("/api/statistics", {
      statistic_id: this.entityId,
      period: "day",
      start: from,
    });
    const rows = found[this.entityId] ?? [];
    const result = [];
    if (rows.some((row) => row.sum !== null && row.sum !== undefined)) {
      let previous = null;
      for (const row of rows) {
        const when = seconds(row.start);
        if (row.sum === null) continue;
        if (when >= start - DAY / 2) result.push({ t: when, v: previous === null ? row.sum : row.sum - previous });
        previous = row.sum;
      }
      return result.length ? { kind: "bars", points: result } : null;
    }
    for (const row of rows) {
      const when = seconds(row.start);
      if (row.mean === null || when < start - DAY / 2) continue;
      result.push({ t: when + DAY / 2, v: row.mean, min: row.min ?? row.mean, max: row.max ?? row.mean });
    }
    return result.length ? { kind: "line", points: result } : null;
  }

  render() {
    const back = html`<a class="button quiet" href="#/home">${t("home.entity.back")}</a>`;
    const live = hub.entities.get(this.entityId);
    const label = entityLabel(this.entry ?? { entity_id: this.entityId }, live);
    if (this.state === "missing") {
      return html`${pageHeading(t("home.entity.title"), back)}${empty(t("home.entity.missing"))}`;
    }
    return html`${pageHeading(label, back)}
      <section class="card entity-now" aria-label="${t("home.entity.now")}">
        <p class="muted">${t("home.entity.now")}</p>
        <p class="figure current-state" aria-live="polite">${stateText(this.info, live)}</p>
        <p class="hint last-changed"></p>
      </section>
      <div class="range-switch" role="group" aria-label="${t("home.entity.range")}">
        ${RANGES.map(
          (range) => html`<a class="button ${range === this.range ? "primary" : ""}"
            href="#/entity/${encodeURIComponent(this.entityId)}?range=${range}"
            ${range === this.range ? html`aria-current="page"` : ""}>${t(`home.entity.ranges.${range}`)}</a>`,
        )}
      </div>
      <section class="card history" aria-labelledby="history-title">
        <h2 id="history-title">${t(`home.entity.history_title.${this.range}`)}</h2>
        ${this.#historyBody(label)}
      </section>`;
  }

  #historyBody(label) {
    if (this.state === "loading") return loading();
    if (this.state === "failed") {
      return html`${failure(this.error)}
        <p class="actions"><button id="retry" type="button">${t("home.retry")}</button></p>`;
    }
    const history = this.history;
    if (history.changes) {
      if (!history.changes.length) return empty(t("home.entity.no_data"));
      const info = this.info;
      return html`<ol class="list changes">${history.changes.map(
        (change) => html`<li><time>${formatTime(change.t)}</time>
          <span>${stateText(info, { s: change.s, a: {} })}</span></li>`,
      )}</ol>`;
    }
    return html`<history-chart data-entity="${this.entityId}"></history-chart>`;
  }

  rendered() {
    this.shown = NOTHING_SHOWN;
    this.#showState();
    const chart = this.querySelector("history-chart");
    if (chart && this.history && !this.history.changes) {
      chart.series = {
        ...this.history,
        unit: this.entry?.unit_of_measurement ?? hub.entities.get(this.entityId)?.a?.unit_of_measurement,
        name: entityLabel(this.entry ?? { entity_id: this.entityId }, hub.entities.get(this.entityId)),
        range: this.range,
      };
      chart.update();
    }
  }

  /** The state now, in place: it changes as the hub reports it. */
  #showState() {
    const live = hub.entities.get(this.entityId);
    if (live === this.shown) return;
    this.shown = live;
    const now = this.querySelector(".current-state");
    if (now) now.textContent = stateText(this.info, live);
    const changed = this.querySelector(".last-changed");
    if (changed) changed.textContent = live?.lc ? t("home.entity.since", { time: formatTime(live.lc) }) : "";
    if (domainOf(this.entityId) && this.state === "missing" && live) this.#load();
  }
}

customElements.define("entity-page", EntityPage);
