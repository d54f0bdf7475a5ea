// One entity on the resident's home page: its name, its live state in words, and what the
// user may do with it (a switch to turn on and off, a lock to lock and unlock, a button to
// press; a sensor links to its history). The state changes in place as the hub reports it,
// so a focused control keeps its focus.
//
// Also exports how an entity is named and how its state is said, for the other pages.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { errorText, formatNumber, formatTime, has, integrationText, t } from "../lib/i18n.js";
import { toast } from "../lib/ui.js";

const CONTROLS = {
  switch: { on: "turn_off", off: "turn_on" },
  lock: { locked: "unlock", unlocked: "lock", open: "lock", jammed: "unlock" },
};
const HISTORY_DOMAINS = new Set(["sensor", "binary_sensor"]);
const NOT_THERE = new Set(["unavailable", "unknown"]);
const NOTHING_SHOWN = Symbol("nothing shown");

export function domainOf(entityId) {
  return entityId.split(".")[0];
}

export function objectIdOf(entityId) {
  return entityId.slice(entityId.indexOf(".") + 1);
}

/** The words' table key an entity's integration translates it under (entity.<domain>.<key>).
 * The registry does not carry the translation_key, so it is found as the longest ending of
 * the entity's unique_id (or object id) that the integration has a name for. */
export function translationKeyOf(entry) {
  if (!entry?.platform) return null;
  const domain = domainOf(entry.entity_id);
  const known = (key) => integrationText(entry.platform, `entity.${domain}.${key}.name`) !== undefined;
  for (const text of [entry.unique_id, objectIdOf(entry.entity_id)]) {
    if (!text) continue;
    const parts = String(text).split(/[^A-Za-z0-9]+/);
    let found = null;
    for (let start = parts.length - 1; start >= 0; start -= 1) {
      const key = parts.slice(start).join("_");
      if (key && known(key)) found = key;
    }
    if (found) return found;
  }
  return null;
}

/** An entity's name for people: the user's name for it, its integration's in the user's
 * language, the integration's own, the state's friendly name, or its id. */
export function entityLabel(entry, state = null) {
  const entityId = entry?.entity_id;
  if (entry?.name) return entry.name;
  const key = translationKeyOf(entry);
  if (key) {
    const text = integrationText(entry.platform, `entity.${domainOf(entityId)}.${key}.name`);
    if (text) return text;
  }
  return entry?.original_name || state?.a?.friendly_name || (entityId ? objectIdOf(entityId) : "");
}

/** A unit as the user's language writes it ("bpm" is 次/分 in Chinese). */
export function unitText(unit) {
  if (!unit) return "";
  return has(`home.units.${unit}`) ? t(`home.units.${unit}`) : unit;
}

/** A number and its unit: "72 次/分". */
export function valueText(value, unit) {
  const number = formatNumber(value, { maximumFractionDigits: 2 });
  return unit ? `${number} ${unitText(unit)}` : number;
}

/** The state of an entity in words: {entity_id, platform, key, device_class, unit} and the
 * live state {s, a}. */
export function stateText(info, state) {
  if (!state) return t("home.states.waiting");
  const value = state.s;
  const domain = domainOf(info.entity_id);
  if (domain === "button" && value === "unknown") return t("home.states.never_pressed");
  if (NOT_THERE.has(value)) return t(`home.states.${value}`);
  if (info.key && info.platform) {
    const own = integrationText(info.platform, `entity.${domain}.${info.key}.state.${value}`);
    if (own) return own;
  }
  const deviceClass = state.a?.device_class ?? info.device_class;
  if (domain === "binary_sensor") {
    const specific = `home.states.binary_sensor.${deviceClass}.${value}`;
    if (deviceClass && has(specific)) return t(specific);
    if (has(`home.states.binary_sensor.default.${value}`)) {
      return t(`home.states.binary_sensor.default.${value}`);
    }
  }
  if (domain === "button") {
    const at = Date.parse(value);
    return Number.isNaN(at) ? value : t("home.states.pressed_at", { time: formatTime(at / 1000) });
  }
  if (has(`home.states.${domain}.${value}`)) return t(`home.states.${domain}.${value}`);
  if (deviceClass === "timestamp") {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return formatTime(at / 1000);
  }
  const unit = state.a?.unit_of_measurement ?? info.unit;
  if (value !== "" && Number.isFinite(Number(value))) return valueText(Number(value), unit);
  return value;
}

export class EntityTile extends View {
  connected() {
    this.entityId = this.getAttribute("entity-id");
    this.info = {
      entity_id: this.entityId,
      platform: this.getAttribute("platform"),
      key: this.getAttribute("key"),
      device_class: this.getAttribute("device-class"),
      unit: this.getAttribute("unit"),
    };
    this.shown = NOTHING_SHOWN;
    this.on("click", "button[data-service]", (event, button) => this.#call(button));
    this.own(hub.entities.watch(() => this.#refresh()));
  }

  get label() {
    return this.getAttribute("label") || objectIdOf(this.entityId);
  }

  render() {
    const domain = domainOf(this.entityId);
    const label = this.label;
    const name = HISTORY_DOMAINS.has(domain)
      ? html`<a class="entity-name" href="#/entity/${encodeURIComponent(this.entityId)}"
          aria-label="${t("home.history_of", { name: label })}">${label}</a>`
      : html`<span class="entity-name">${label}</span>`;
    let control = "";
    if (domain === "switch") {
      control = html`<button type="button" class="toggle" role="switch" aria-checked="false"
        aria-label="${label}" data-service="switch"><span class="toggle-text"></span></button>`;
    } else if (domain === "lock") {
      control = html`<button type="button" class="lock-control" data-service="lock"></button>`;
    } else if (domain === "button") {
      control = html`<button type="button" data-service="button" data-action="press"
        aria-label="${t("home.press_named", { name: label })}">${t("home.press")}</button>`;
    }
    return html`<div class="entity-tile domain-${domain}">
      <div class="entity-text">${name}
        <span class="entity-state" aria-live="polite"></span>
      </div>
      ${control}
    </div>`;
  }

  rendered() {
    this.shown = NOTHING_SHOWN;
    this.#refresh();
  }

  /** Show the state the store holds now, changing only the words and the control. */
  #refresh() {
    const state = hub.entities.get(this.entityId);
    if (state === this.shown) return;
    this.shown = state;
    const value = state?.s;
    const words = stateText(this.info, state);
    const text = this.querySelector(".entity-state");
    if (text) text.textContent = words;
    const tile = this.querySelector(".entity-tile");
    const never = domainOf(this.entityId) === "button" && value === "unknown";
    tile?.classList.toggle("unavailable", !state || (NOT_THERE.has(value) && !never));
    tile?.classList.toggle("active", value === "on" || value === "unlocked" || value === "open");
    const toggle = this.querySelector("button.toggle");
    if (toggle) {
      toggle.setAttribute("aria-checked", String(value === "on"));
      toggle.dataset.action = value === "on" ? "turn_off" : "turn_on";
      toggle.querySelector(".toggle-text").textContent = t(value === "on" ? "home.on" : "home.off");
      toggle.disabled = !state || NOT_THERE.has(value);
    }
    const lock = this.querySelector("button.lock-control");
    if (lock) {
      const action = CONTROLS.lock[value] ?? "lock";
      lock.dataset.action = action;
      lock.textContent = t(`home.lock_action.${action}`);
      lock.setAttribute("aria-label", t(`home.lock_named.${action}`, { name: this.label }));
      lock.disabled = !state || NOT_THERE.has(value);
    }
    const press = this.querySelector("button[data-action=press]");
    if (press) press.disabled = !state || value === "unavailable";
  }

  async #call(button) {
    const domain = button.dataset.service;
    const service = button.dataset.action;
    if (!service) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await hub.api.post(`/api/services/${domain}/${service}`, { entity_id: this.entityId });
      if (domain === "button") toast(t("home.pressed", { name: this.label }));
    } catch (error) {
      const text = error.status === 403 ? t("home.refused", { name: this.label }) : errorText(error);
      toast(error.status === 403 ? `${text} ${errorText(error)}` : text, "error");
    } finally {
      button.removeAttribute("aria-busy");
      this.shown = NOTHING_SHOWN; // the control's state comes from the store again
      this.#refresh();
      if (button.isConnected && !button.disabled) button.focus();
    }
  }
}

customElements.define("entity-tile", EntityTile);
