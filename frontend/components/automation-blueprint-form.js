// Add an automation from a blueprint: a form generated from the blueprint's inputs (GET
// /api/blueprints: [{name, label, description, selector: {kind: options}, default?, section}]),
// each control as its selector asks: entity (a select of the entities the user can see that
// fit its filter, boxes to tick when it takes several), target (the entities it acts on),
// device, number (min, max, unit), boolean, time, date, datetime, text, select, duration,
// constant; anything else is written as JSON. An input without a default is required.
// Submitting sends POST /api/automations {alias, use_blueprint: {path, input}}; the hub's
// refusal of an input (field "use_blueprint.input.<name>") shows beside that input. The end:
// an "automation-created" event with the automation, or "automation-cancelled".
//
// Use: const form = document.createElement("automation-blueprint-form");
// form.blueprint = blueprint; form.choices = {entities, devices}; container.append(form).
// `entities` are {entity_id, domain, device_class, integration, device_id, label}, `devices`
// {id, name, manufacturer, model}: what the user can see. Also exports the blueprints'
// names in the user's language (the app's texts for the shipped ones, keyed by path).

import { chosenHousehold, householdPicker } from "./household-picker.js";
import { html, Markup, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { errorText, formatNumber, has, t } from "../lib/i18n.js";
import { clearFieldError } from "../lib/ui.js";

const INPUT_FIELD = /^use_blueprint\.input\.(.+)$/;
const TEXT_TYPES = new Set(["text", "search", "url", "tel", "email", "password", "date", "month", "week", "time", "datetime-local", "color"]);
const TEXT_KINDS = new Set(["text", "state", "attribute", "icon", "area", "config_entry"]);
const DURATION_UNITS = ["hours", "minutes", "seconds"];

/** The key of a blueprint's texts in the app's translations: its path without ".yaml"
 * (dots would split the key): "linli/motion_light". */
function textKey(path) {
  return `app.automations.blueprints.${String(path).replace(/\.yaml$/, "").replace(/\./g, "_")}`;
}

function own(key) {
  return has(key) ? t(key) : undefined;
}

/** A blueprint's name in the user's language: the app's for a shipped one, else its own. */
export function blueprintName(blueprint) {
  return own(`${textKey(blueprint.path)}.name`) ?? blueprint.name ?? blueprint.path;
}

export function blueprintDescription(blueprint) {
  return own(`${textKey(blueprint.path)}.description`) ?? blueprint.description ?? "";
}

function prettyName(name) {
  return String(name).replace(/_/g, " ");
}

function asList(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The selector's kind and options: {number: {min: 1}} -> ["number", {min: 1}]. */
function selectorOf(input) {
  const [kind, options] = Object.entries(input.selector ?? {})[0] ?? [null, null];
  return [kind, options ?? {}];
}

/** An entity filter's parts as lists: {domains, deviceClasses, integration}. */
function filterOf(filter) {
  return {
    domains: asList(filter?.domain),
    deviceClasses: asList(filter?.device_class),
    integration: filter?.integration ?? null,
  };
}

/** The entity filters of an entity selector (its `filter`, or the older parts beside the
 * options) or of a target selector's `entity`. */
function entityFilters(kind, options) {
  if (kind === "target") return asList(options.entity).map(filterOf);
  if (options.filter !== undefined) return asList(options.filter).map(filterOf);
  if (["domain", "device_class", "integration"].some((key) => key in options)) return [filterOf(options)];
  return [];
}

function fits(entity, filter) {
  return (
    (!filter.domains.length || filter.domains.includes(entity.domain)) &&
    (!filter.deviceClasses.length || filter.deviceClasses.includes(entity.device_class)) &&
    (!filter.integration || filter.integration === entity.integration)
  );
}

function unitWords(unit) {
  if (!unit) return "";
  return has(`app.automations.units.${unit}`) ? t(`app.automations.units.${unit}`) : unit;
}

function numberWords(value, unit) {
  const number = formatNumber(value, { maximumFractionDigits: 3 });
  return unit ? `${number} ${unitWords(unit)}` : number;
}

/** What a filter asks for, in words: "传感器", "探测器（人体感应）". */
function filterWords(filters) {
  const separator = t("app.automations.what.separator");
  const words = filters.map((filter) => {
    const domains = filter.domains
      .map((domain) => own(`app.automations.domains.${domain}`) ?? domain)
      .join(separator);
    const classes = filter.deviceClasses
      .map((name) => own(`app.automations.device_classes.${name}`) ?? name)
      .join(separator);
    const domain = domains || t("app.automations.what.entity");
    return classes
      ? t("app.automations.what.with_class", { domain, classes })
      : t("app.automations.what.of_domain", { domain });
  });
  return words.length ? words.join(separator) : t("app.automations.what.entity");
}

export class AutomationBlueprintForm extends View {
  connected() {
    this.blueprint ??= null;
    this.choices ??= { entities: [], devices: [] };
    this.householdId = chosenHousehold();
    this.on("submit", "form", (event) => this.#submit(event));
    this.on("click", "#automation-form-cancel", () => {
      this.dispatchEvent(new CustomEvent("automation-cancelled", { bubbles: true }));
    });
    this.on("change", "#automation-household", (event) => {
      this.householdId = event.target.value;
    });
    this.on("input", "input, select, textarea", (event) => clearFieldError(event.target));
    this.on("change", "input, select, textarea", (event) => clearFieldError(event.target));
  }

  get #inputs() {
    return this.blueprint?.inputs ?? [];
  }

  #label(input) {
    return own(`${textKey(this.blueprint.path)}.inputs.${input.name}.name`) ?? input.label ?? prettyName(input.name);
  }

  #hintOf(input) {
    return own(`${textKey(this.blueprint.path)}.inputs.${input.name}.description`) ?? input.description ?? "";
  }

  render() {
    const blueprint = this.blueprint;
    if (!blueprint) return html``;
    const name = blueprintName(blueprint);
    const description = blueprintDescription(blueprint);
    const sections = blueprint.sections ?? [];
    const inSection = new Set(sections.flatMap((section) => section.inputs ?? []));
    const byName = new Map(this.#inputs.map((input) => [input.name, input]));
    const loose = this.#inputs.filter((input) => !inSection.has(input.name));
    return html`<form class="card flow-form automation-form" novalidate aria-labelledby="automation-form-title"
        data-blueprint="${blueprint.path}">
      <h2 id="automation-form-title">${t("app.automations.form.title", { name })}</h2>
      ${description ? html`<p class="hint">${description}</p>` : ""}
      <p class="form-error" id="automation-form-error" role="alert" tabindex="-1"></p>
      <div class="field" data-field="alias">
        <label for="automation-alias">${t("app.automations.form.alias")}</label>
        <input id="automation-alias" name="alias" maxlength="120" autocomplete="off" aria-required="true"
          aria-describedby="automation-alias-hint automation-alias-error" value="${name}">
        <p class="hint" id="automation-alias-hint">${t("app.automations.form.alias_hint")}</p>
        <p class="field-error" id="automation-alias-error" role="alert" hidden></p>
      </div>
      ${householdPicker(this.householdId, "automation-household")}
      ${loose.map((input) => this.#field(input))}
      ${sections.map((section) => {
        const inputs = (section.inputs ?? []).map((item) => byName.get(item)).filter(Boolean);
        if (!inputs.length) return "";
        return html`<fieldset class="field choices automation-section">
          <legend>${section.label || prettyName(section.name)}</legend>
          ${section.description ? html`<p class="hint">${section.description}</p>` : ""}
          ${inputs.map((input) => this.#field(input))}
        </fieldset>`;
      })}
      <div class="actions">
        <button class="primary" type="submit">${t("app.automations.form.submit")}</button>
        <button class="quiet" type="button" id="automation-form-cancel">${t("app.automations.form.cancel")}</button>
      </div>
    </form>`;
  }

  // -- the fields ------------------------------------------------------------------------

  #ids(input) {
    const id = `automation-input-${input.name}`.replace(/[^\w-]/g, "_");
    return { id, hint: `${id}-hint`, error: `${id}-error` };
  }

  /** One input: its label, its control, its hint and the place of its error. */
  #field(input) {
    const [kind, options] = selectorOf(input);
    const ids = this.#ids(input);
    const required = !("default" in input);
    const label = this.#label(input);
    const optional = required ? "" : html` <span class="optional">${t("app.automations.form.optional")}</span>`;
    const entities = kind === "entity" || kind === "target" ? this.#entitiesFor(kind, options) : null;
    const hints = [this.#hintOf(input), ...this.#extraHints(kind, options, entities)].filter(Boolean);
    const hint = hints.length ? html`<p class="hint" id="${ids.hint}">${hints.join(" ")}</p>` : "";
    const error = html`<p class="field-error" id="${ids.error}" role="alert" hidden></p>`;
    const described = `${hints.length ? `${ids.hint} ` : ""}${ids.error}`;
    const common = html`id="${ids.id}" name="${input.name}" aria-describedby="${described}"
      ${required ? html`aria-required="true"` : ""}`;
    const value = input.default;
    const field = (control) => html`<div class="field" data-field="${input.name}" data-kind="${kind ?? "any"}">
      <label for="${ids.id}">${label}${optional}</label>${control}${hint}${error}</div>`;
    const group = (items) => html`<fieldset class="field choices" data-field="${input.name}" data-kind="${kind}"
        id="${ids.id}" aria-describedby="${described}">
      <legend>${label}${optional}</legend>${items}${hint}${error}</fieldset>`;

    switch (kind) {
      case "entity":
      case "target": {
        const chosen = new Set(
          kind === "target" ? asList(value?.entity_id) : asList(value),
        );
        if (kind === "target" || options.multiple) {
          return group(entities.map((entity) => html`<label class="check"><input type="checkbox" name="${input.name}"
            value="${entity.entity_id}" ${chosen.has(entity.entity_id) ? html`checked` : ""}>${entity.label}</label>`));
        }
        return field(html`<select ${common}>
          <option value="">${t("app.automations.form.choose")}</option>
          ${entities.map((entity) => html`<option value="${entity.entity_id}"
            ${chosen.has(entity.entity_id) ? html`selected` : ""}>${entity.label}</option>`)}
        </select>`);
      }
      case "device": {
        const devices = this.#devicesFor(options);
        const chosen = new Set(asList(value));
        if (options.multiple) {
          return group(devices.map((device) => html`<label class="check"><input type="checkbox" name="${input.name}"
            value="${device.id}" ${chosen.has(device.id) ? html`checked` : ""}>${device.name}</label>`));
        }
        return field(html`<select ${common}>
          <option value="">${t("app.automations.form.choose")}</option>
          ${devices.map((device) => html`<option value="${device.id}"
            ${chosen.has(device.id) ? html`selected` : ""}>${device.name}</option>`)}
        </select>`);
      }
      case "number":
      case "color_temp": {
        const attributes = [html`inputmode="decimal"`, html`step="${options.step ?? "any"}"`];
        if (options.min !== undefined) attributes.push(html`min="${options.min}"`);
        if (options.max !== undefined) attributes.push(html`max="${options.max}"`);
        return field(html`<input type="number" ${common} ${new Markup(attributes.join(" "))} autocomplete="off"
          value="${typeof value === "number" ? value : ""}">`);
      }
      case "boolean":
        return html`<div class="field" data-field="${input.name}" data-kind="boolean">
          <label class="check"><input type="checkbox" ${common} ${value ? html`checked` : ""}>${label}${optional}</label>
          ${hint}${error}</div>`;
      case "constant":
        return html`<div class="field" data-field="${input.name}" data-kind="constant">
          <label class="check"><input type="checkbox" ${common} ${value === options.value ? html`checked` : ""}>
            ${label}: ${options.label ?? t("app.automations.form.constant", { value: String(options.value) })}${optional}</label>
          ${hint}${error}</div>`;
      case "time":
        return field(html`<input type="time" ${common} value="${typeof value === "string" ? value : ""}">`);
      case "date":
        return field(html`<input type="date" ${common} value="${typeof value === "string" ? value : ""}">`);
      case "datetime":
        return field(html`<input type="datetime-local" step="1" ${common}
          value="${typeof value === "string" ? value.replace(" ", "T") : ""}">`);
      case "select": {
        const choices = (options.options ?? []).map((option) =>
          typeof option === "string" ? { value: option, label: option } : option,
        );
        const chosen = new Set(asList(value));
        if (options.multiple) {
          return group(choices.map((choice) => html`<label class="check"><input type="checkbox" name="${input.name}"
            value="${choice.value}" ${chosen.has(choice.value) ? html`checked` : ""}>${choice.label}</label>`));
        }
        return field(html`<select ${common}>
          ${required || !chosen.size ? html`<option value="">${t("app.automations.form.choose")}</option>` : ""}
          ${choices.map((choice) => html`<option value="${choice.value}"
            ${chosen.has(choice.value) ? html`selected` : ""}>${choice.label}</option>`)}
        </select>`);
      }
      case "duration": {
        const amounts = this.#durationParts(value);
        return group(DURATION_UNITS.map((unit) => html`<label>${t(`app.automations.form.${unit}`)}
          <input type="number" inputmode="numeric" min="0" step="any" name="${input.name}" data-unit="${unit}"
            autocomplete="off" value="${amounts[unit] ?? ""}"></label>`));
      }
      default: {
        if (TEXT_KINDS.has(kind)) {
          if (options.multiline || options.multiple) {
            const text = asList(value).join("\n");
            return field(html`<textarea rows="3" ${common}>${options.multiple ? text : value ?? ""}</textarea>`);
          }
          const type = TEXT_TYPES.has(options.type) ? options.type : "text";
          return field(html`<input type="${type}" ${common} autocomplete="${type === "password" ? "new-password" : "off"}"
            value="${typeof value === "string" ? value : ""}">`);
        }
        // object, location, action… and inputs without a selector: the value as JSON.
        const text = value === undefined ? "" : JSON.stringify(value, null, 2);
        return field(html`<textarea rows="4" spellcheck="false" ${common}>${text}</textarea>`);
      }
    }
  }

  #extraHints(kind, options, entities) {
    if (kind === "number" || kind === "color_temp") {
      const unit = options.unit_of_measurement;
      const { min, max } = options;
      if (min !== undefined && max !== undefined) {
        return [t("app.automations.form.range", { min: formatNumber(min), max: numberWords(max, unit) })];
      }
      if (min !== undefined) return [t("app.automations.form.at_least_hint", { min: numberWords(min, unit) })];
      if (max !== undefined) return [t("app.automations.form.at_most_hint", { max: numberWords(max, unit) })];
      return unit ? [unitWords(unit)] : [];
    }
    if (kind === "entity" || kind === "target") {
      const filters = entityFilters(kind, options);
      if (!entities.length) return [t("app.automations.form.no_entities", { what: filterWords(filters) })];
      return filters.length ? [t("app.automations.form.entities_of", { what: filterWords(filters) })] : [];
    }
    if (TEXT_KINDS.has(kind) && options.multiple) return [t("app.automations.form.lines_hint")];
    if (!TEXT_KINDS.has(kind) && !["device", "boolean", "constant", "time", "date", "datetime", "select", "duration"].includes(kind)) {
      return [t("app.automations.form.json_hint")];
    }
    return [];
  }

  /** The entities the user can see that the selector allows, by name. */
  #entitiesFor(kind, options) {
    const filters = entityFilters(kind, options);
    const include = new Set(asList(options.include_entities));
    const exclude = new Set(asList(options.exclude_entities));
    return (this.choices.entities ?? [])
      .filter((entity) => !filters.length || filters.some((filter) => fits(entity, filter)))
      .filter((entity) => (!include.size || include.has(entity.entity_id)) && !exclude.has(entity.entity_id))
      .sort((a, b) => a.label.localeCompare(b.label, document.documentElement.lang));
  }

  /** The devices the user can see that the selector allows (made by, of model, with an
   * entity that fits). */
  #devicesFor(options) {
    const filters = asList(options.filter ?? (Object.keys(options).some((key) => key !== "multiple") ? options : []));
    const entities = this.choices.entities ?? [];
    const allowed = (device, filter) =>
      ["manufacturer", "model", "model_id"].every((key) => filter[key] === undefined || device[key] === filter[key]) &&
      (filter.entity === undefined ||
        entities.some((entity) => entity.device_id === device.id && asList(filter.entity).map(filterOf).some((one) => fits(entity, one))));
    return (this.choices.devices ?? [])
      .filter((device) => !filters.length || filters.some((filter) => allowed(device, filter)))
      .sort((a, b) => a.name.localeCompare(b.name, document.documentElement.lang));
  }

  #durationParts(value) {
    if (typeof value === "number") {
      return { hours: Math.floor(value / 3600), minutes: Math.floor((value % 3600) / 60), seconds: value % 60 };
    }
    if (value && typeof value === "object") {
      const hours = (value.hours ?? 0) + (value.days ?? 0) * 24;
      return { hours: hours || "", minutes: value.minutes ?? "", seconds: value.seconds ?? "" };
    }
    return {};
  }

  // -- the values ------------------------------------------------------------------------

  /** The inputs as the blueprint takes them; what is left empty is left out (the hub uses
   * the default, or says the input is missing). Problems found here: name -> words. */
  #values(form) {
    const values = {};
    const problems = {};
    for (const input of this.#inputs) {
      const [kind, options] = selectorOf(input);
      const { name } = input;
      const ticked = () =>
        [...form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(name)}"]:checked`)].map((box) => box.value);
      const control = form.querySelector(`#${CSS.escape(this.#ids(input).id)}`);
      let value;
      if (kind === "target") {
        const chosen = ticked();
        if (chosen.length) value = { entity_id: chosen };
      } else if (["entity", "device", "select"].includes(kind) && options.multiple) {
        const chosen = ticked();
        if (chosen.length) value = chosen;
      } else if (kind === "boolean") {
        value = control.checked;
      } else if (kind === "constant") {
        if (control.checked) value = options.value;
      } else if (kind === "duration") {
        const amounts = {};
        for (const box of form.querySelectorAll(`input[name="${CSS.escape(name)}"][data-unit]`)) {
          const raw = box.value.trim();
          if (raw !== "") amounts[box.dataset.unit] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
        }
        if (Object.keys(amounts).length) value = amounts;
      } else {
        const raw = control.value.trim();
        if (raw !== "") {
          if (kind === "number" || kind === "color_temp") {
            value = Number.isFinite(Number(raw)) ? Number(raw) : raw; // the hub names the mistake
          } else if (TEXT_KINDS.has(kind) && options.multiple) {
            value = raw.split("\n").map((line) => line.trim()).filter(Boolean);
          } else if (TEXT_KINDS.has(kind) || ["entity", "device", "select", "time", "date"].includes(kind)) {
            value = TEXT_KINDS.has(kind) ? control.value : raw;
          } else if (kind === "datetime") {
            value = raw.replace("T", " ");
          } else {
            try {
              value = JSON.parse(raw);
            } catch {
              problems[name] = t("app.automations.form.invalid.json");
            }
          }
        }
      }
      if (value !== undefined) values[name] = value;
      else if (!("default" in input) && !problems[name]) problems[name] = t("app.automations.form.invalid.required");
    }
    return { values, problems };
  }

  // -- errors ----------------------------------------------------------------------------

  /** The words for the hub's refusal of an input, from its message ("blueprint …: input
   * 'hours': 100 is above the maximum 48 h") and the input's selector. */
  #inputErrorWords(input, error) {
    const message = String(error.message ?? "").replace(/^blueprint [^:]*: input '[^']*'(: )?/, "");
    const [, options] = selectorOf(input);
    const unit = options.unit_of_measurement;
    const rules = [
      [/^is missing$|^\s*$/, () => t("app.automations.form.invalid.required")],
      [/is above the maximum/, () => t("app.automations.form.invalid.at_most", { limit: numberWords(options.max, unit) })],
      [/is below the minimum/, () => t("app.automations.form.invalid.at_least", { limit: numberWords(options.min, unit) })],
      [/^expected a number/, () => t("app.automations.form.invalid.number")],
      [/^there is no entity|^there is no device/, () => t("app.automations.form.invalid.no_entity")],
      [/; expected |is excluded|is not one of|is not a device/, () => t("app.automations.form.invalid.not_fitting")],
      [/^expected a time of day/, () => t("app.automations.form.invalid.time")],
      [/^expected a date/, () => t("app.automations.form.invalid.date")],
      [/is not an option/, () => t("app.automations.form.invalid.option")],
    ];
    for (const [pattern, words] of rules) {
      if (pattern.test(message)) return words();
    }
    return errorText(error);
  }

  /** Show each problem beside its field (name -> words; "alias" is the name's); the first
   * field with one gets the focus. */
  #showErrors(problems, base = "") {
    for (const box of this.querySelectorAll(".field-error")) {
      box.hidden = true;
      box.textContent = "";
    }
    for (const control of this.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
    const top = this.querySelector("#automation-form-error");
    if (top) top.textContent = base;
    let first = null;
    for (const [name, words] of Object.entries(problems)) {
      const ids = name === "alias"
        ? { id: "automation-alias", error: "automation-alias-error" }
        : this.#ids({ name });
      const box = this.querySelector(`#${CSS.escape(ids.error)}`);
      const control = this.querySelector(`#${CSS.escape(ids.id)}`);
      if (!box) continue;
      box.textContent = words;
      box.hidden = false;
      control?.setAttribute("aria-invalid", "true");
      first ??= control?.matches("fieldset") ? control.querySelector("input") : control;
    }
    if (first) first.focus();
    else if (base) top?.focus();
  }

  /** The hub refused the automation: beside the input (or the name) it names, else above. */
  #refused(error) {
    const match = String(error.field ?? "").match(INPUT_FIELD);
    const input = match && this.#inputs.find((item) => item.name === match[1]);
    if (input) this.#showErrors({ [input.name]: this.#inputErrorWords(input, error) });
    else if (error.field === "alias") this.#showErrors({ alias: errorText(error) });
    else this.#showErrors({}, errorText(error));
  }

  async #submit(event) {
    event.preventDefault();
    const form = event.target;
    const alias = form.querySelector("#automation-alias").value.trim();
    const { values, problems } = this.#values(form);
    if (!alias) problems.alias = t("app.automations.form.invalid.alias");
    if (Object.keys(problems).length) {
      this.#showErrors(problems);
      return;
    }
    const body = { alias, use_blueprint: { path: this.blueprint.path, input: values } };
    if ((hub.user.households?.length ?? 0) > 1 && this.householdId) body.household_id = this.householdId;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    let automation;
    try {
      automation = await hub.api.post("/api/automations", body);
    } catch (error) {
      this.#refused(error);
      return;
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
    this.dispatchEvent(new CustomEvent("automation-created", { detail: automation, bubbles: true }));
  }
}

customElements.define("automation-blueprint-form", AutomationBlueprintForm);
