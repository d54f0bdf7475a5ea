// Charging (#/charging): each connector of the community's chargers — status, power, the
// session's energy — live from the ev_charger integration's entities. A resident starts a
// session for their household (the hub charges it to the household's app tag) and stops
// their household's sessions (the hub's `sessions` service says which); operators see every connector and the site's allocated power
// against its supply limit, and may stop any session.

import { refusalText } from "../components/community-common.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatNumber, formatTime, has, t } from "../lib/i18n.js";
import { isStaff } from "../lib/routes.js";
import { empty, failure, loading, pageHeading, toast } from "../lib/ui.js";

const DOMAIN = "ev_charger";
const STARTABLE = new Set(["Available", "Preparing"]);
const REGISTRY_PAUSE_MS = 3000;

function numberOf(state) {
  const value = Number(state?.s);
  return state && state.s !== "" && Number.isFinite(value) ? value : null;
}

function kw(value) {
  return value === null ? "–" : t("community.charging.kw", { value: formatNumber(value, { maximumFractionDigits: 2 }) });
}

function kwh(value) {
  return value === null ? "–" : t("community.charging.kwh", { value: formatNumber(value, { maximumFractionDigits: 2 }) });
}

class ChargingPage extends View {
  connected() {
    this.staff = isStaff(hub.user.role);
    this.households = hub.user.households ?? [];
    this.householdId = this.households[0]?.id ?? null;
    this.entries = []; // the integration's registry entries
    this.devices = new Map();
    this.seen = new Set(); // entity ids the registry was read with
    this.ready = false;
    this.ours = new Set(); // "<charge point>:<connector>:<transaction>" of the household
    this.oursOf = null; // the open sessions `ours` was asked for
    this.on("click", "button[data-start]", (event, button) => this.#start(button));
    this.on("click", "button[data-stop]", (event, button) => this.#stop(button));
    this.on("change", "#charge-household", (event) => {
      this.householdId = event.target.value;
    });
    this.own(hub.entities.watch(() => this.#changed()));
    this.#load();
  }

  render() {
    const picker = !this.staff && this.households.length > 1
      ? html`<label class="card">${t("community.charging.household")}
          <select id="charge-household">${this.households.map(
            (item) => html`<option value="${item.id}">${item.name}</option>`,
          )}</select></label>`
      : "";
    return html`
      ${pageHeading(t("community.charging.title"))}
      <p class="hint">${t(this.staff ? "community.charging.intro_staff" : "community.charging.intro")}</p>
      ${picker}
      <div id="charging" aria-live="polite">${loading()}</div>`;
  }

  async #load() {
    try {
      await this.#loadRegistry();
      this.ready = true;
      this.#changed(); // entities may have come while the registry was read
    } catch (error) {
      const box = this.querySelector("#charging");
      if (box) box.innerHTML = String(failure(error));
    }
  }

  async #loadRegistry() {
    this.seen = new Set(hub.entities.states.keys());
    const [entities, devices] = await Promise.all([
      hub.api.get("/api/registry/entities"),
      hub.api.get("/api/registry/devices"),
    ]);
    this.entries = entities.filter((entry) => entry.platform === DOMAIN);
    this.devices = new Map(devices.map((device) => [device.id, device]));
  }

  /** New entities (a charge point's connector reported for the first time): read the
   * registry again, at most every few seconds. */
  #changed() {
    if (!this.ready) return;
    if (!this.reading && [...hub.entities.states.keys()].some((id) => !this.seen.has(id))) {
      this.reading = this.#loadRegistry()
        .catch(() => {})
        .finally(() => {
          if (this.isConnected) this.#show();
          setTimeout(() => {
            this.reading = null;
            if (this.isConnected) this.#changed();
          }, REGISTRY_PAUSE_MS);
        });
    }
    this.#show();
  }

  /** The connectors ({chargePoint, connector, device, entities: key -> entity_id}) and the
   * sites ({entity_id, device}), from the entities' unique ids: "<charge point>:<connector>:
   * <key>", and "<entry>:allocated_power" for a site. */
  #model() {
    const connectors = new Map();
    const chargePoints = new Map();
    const sites = [];
    for (const entry of this.entries) {
      const parts = entry.unique_id.split(":");
      if (parts.length === 2 && parts[1] === "allocated_power") {
        sites.push({ entityId: entry.entity_id, device: this.devices.get(entry.device_id) });
        continue;
      }
      if (parts.length < 3) continue;
      const key = parts.pop();
      const number = Number(parts.pop());
      const chargePoint = parts.join(":");
      if (!Number.isInteger(number)) continue;
      if (number === 0) {
        chargePoints.set(chargePoint, { connection: entry.entity_id, device: this.devices.get(entry.device_id) });
        continue;
      }
      const id = `${chargePoint}:${number}`;
      if (!connectors.has(id)) {
        connectors.set(id, { id, chargePoint, number, device: this.devices.get(entry.device_id), entities: {} });
      }
      connectors.get(id).entities[key] = entry.entity_id;
    }
    const list = [...connectors.values()].sort(
      (a, b) => a.chargePoint.localeCompare(b.chargePoint) || a.number - b.number,
    );
    return { connectors: list, chargePoints, sites };
  }

  #state(entityId) {
    return entityId ? hub.entities.get(entityId) : undefined;
  }

  /** Which of the open sessions are the household's: the connectors' states do not say,
   * the hub's `sessions` service does (one call per site). Asked again when they change. */
  async #refreshOurs(open) {
    this.oursOf = open;
    const sites = new Map(this.entries.map((entry) => [entry.config_entry_id, entry.entity_id]));
    try {
      const answers = await Promise.all(
        [...sites.values()].map((entityId) => this.#call("sessions", { entity_id: entityId })),
      );
      const sessions = answers.flatMap((answer) => answer.sessions ?? []);
      this.ours = new Set(sessions.map((item) => `${item.charge_point_id}:${item.connector_id}:${item.transaction_id}`));
    } catch {
      this.oursOf = null; // ask again at the next change
    }
    if (this.isConnected) this.#show();
  }

  #isMine(connector, transactionId) {
    return this.ours.has(`${connector.id}:${transactionId}`);
  }

  #show() {
    const box = this.querySelector("#charging");
    if (!box || !this.ready) return;
    const { connectors, chargePoints, sites } = this.#model();
    const open = connectors
      .map((c) => `${c.id}:${this.#state(c.entities.session_energy)?.a?.transaction_id ?? ""}`)
      .join(" ");
    if (!this.staff && open !== this.oursOf) this.#refreshOurs(open);
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset : null;
    const focusKey = focused?.start ? `start:${focused.start}` : focused?.stop ? `stop:${focused.stop}` : null;
    if (!connectors.length && !sites.length) {
      this.shown = null;
      box.innerHTML = String(empty(t("community.charging.none")));
      return;
    }
    const markup = String(html`
      ${this.staff ? sites.map((site) => this.#site(site)) : ""}
      ${connectors.length
        ? html`<ul class="list connector-list">${connectors.map((c) => this.#connector(c, chargePoints.get(c.chargePoint)))}</ul>`
        : empty(t("community.charging.no_connectors"))}`);
    if (markup === this.shown) return; // another entity changed
    this.shown = markup;
    box.innerHTML = markup;
    if (focusKey) {
      const [kind, id] = focusKey.split(/:(.*)/s);
      box.querySelector(`button[data-${kind}="${CSS.escape(id)}"]`)?.focus();
    }
  }

  #site(site) {
    const state = this.#state(site.entityId);
    const allocated = numberOf(state);
    const limit = state?.a?.supply_limit_kw ?? null;
    const sessions = state?.a?.sessions ?? 0;
    const share = allocated !== null && limit ? Math.min(100, (allocated / limit) * 100) : 0;
    const name = site.device?.name_by_user || site.device?.name || t("community.charging.site");
    const words = t("community.charging.allocated", { allocated: kw(allocated), limit: kw(limit) });
    return html`<section class="card charging-site" aria-labelledby="site-${site.entityId}">
      <h2 id="site-${site.entityId}">${name}</h2>
      <p class="figure">${kw(allocated)}</p>
      <p>${words}</p>
      <div class="tally-bar" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.round(share)}"
        aria-label="${words}"><span style="width: ${share}%"></span></div>
      <p class="muted">${t("community.charging.sessions", { count: formatNumber(sessions) })}</p>
    </section>`;
  }

  #statusText(status) {
    if (!status) return t("community.charging.status.unknown");
    return has(`community.charging.status.${status}`) ? t(`community.charging.status.${status}`) : status;
  }

  #connector(connector, chargePoint) {
    const status = this.#state(connector.entities.status)?.s;
    const power = numberOf(this.#state(connector.entities.power));
    const session = this.#state(connector.entities.session_energy);
    const transactionId = session?.a?.transaction_id;
    const open = transactionId !== undefined && transactionId !== null;
    const online = chargePoint ? this.#state(chargePoint.connection)?.s === "on" : true;
    const mine = open && this.#isMine(connector, transactionId);
    const name = connector.device?.name_by_user || t("community.charging.charger", { id: connector.chargePoint });
    const title = t("community.charging.connector", { charger: name, number: connector.number });
    const titleId = `connector-${connector.id}`.replace(/[^\w-]/g, "_");
    const kind = { Charging: "charging", Faulted: "bad", Unavailable: "bad", SuspendedEV: "warning", SuspendedEVSE: "warning" }[status] ?? "";
    const statusEntity = connector.entities.status;
    let action = "";
    if (online && open && (this.staff || mine)) {
      action = html`<button type="button" class="danger" data-stop="${statusEntity}"
        aria-label="${t("community.charging.stop_at", { connector: title })}">${t("community.charging.stop")}</button>`;
    } else if (online && !open && !this.staff && STARTABLE.has(status) && this.householdId) {
      action = html`<button type="button" class="primary" data-start="${statusEntity}"
        aria-label="${t("community.charging.start_at", { connector: title })}">${t("community.charging.start")}</button>`;
    }
    return html`<li class="card connector ${kind}" aria-labelledby="${titleId}">
      <header class="connector-head">
        <h2 id="${titleId}">${title}</h2>
        <span class="badge ${kind === "charging" ? "" : kind}" data-status="${status ?? ""}">${this.#statusText(status)}</span>
      </header>
      ${online ? "" : html`<p class="state error">${t("community.charging.offline")}</p>`}
      <dl class="proposal-facts">
        <div><dt>${t("community.charging.power")}</dt><dd>${kw(power)}</dd></div>
        ${open
          ? html`<div><dt>${t("community.charging.session_energy")}</dt><dd>${kwh(numberOf(session))}</dd></div>
              <div><dt>${t("community.charging.started")}</dt><dd>${formatTime(session.a.started_at)}</dd></div>`
          : ""}
        ${this.staff && connector.entities.power_limit
          ? html`<div><dt>${t("community.charging.limit")}</dt><dd>${kw(numberOf(this.#state(connector.entities.power_limit)))}</dd></div>`
          : ""}
      </dl>
      ${open && mine ? html`<p class="badge">${t("community.charging.yours")}</p>` : ""}
      ${open && !mine && !this.staff ? html`<p class="hint">${t("community.charging.in_use")}</p>` : ""}
      <div class="actions">${action}</div>
    </li>`;
  }

  async #call(service, data) {
    const answer = await hub.api.post(`/api/services/${DOMAIN}/${service}?return_response=true`, data);
    return answer.service_response ?? {};
  }

  async #start(button) {
    const entityId = button.dataset.start;
    button.disabled = true;
    try {
      const answer = await this.#call("remote_start", { entity_id: entityId, household_id: this.householdId });
      if (answer.accepted) toast(t("community.charging.start_sent"));
      else toast(t("community.charging.refused_start"), "error");
    } catch (error) {
      toast(refusalText(error), "error");
    } finally {
      button.disabled = false;
    }
  }

  async #stop(button) {
    button.disabled = true;
    try {
      const answer = await this.#call("remote_stop", { entity_id: button.dataset.stop });
      toast(answer.accepted ? t("community.charging.stop_sent") : t("community.charging.refused_stop"), answer.accepted ? "ok" : "error");
    } catch (error) {
      toast(refusalText(error), "error");
    } finally {
      button.disabled = false;
    }
  }
}

customElements.define("charging-page", ChargingPage);
