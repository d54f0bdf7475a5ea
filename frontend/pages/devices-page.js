// The devices and their entities by building and household, with live states (an entity
// whose state is "unavailable" is offline; a device is online while any of its entities is
// not). A device belongs to its household (the registry's household_id), a household to
// its unit, a unit to its building; a device of no household is a common facility. The
// search box filters by device, entity, household or address; the list is drawn again
// when a state changes, the search box is left as typed.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatNumber, has, integrationText, t } from "../lib/i18n.js";
import { empty, failure, loading, pageHeading } from "../lib/ui.js";

const UNAVAILABLE = "unavailable";
const COMMON = "~common"; // the group of the common facilities, after the buildings

function compact(text) {
  return String(text ?? "").toLowerCase().replace(/\s+/g, "");
}

function byName(a, b) {
  return a.localeCompare(b, undefined, { numeric: true });
}

class DevicesPage extends View {
  connected() {
    this.data = null;
    this.error = null;
    this.query = "";
    this.frame = 0;
    this.on("input", "#devices-search", (event) => {
      this.query = event.target.value;
      this.#drawList();
    });
    this.own(hub.entities.watch(() => this.#soon()));
    this.own(() => cancelAnimationFrame(this.frame));
    this.#load();
  }

  async #load() {
    try {
      const [devices, entities, units, households, areas] = await Promise.all(
        ["registry/devices", "registry/entities", "community/units", "community/households", "registry/areas"].map(
          (path) => hub.api.get(`/api/${path}`),
        ),
      );
      this.data = { devices, entities, units, households, areas };
    } catch (error) {
      this.error = error;
    }
    this.#drawList();
  }

  #soon() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.#drawList();
    });
  }

  render() {
    return html`${pageHeading(t("operator.devices.title"), html`<span id="devices-summary" class="badge" role="status"></span>`)}
      <label class="ops-search">${t("operator.devices.search")}
        <input id="devices-search" type="search" autocomplete="off"
          placeholder="${t("operator.devices.search_placeholder")}" value="${this.query}">
      </label>
      <div id="devices-list">${loading()}</div>`;
  }

  rendered() {
    this.#drawList();
  }

  #drawList() {
    const box = this.querySelector("#devices-list");
    if (!box) return;
    if (!this.data) {
      box.innerHTML = String(this.error ? failure(this.error) : loading());
      return;
    }
    const groups = this.#groups();
    const devices = groups.flatMap((group) => group.households.flatMap((household) => household.devices));
    const online = devices.filter((device) => device.online === true).length;
    this.querySelector("#devices-summary").textContent = t("operator.devices.summary", {
      devices: formatNumber(devices.length),
      online: formatNumber(online),
    });
    if (!devices.length && !groups.some((group) => group.households.some((h) => h.entities.length))) {
      box.innerHTML = String(empty(t("operator.devices.empty")));
      return;
    }
    const shown = this.#matching(groups);
    box.innerHTML = String(
      shown.length
        ? html`${shown.map((group) => this.#group(group))}`
        : empty(t("operator.devices.no_match", { query: this.query.trim() })),
    );
  }

  /** Buildings -> households -> devices (with their entities), from the registries. */
  #groups() {
    const { devices, entities, units, households, areas } = this.data;
    const unitsById = new Map(units.map((unit) => [unit.id, unit]));
    const areaNames = new Map(areas.map((area) => [area.id, area.name]));
    const entitiesOf = new Map();
    const loose = new Map(); // household id (or "") -> entities without a device
    for (const entity of entities) {
      const list = entity.device_id ? entitiesOf : loose;
      const key = entity.device_id ?? entity.household_id ?? "";
      if (!list.has(key)) list.set(key, []);
      list.get(key).push(entity);
    }
    const places = new Map(); // household id (or "area:<id>") -> {key, title, address, devices, entities}
    const place = (key, title, address, building) => {
      if (!places.has(key)) places.set(key, { key, title, address, building, devices: [], entities: [] });
      return places.get(key);
    };
    const householdsById = new Map(households.map((household) => [household.id, household]));
    const householdPlace = (id) => {
      const household = householdsById.get(id);
      const unit = unitsById.get(household?.unit_id);
      return place(id, household?.name ?? id, unit?.address ?? "", unit ? unit.building : "");
    };
    for (const device of devices) {
      const entitiesHere = (entitiesOf.get(device.id) ?? []).map((entry) => this.#entity(entry));
      const states = entitiesHere.filter((entity) => entity.state);
      const shown = {
        ...device,
        title: device.name_by_user || device.name || device.model || device.id,
        entities: entitiesHere,
        online: states.length ? states.some((entity) => entity.state.s !== UNAVAILABLE) : null,
      };
      const where = device.household_id
        ? householdPlace(device.household_id)
        : place(`area:${device.area_id ?? ""}`, areaNames.get(device.area_id) ?? t("operator.devices.no_area"), "", COMMON);
      where.devices.push(shown);
    }
    for (const [householdId, list] of loose) {
      const where = householdId ? householdPlace(householdId) : place("area:", t("operator.devices.no_area"), "", COMMON);
      where.entities.push(...list.map((entry) => this.#entity(entry)));
    }
    const buildings = new Map();
    for (const item of places.values()) {
      const key = item.building === COMMON ? COMMON : item.building;
      if (!buildings.has(key)) buildings.set(key, []);
      buildings.get(key).push(item);
    }
    return [...buildings.entries()]
      .sort(([a], [b]) => (a === COMMON) - (b === COMMON) || (a === "") - (b === "") || byName(a, b))
      .map(([key, items]) => ({
        key,
        title:
          key === COMMON
            ? t("operator.devices.common")
            : key
              ? t("operator.devices.building", { building: key })
              : t("operator.devices.no_building"),
        households: items.sort((a, b) => byName(a.address || a.title, b.address || b.title)),
      }));
  }

  #entity(entry) {
    const state = hub.entities.get(entry.entity_id);
    return {
      ...entry,
      state,
      title: state?.a?.friendly_name || entry.name || entry.original_name || entry.entity_id,
    };
  }

  /** The groups with only what matches the search: a household or a building that matches
   * keeps all its devices. */
  #matching(groups) {
    const query = compact(this.query);
    if (!query) return groups;
    const hit = (...texts) => texts.some((text) => compact(text).includes(query));
    return groups
      .map((group) => {
        if (hit(group.title)) return group;
        const households = group.households
          .map((household) => {
            if (hit(household.title, household.address)) return household;
            const devices = household.devices.filter((device) =>
              hit(
                device.title,
                device.manufacturer,
                device.model,
                ...device.entities.flatMap((entity) => [entity.title, entity.entity_id]),
              ),
            );
            const entities = household.entities.filter((entity) => hit(entity.title, entity.entity_id));
            return devices.length || entities.length ? { ...household, devices, entities } : null;
          })
          .filter(Boolean);
        return households.length ? { ...group, households } : null;
      })
      .filter(Boolean);
  }

  #group(group) {
    const id = `building-${compact(group.key).replace(/[^a-z0-9_-]/gi, "_") || "none"}`;
    return html`<section class="ops-building" aria-labelledby="${id}">
      <h2 id="${id}">${group.title}</h2>
      <div class="ops-households">${group.households.map((household) => this.#household(household))}</div>
    </section>`;
  }

  #household(household) {
    const title = household.address ? `${household.address} · ${household.title}` : household.title;
    return html`<section class="card ops-household" aria-label="${title}">
      <h3>${title}</h3>
      <p class="muted">${t("operator.devices.household_devices", { count: formatNumber(household.devices.length) })}</p>
      <ul class="list ops-devices">${household.devices
        .sort((a, b) => byName(a.title, b.title))
        .map((device) => this.#device(device))}</ul>
      ${household.entities.length
        ? html`<h4>${t("operator.devices.other_entities")}</h4>
            <ul class="ops-entities">${household.entities.map((entity) => this.#entityLine(entity))}</ul>`
        : ""}
    </section>`;
  }

  #device(device) {
    const status =
      device.online === null
        ? html`<span class="badge ops-idle">${t("operator.devices.no_state")}</span>`
        : device.online
          ? html`<span class="badge">${t("operator.devices.online")}</span>`
          : html`<span class="badge bad">${t("operator.devices.offline")}</span>`;
    const platform = device.entities[0]?.platform;
    const about = [
      [device.manufacturer, device.model].filter(Boolean).join(" "),
      platform ? (integrationText(platform, "name") ?? "") : "",
      device.disabled_by ? t("operator.devices.disabled") : "",
    ].filter(Boolean);
    return html`<li class="ops-device ${device.online === false ? "offline" : ""}" aria-labelledby="device-${device.id}">
      <div class="ops-device-head"><strong id="device-${device.id}">${device.title}</strong> ${status}</div>
      ${about.length ? html`<p class="muted">${about.join(" · ")}</p>` : ""}
      ${device.entities.length
        ? html`<ul class="ops-entities" aria-label="${t("operator.devices.entities")}">${device.entities
            .sort((a, b) => byName(a.title, b.title))
            .map((entity) => this.#entityLine(entity))}</ul>`
        : ""}
    </li>`;
  }

  #entityLine(entity) {
    const state = entity.state;
    let text = t("operator.devices.no_state");
    if (state) {
      const unit = state.a?.unit_of_measurement ?? entity.unit_of_measurement;
      const known = has(`operator.devices.states.${state.s}`);
      text = known ? t(`operator.devices.states.${state.s}`) : unit ? `${state.s} ${unit}` : state.s;
    }
    const off = state?.s === UNAVAILABLE;
    return html`<li class="${off ? "offline" : ""}"><span>${entity.title}</span>
      <span class="ops-entity-state">${text}</span></li>`;
  }
}

customElements.define("devices-page", DevicesPage);
