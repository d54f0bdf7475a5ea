// My home: the household's devices and entities by room, with their live states and the
// controls the resident may use; the way to add a device; a choice of household for someone
// in several. Shared things of the community (a gate) come last.

import "../components/entity-tile.js";
import { domainOf, entityLabel, translationKeyOf } from "../components/entity-tile.js";
import { chooseHousehold, chosenHousehold, householdPicker } from "../components/household-picker.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { t } from "../lib/i18n.js";
import { empty, failure, loading, pageHeading } from "../lib/ui.js";

const NO_ROOM = "";
const SHARED = "shared";
const CARED = "cared";
// The order of entities within a device: what one controls first, then what one reads.
const DOMAIN_ORDER = ["lock", "switch", "button", "binary_sensor", "sensor"];

class HomePage extends View {
  connected() {
    this.state = "loading";
    this.householdId = chosenHousehold();
    this.known = new Set();
    this.on("change", "#household", (event) => {
      this.householdId = event.target.value;
      chooseHousehold(this.householdId);
      this.#showRooms();
    });
    this.on("click", "#retry", () => this.#load());
    // Could not reach the hub: load again once the connection is back.
    this.own(
      hub.socket.onStatus((status) => {
        if (status === "connected" && this.state === "failed" && this.error?.code === "network") this.#load();
      }),
    );
    // An entity the registry listing did not have yet (a device just added): list again.
    this.own(hub.entities.watch((store) => this.#noticeNew(store)));
    this.#load();
  }

  async #load() {
    this.state = "loading";
    this.update();
    try {
      const [areas, devices, entities] = await Promise.all([
        hub.api.get("/api/registry/areas"),
        hub.api.get("/api/registry/devices"),
        hub.api.get("/api/registry/entities"),
      ]);
      this.areas = new Map(areas.map((area) => [area.id, area]));
      this.devices = new Map(devices.map((device) => [device.id, device]));
      this.entities = entities.filter((entity) => !entity.disabled_by && !entity.hidden_by);
      this.known = new Set(entities.map((entity) => entity.entity_id));
      this.state = "ready";
    } catch (error) {
      this.error = error;
      this.state = "failed";
    }
    this.update();
  }

  #noticeNew(store) {
    if (this.state !== "ready" || this.reloading) return;
    for (const entityId of store.states.keys()) {
      if (this.known.has(entityId)) continue;
      this.known.add(entityId);
      this.reloading = setTimeout(async () => {
        this.reloading = null;
        if (this.isConnected) await this.#refetch();
      }, 500);
      return;
    }
  }

  /** The registry again, without the loading state: the rooms are redrawn once it is in. */
  async #refetch() {
    try {
      const [devices, entities] = await Promise.all([
        hub.api.get("/api/registry/devices"),
        hub.api.get("/api/registry/entities"),
      ]);
      this.devices = new Map(devices.map((device) => [device.id, device]));
      this.entities = entities.filter((entity) => !entity.disabled_by && !entity.hidden_by);
      for (const entity of entities) this.known.add(entity.entity_id);
      this.#showRooms();
    } catch {
      // the next change tries again; what is on screen stays
    }
  }

  render() {
    const add = html`<a class="button primary" href="#/add-device">${t("home.add_device")}</a>`;
    let body;
    if (this.state === "loading") body = loading();
    else if (this.state === "failed") {
      body = html`${failure(this.error)}
        <p class="actions"><button id="retry" type="button">${t("home.retry")}</button></p>`;
    } else body = html`${householdPicker(this.householdId)}<div id="rooms">${this.#rooms()}</div>`;
    return html`${pageHeading(t("home.title"), add)}${body}`;
  }

  #showRooms() {
    const rooms = this.querySelector("#rooms");
    if (rooms) rooms.innerHTML = String(this.#rooms());
  }

  /** The household's entities (and the community's shared ones), by room and device. */
  #rooms() {
    const household = this.householdId;
    const groups = new Map(); // room key -> {name, devices: Map(device id -> entities), loose: []}
    const group = (key, name) => {
      if (!groups.has(key)) groups.set(key, { key, name, devices: new Map(), loose: [] });
      return groups.get(key);
    };
    const mine = new Set((hub.user.households ?? []).map((item) => item.id));
    let own = 0;
    for (const entity of this.entities) {
      const device = entity.device_id ? this.devices.get(entity.device_id) : null;
      const owner = entity.household_id ?? device?.household_id ?? null;
      if (owner !== null && owner !== household && mine.has(owner)) continue; // shown with its household
      const areaId = entity.area_id ?? device?.area_id ?? null;
      const area = areaId ? this.areas.get(areaId) : null;
      let room;
      if (owner === null) room = group(SHARED, t("home.shared"));
      else if (owner !== household) room = group(CARED, t("home.cared_for"));
      else if (area) room = group(area.id, area.name);
      else room = group(NO_ROOM, t("home.no_room"));
      if (owner === household) own += 1;
      if (device) {
        if (!room.devices.has(device.id)) room.devices.set(device.id, []);
        room.devices.get(device.id).push(entity);
      } else room.loose.push(entity);
    }
    // A device of the household without any entity yet still shows, in its room.
    for (const device of this.devices.values()) {
      if (device.household_id !== household || device.disabled_by) continue;
      if ([...groups.values()].some((room) => room.devices.has(device.id))) continue;
      const area = device.area_id ? this.areas.get(device.area_id) : null;
      const room = area ? group(area.id, area.name) : group(NO_ROOM, t("home.no_room"));
      room.devices.set(device.id, []);
      own += 1;
    }
    const order = { [NO_ROOM]: 1, [CARED]: 2, [SHARED]: 3 };
    const rooms = [...groups.values()].sort(
      (a, b) =>
        (order[a.key] ?? 0) - (order[b.key] ?? 0) ||
        a.name.localeCompare(b.name, document.documentElement.lang),
    );
    if (own === 0) {
      return html`<div class="home-empty">
        ${empty(t("home.empty"))}
        <p class="actions"><a class="button primary" href="#/add-device">${t("home.add_first")}</a></p>
      </div>${rooms.map((room) => this.#room(room))}`;
    }
    return rooms.map((room) => this.#room(room));
  }

  #room(room) {
    const id = `room-${room.key || "none"}`;
    const devices = [...room.devices.entries()].map(([deviceId, entities]) => {
      const device = this.devices.get(deviceId);
      const name = device.name_by_user || device.name || t("home.unnamed_device");
      return html`<article class="card device-card" aria-label="${name}">
        <h3>${name}</h3>
        ${entities.length
          ? html`<ul class="entity-list">${this.#tiles(entities)}</ul>`
          : html`<p class="hint">${t("home.no_entities")}</p>`}
      </article>`;
    });
    const loose = room.loose.length
      ? html`<article class="card device-card"><ul class="entity-list">${this.#tiles(room.loose)}</ul></article>`
      : "";
    return html`<section class="room" aria-labelledby="${id}">
      <h2 id="${id}">${room.name}</h2>
      <div class="cards">${devices}${loose}</div>
    </section>`;
  }

  #tiles(entities) {
    const rank = (entity) => {
      const index = DOMAIN_ORDER.indexOf(domainOf(entity.entity_id));
      return index === -1 ? DOMAIN_ORDER.length : index;
    };
    return [...entities]
      .sort((a, b) => rank(a) - rank(b))
      .map((entity) => {
        const label = entityLabel(entity, hub.entities.get(entity.entity_id));
        return html`<li><entity-tile entity-id="${entity.entity_id}" label="${label}"
          platform="${entity.platform}" key="${translationKeyOf(entity) ?? ""}"
          device-class="${entity.device_class ?? ""}" unit="${entity.unit_of_measurement ?? ""}">
        </entity-tile></li>`;
      });
  }
}

customElements.define("home-page", HomePage);
