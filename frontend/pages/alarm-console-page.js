// The alarm console: the open alarms, live over `alarms/subscribe`, the most severe first
// and then the newest; a new one is put in its place without a reload and announced. Rows
// are kept while they stay (a comment being typed survives every change); filters by
// severity and state; "recently closed" reads the closed ones from the REST API.

import "../components/ops-alarm-row.js";
import { alarmTypeText, severityText } from "../components/ops-alarm-row.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { errorText, formatNumber, t } from "../lib/i18n.js";
import { empty, failure, loading, pageHeading, toast } from "../lib/ui.js";

const SEVERITIES = ["critical", "major", "minor", "warning"];
const OPEN_STATES = ["active_unacknowledged", "active_acknowledged", "cleared_unacknowledged"];
const CLOSED = "cleared_acknowledged";
const CLOSED_LIMIT = 50;

/** Most severe first, then the newest. */
export function byUrgency(a, b) {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || b.raised_at - a.raised_at;
}

class AlarmConsolePage extends View {
  connected() {
    this.open = new Map(); // id -> alarm, the open ones, live
    this.closed = null; // the recently closed ones, when that filter is chosen
    this.ready = false;
    this.error = null;
    this.rows = new Map(); // id -> <ops-alarm-row>
    this.places = new Map(); // household id -> "address · name"
    this.context = {
      place: (alarm) => this.places.get(alarm.household_id) ?? "",
      source: (alarm) => hub.entities.get(alarm.source_entity_id)?.a?.friendly_name ?? alarm.source_entity_id,
    };
    this.own(
      hub.socket.subscribe(
        { type: "alarms/subscribe" },
        (event) => this.#event(event),
        (error) => this.#failed(error),
      ),
    );
    this.on("change", "#console-severity, #console-state", () => this.#filtered());
    this.on("alarm-changed", "ops-alarm-row", (event) => this.#changedHere(event.detail));
    this.#loadPlaces();
  }

  render() {
    const option = (value, text) => html`<option value="${value}">${text}</option>`;
    return html`${pageHeading(
        t("operator.console.title"),
        html`<span id="console-summary" class="badge" role="status"></span>`,
      )}
      <div class="ops-filters">
        <label>${t("operator.console.severity_filter")}
          <select id="console-severity">
            ${option("", t("operator.console.all_severities"))}
            ${SEVERITIES.map((severity) => option(severity, severityText(severity)))}
          </select>
        </label>
        <label>${t("operator.console.state_filter")}
          <select id="console-state">
            ${option("", t("operator.console.all_open"))}
            ${OPEN_STATES.map((state) => option(state, t(`operator.alarm_state.${state}`)))}
            ${option(CLOSED, t("operator.console.closed"))}
          </select>
        </label>
      </div>
      <p id="console-alert" class="ops-announce" role="alert" aria-live="assertive"></p>
      <p id="console-news" class="visually-hidden" role="status" aria-live="polite"></p>
      <div id="console-state-box">${loading()}</div>
      <div id="console-alarms" class="list ops-alarm-list" role="list" aria-label="${t("operator.console.list")}"></div>`;
  }

  async #loadPlaces() {
    try {
      const [households, units] = await Promise.all([
        hub.api.get("/api/community/households"),
        hub.api.get("/api/community/units"),
      ]);
      const addresses = new Map(units.map((unit) => [unit.id, unit.address]));
      for (const household of households) {
        const address = addresses.get(household.unit_id);
        const same = !address || household.name === address;
        this.places.set(household.id, same ? household.name : `${address} · ${household.name}`);
      }
    } catch {
      return; // the rows show the alarms without their addresses
    }
    for (const row of this.rows.values()) row.alarm = row.alarm; // renders the place again
  }

  #event(event) {
    if (event.alarms) {
      this.open = new Map(event.alarms.map((alarm) => [alarm.id, alarm]));
      this.ready = true;
      this.error = null;
    } else if (event.raised) {
      this.#keep(event.raised);
      this.#announce(event.raised);
    } else if (event.updated) {
      this.#keep(event.updated);
    }
    this.#sync();
  }

  #failed(error) {
    this.error = error;
    this.#sync();
  }

  /** Keep the newer of what is here and `alarm`; a closed one leaves the open ones. */
  #keep(alarm) {
    const known = this.open.get(alarm.id);
    if (known && known.modified_at > alarm.modified_at) return;
    if (alarm.state === CLOSED) this.open.delete(alarm.id);
    else this.open.set(alarm.id, alarm);
    if (this.closed) {
      const index = this.closed.findIndex((item) => item.id === alarm.id);
      if (index >= 0) this.closed[index] = alarm;
      else if (alarm.state === CLOSED) this.closed.unshift(alarm);
    }
  }

  /** What an action on a row answered: kept like an event (which follows anyway). */
  #changedHere(alarm) {
    const wasOpen = this.open.has(alarm.id);
    this.#keep(alarm);
    if (wasOpen && alarm.state === CLOSED) toast(t("operator.console.closed_now"));
    this.#sync();
  }

  #announce(alarm) {
    const text = t("operator.console.announce", {
      severity: severityText(alarm.severity),
      type: alarmTypeText(alarm.alarm_type),
      place: this.context.place(alarm) || t("operator.console.no_household"),
      message: alarm.message,
    });
    const region = this.querySelector(alarm.severity === "critical" ? "#console-alert" : "#console-news");
    if (region) region.textContent = text;
  }

  async #filtered() {
    const state = this.querySelector("#console-state").value;
    if (state === CLOSED && this.closed === null) {
      this.#sync(); // loading
      try {
        this.closed = await hub.api.get("/api/alarms", { state: CLOSED, limit: CLOSED_LIMIT });
      } catch (error) {
        toast(errorText(error), "error");
        this.closed = [];
      }
    } else if (state !== CLOSED) {
      this.closed = null; // read again next time: others close alarms too
    }
    this.#sync();
  }

  #shown() {
    const severity = this.querySelector("#console-severity")?.value ?? "";
    const state = this.querySelector("#console-state")?.value ?? "";
    const pool = state === CLOSED ? (this.closed ?? []) : [...this.open.values()];
    return pool
      .filter((alarm) => (!severity || alarm.severity === severity) && (!state || alarm.state === state))
      .sort(byUrgency);
  }

  /** Bring the list in line with the alarms: rows that stay are updated in place. */
  #sync() {
    const list = this.querySelector("#console-alarms");
    const box = this.querySelector("#console-state-box");
    if (!list || !box) return;
    const summary = this.querySelector("#console-summary");
    summary.textContent = this.ready ? t("operator.console.summary", { count: formatNumber(this.open.size) }) : "";
    summary.className = `badge ${[...this.open.values()].some((a) => a.severity === "critical") ? "critical" : ""}`;
    const closedView = this.querySelector("#console-state").value === CLOSED;
    if (!this.ready || (closedView && this.closed === null)) {
      box.innerHTML = String(this.error ? failure(this.error) : loading());
      return;
    }
    const shown = this.#shown();
    const filtering = this.querySelector("#console-severity").value || this.querySelector("#console-state").value;
    box.innerHTML = shown.length
      ? ""
      : String(empty(t(filtering ? "operator.console.empty_filtered" : "operator.console.empty")));
    const wanted = new Set(shown.map((alarm) => alarm.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
    let next = list.firstElementChild;
    for (const alarm of shown) {
      let row = this.rows.get(alarm.id);
      if (!row) {
        row = document.createElement("ops-alarm-row");
        row.context = this.context;
        row.alarm = alarm;
        row.dataset.alarmId = alarm.id;
        this.rows.set(alarm.id, row);
        list.insertBefore(row, next);
        continue;
      }
      if (row.alarm !== alarm) row.alarm = alarm;
      if (row === next) next = next.nextElementSibling;
      else list.insertBefore(row, next); // only if the order changed (it does not, as a rule)
    }
  }
}

customElements.define("alarm-console-page", AlarmConsolePage);
