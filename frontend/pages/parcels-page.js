// Parcels (#/parcels): what waits for the household in the courier lockers, with the
// pickup codes in big digits — from each bank's waiting-parcels sensor of the household
// (found by its integration and its `parcels` attribute), live as parcels come and go.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { entityName, formatNumber, formatTime, t } from "../lib/i18n.js";
import { empty, failure, loading, pageHeading } from "../lib/ui.js";

const DOMAIN = "courier_locker";

class ParcelsPage extends View {
  connected() {
    this.entries = new Map(); // entity_id -> registry entry (of the integration's sensors)
    this.devices = [];
    this.checked = new Set(); // entities with parcels the registry was read again for
    this.ready = false;
    this.error = null;
    this.own(hub.entities.watch(() => this.#changed()));
    this.#load();
  }

  render() {
    return html`
      ${pageHeading(t("community.parcels.title"))}
      <div id="parcels" aria-live="polite">${loading()}</div>`;
  }

  async #load() {
    try {
      await this.#loadRegistry();
      this.ready = true;
    } catch (error) {
      this.error = error;
    }
    this.#changed(); // a sensor may have come while the registry was read
  }

  async #loadRegistry() {
    const [entities, devices] = await Promise.all([
      hub.api.get("/api/registry/entities"),
      hub.api.get("/api/registry/devices"),
    ]);
    this.entries = new Map(
      entities.filter((entry) => entry.platform === DOMAIN).map((entry) => [entry.entity_id, entry]),
    );
    this.devices = devices;
  }

  /** The household's waiting-parcels sensors: the locker integration's entities whose
   * state lists parcels. */
  #sensors() {
    const found = [];
    for (const [entityId, state] of hub.entities.states) {
      if (!Array.isArray(state.a?.parcels)) continue;
      const entry = this.entries.get(entityId);
      if (entry) found.push({ entityId, state, entry });
    }
    return found;
  }

  /** A state lists parcels, but its entity is new to the page: a bank told the household
   * of its first parcel there. Read the registry again. */
  #changed() {
    if (!this.ready) {
      if (this.error) this.#show();
      return;
    }
    const unknown = [...hub.entities.states].some(
      ([entityId, state]) =>
        Array.isArray(state.a?.parcels) && !this.entries.has(entityId) && !this.checked.has(entityId),
    );
    if (unknown && !this.reading) {
      for (const [entityId, state] of hub.entities.states) {
        if (Array.isArray(state.a?.parcels)) this.checked.add(entityId);
      }
      this.reading = this.#loadRegistry()
        .catch(() => {})
        .finally(() => {
          this.reading = null;
          if (this.isConnected) this.#changed(); // others may have come meanwhile
        });
    }
    this.#show();
  }

  /** The bank a household's sensor belongs to: the community's device of the same entry. */
  #bankName(entry) {
    const device = this.devices.find((item) => item.id === entry.device_id);
    const entryIds = new Set(device?.config_entry_ids ?? [entry.config_entry_id]);
    const bank = this.devices.find(
      (item) => item.household_id === null && (item.config_entry_ids ?? []).some((id) => entryIds.has(id)),
    );
    return bank?.name_by_user || bank?.name || device?.name_by_user || device?.name || entityName(DOMAIN, "sensor", "waiting_parcels");
  }

  #show() {
    const box = this.querySelector("#parcels");
    if (!box) return;
    if (this.error) {
      box.innerHTML = String(failure(this.error));
      return;
    }
    if (!this.ready) return;
    const parcels = this.#sensors()
      .flatMap(({ state, entry }) => state.a.parcels.map((parcel) => ({ ...parcel, bank: this.#bankName(entry) })))
      .sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
    if (!parcels.length) {
      this.shown = null;
      box.innerHTML = String(empty(t("community.parcels.none")));
      return;
    }
    const markup = String(html`
      <p class="parcel-count">${t("community.parcels.count", { count: formatNumber(parcels.length) })}</p>
      <ul class="list parcel-list">${parcels.map((parcel) => this.#parcel(parcel))}</ul>`);
    if (markup === this.shown) return; // another entity changed
    this.shown = markup;
    box.innerHTML = markup;
  }

  #parcel(parcel) {
    const id = `parcel-${parcel.tracking_number}-${parcel.compartment}`.replace(/[^\w-]/g, "_");
    const place = t("community.parcels.place", { bank: parcel.bank, compartment: parcel.compartment });
    let notice;
    if (parcel.expired) notice = html`<p class="parcel-notice bad">${t("community.parcels.expired")}</p>`;
    else if (parcel.overdue) notice = html`<p class="parcel-notice warning">${t("community.parcels.overdue")}</p>`;
    else {
      notice = html`<p class="parcel-notice">${t("community.parcels.free_until", {
        time: formatTime(parcel.free_until),
      })}</p>`;
    }
    const code = parcel.code_locked || !parcel.pickup_code
      ? html`<p class="pickup-code locked" role="alert">${t("community.parcels.code_locked")}</p>`
      : html`<p class="pickup-code">
          <span class="pickup-code-label">${t("community.parcels.code")}</span>
          <strong class="pickup-digits" aria-hidden="true">${parcel.pickup_code}</strong>
          <span class="visually-hidden">${[...parcel.pickup_code].join(" ")}</span>
        </p>`;
    return html`<li class="card parcel ${parcel.overdue ? "overdue" : ""} ${parcel.expired ? "expired" : ""}" aria-labelledby="${id}-title">
      <h2 id="${id}-title">${place}</h2>
      ${code}
      <dl class="proposal-facts">
        <div><dt>${t("community.parcels.carrier")}</dt><dd>${parcel.carrier}</dd></div>
        <div><dt>${t("community.parcels.tracking")}</dt><dd>${parcel.tracking_number}</dd></div>
        <div><dt>${t("community.parcels.since")}</dt><dd>${formatTime(parcel.since)}</dd></div>
      </dl>
      ${notice}
    </li>`;
  }
}

customElements.define("parcels-page", ParcelsPage);
