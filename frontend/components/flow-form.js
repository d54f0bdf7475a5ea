// A config flow's step as a form, rendered from the JSON the hub sends (`data_schema`:
// [{name, type, required, default, description, choices, min, max, min_length, max_length}],
// types string, password, integer, float, boolean, select, multi_select). Labels, titles,
// descriptions and errors come from the integration's texts (config.step.<step>.…,
// config.error.<key>); each error sits next to its field. Submitting sends the step to the
// hub and shows what comes back: the same step with its errors (the typed values stay), the
// next step, or the end: a "flow-finished" event with the result (create_entry or abort).
//
// Use: const form = document.createElement("flow-form"); form.flow = result (of POST
// /api/config/flows); form.domain = "smoke_detector"; container.append(form).

import { html, Markup, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { errorText, integrationText, t } from "../lib/i18n.js";
import { clearFieldError } from "../lib/ui.js";

const FLOWS = "/api/config/flows";
const ENTITY_PLATFORMS = ["binary_sensor", "sensor", "switch", "lock", "button", "event", "number"];

// voluptuous's words, as the hub sends them for a field that did not validate.
const VALIDATION = [
  [/^required$/, "required"],
  [/^expected an integer$/, "integer"],
  [/^expected (a number|float)$/, "number"],
  [/^expected text$/, "text"],
  [/^expected (true or false|boolean)$/, "boolean"],
  [/^expected a list$/, "choose"],
  [/^value must be one of /, "choose"],
  [/^not a valid value/, "invalid"],
  [/^value must be at most (.+)$/, "at_most"],
  [/^value must be at least (.+)$/, "at_least"],
  [/^length of value must be at most (\d+)$/, "length_at_most"],
  [/^length of value must be at least (\d+)$/, "length_at_least"],
];

function prettyName(name) {
  return String(name).replace(/_/g, " ");
}

export class FlowForm extends View {
  connected() {
    this.flow ??= null;
    this.domain ??= this.flow?.handler ?? "";
    this.on("submit", "form", (event) => this.#submit(event));
    this.on("click", "#flow-cancel", () => this.#cancel());
    this.on("input", "input, select", (event) => clearFieldError(event.target));
    this.on("change", "input, select", (event) => clearFieldError(event.target));
  }

  /** The integration's text for a key of this step, with the step's placeholders. */
  #text(key) {
    const params = this.flow?.description_placeholders ?? {};
    return integrationText(this.domain, `config.step.${this.flow.step_id}.${key}`, params);
  }

  #label(field) {
    return this.#text(`data.${field.name}`) ?? prettyName(field.name);
  }

  render() {
    const flow = this.flow;
    if (!flow || flow.type !== "form") return html``;
    const title = this.#text("title") ?? t("home.flow.title", { name: this.#name() });
    const description = this.#text("description");
    const fields = flow.data_schema ?? [];
    const last = flow.last_step === false ? t("home.flow.next") : t("home.flow.submit");
    return html`<form class="card flow-form" novalidate aria-labelledby="flow-title"
        data-step="${flow.step_id}">
      <h2 id="flow-title">${title}</h2>
      ${description ? html`<p class="hint">${description}</p>` : ""}
      <p class="form-error" id="flow-error-base" role="alert"></p>
      ${fields.map((field) => this.#field(field))}
      <div class="actions">
        <button class="primary" type="submit">${last}</button>
        <button class="quiet" type="button" id="flow-cancel">${t("home.flow.cancel")}</button>
      </div>
    </form>`;
  }

  rendered() {
    this.#showErrors(this.flow?.errors ?? {});
  }

  #name() {
    return integrationText(this.domain, "name") ?? this.domain;
  }

  #field(field) {
    const id = `flow-field-${field.name}`;
    const label = this.#label(field);
    const optional = field.required ? "" : html` <span class="optional">${t("home.flow.optional")}</span>`;
    const hintText = this.#text(`data_description.${field.name}`) ?? field.description;
    const hint = hintText ? html`<p class="hint" id="${id}-hint">${hintText}</p>` : "";
    const error = html`<p class="field-error" id="${id}-error" role="alert" hidden></p>`;
    const describedBy = `${hintText ? `${id}-hint ` : ""}${id}-error`;
    const common = html`id="${id}" name="${field.name}" aria-describedby="${describedBy}"
      ${field.required ? html`aria-required="true"` : ""}`;
    const value = field.default;
    if (field.type === "boolean") {
      return html`<div class="field" data-field="${field.name}">
        <label class="check"><input type="checkbox" ${common} ${value ? html`checked` : ""}>
          ${label}${optional}</label>${hint}${error}</div>`;
    }
    if (field.type === "multi_select") {
      const chosen = new Set((Array.isArray(value) ? value : []).map(String));
      return html`<fieldset class="field choices" data-field="${field.name}" id="${id}"
          aria-describedby="${describedBy}">
        <legend>${label}${optional}</legend>
        ${(field.choices ?? []).map(
          (choice, index) => html`<label class="check"><input type="checkbox" name="${field.name}"
            value="${index}" ${chosen.has(String(choice)) ? html`checked` : ""}>
            ${this.#choice(field, choice)}</label>`,
        )}
        ${hint}${error}</fieldset>`;
    }
    let control;
    if (field.type === "select") {
      const none = field.required && value !== undefined ? "" : html`<option value="">${t("home.flow.choose")}</option>`;
      control = html`<select ${common}>${none}${(field.choices ?? []).map(
        (choice, index) => html`<option value="${index}" ${choice === value ? html`selected` : ""}>
          ${this.#choice(field, choice)}</option>`,
      )}</select>`;
    } else {
      const numeric = field.type === "integer" || field.type === "float";
      const type = field.type === "password" ? "password" : numeric ? "number" : "text";
      const extra = [];
      if (numeric) {
        extra.push(html`inputmode="${field.type === "integer" ? "numeric" : "decimal"}"`);
        extra.push(html`step="${field.type === "integer" ? "1" : "any"}"`);
        if (field.min !== undefined) extra.push(html`min="${field.min}"`);
        if (field.max !== undefined) extra.push(html`max="${field.max}"`);
      }
      if (field.max_length !== undefined) extra.push(html`maxlength="${field.max_length}"`);
      if (field.type === "password") extra.push(html`autocomplete="new-password"`);
      else extra.push(html`autocomplete="off"`);
      control = html`<input type="${type}" ${common} ${new Markup(extra.join(" "))}
        value="${value === undefined || value === null ? "" : value}">`;
    }
    return html`<div class="field" data-field="${field.name}">
      <label for="${id}">${label}${optional}</label>
      ${control}${hint}${error}
    </div>`;
  }

  /** A choice's words: the integration's for the field's options; else, for a choice named
   * like one of its entities (a detector's "smoke"), that entity's name; else the value. */
  #choice(field, choice) {
    const own = integrationText(this.domain, `selector.${field.name}.options.${choice}`);
    if (own) return own;
    for (const platform of ENTITY_PLATFORMS) {
      const name = integrationText(this.domain, `entity.${platform}.${choice}.name`);
      if (name) return name;
    }
    return prettyName(choice);
  }

  /** The form's values as the step's schema wants them; empty optional fields left out. */
  #values(form) {
    const values = {};
    for (const field of this.flow.data_schema ?? []) {
      const { name, type } = field;
      if (type === "multi_select") {
        const boxes = form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`);
        values[name] = [...boxes].map((box) => field.choices[Number(box.value)]);
        continue;
      }
      const input = form.elements.namedItem(name);
      if (!input) continue;
      if (type === "boolean") {
        values[name] = input.checked;
        continue;
      }
      const raw = input.value.trim();
      if (raw === "") continue; // the hub says "required" if it is
      if (type === "select") values[name] = field.choices[Number(raw)];
      else if (type === "integer" || type === "float") {
        const number = Number(raw);
        values[name] = Number.isFinite(number) ? number : raw; // the hub names the mistake
      } else values[name] = type === "password" ? input.value : raw;
    }
    return values;
  }

  /** An error the hub gave for a field: the integration's words for its key, or the words
   * for voluptuous's complaint, or what the hub said. */
  errorWords(key) {
    const own =
      integrationText(this.domain, `config.error.${key}`) ??
      integrationText(this.domain, `options.error.${key}`);
    if (own) return own;
    for (const [pattern, name] of VALIDATION) {
      const match = String(key).match(pattern);
      if (match) return t(`home.flow.invalid.${name}`, { limit: match[1] ?? "" });
    }
    return String(key);
  }

  #showErrors(errors) {
    const fields = new Set((this.flow?.data_schema ?? []).map((field) => field.name));
    const base = [];
    for (const element of this.querySelectorAll(".field-error")) {
      element.hidden = true;
      element.textContent = "";
    }
    for (const input of this.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    let first = null;
    for (const [name, key] of Object.entries(errors ?? {})) {
      if (!fields.has(name)) {
        base.push(this.errorWords(key));
        continue;
      }
      const box = this.querySelector(`#flow-field-${CSS.escape(name)}-error`);
      box.textContent = this.errorWords(key);
      box.hidden = false;
      const input = this.querySelector(`#flow-field-${CSS.escape(name)}`);
      input?.setAttribute("aria-invalid", "true");
      first ??= input?.matches("fieldset") ? input.querySelector("input") : input;
    }
    const top = this.querySelector("#flow-error-base");
    if (top) top.textContent = base.join(" ");
    return first;
  }

  async #submit(event) {
    event.preventDefault();
    const form = event.target;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    let result;
    try {
      result = await hub.api.post(`${FLOWS}/${this.flow.flow_id}`, this.#values(form));
    } catch (error) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      this.#refused(error);
      return;
    }
    button.disabled = false;
    button.removeAttribute("aria-busy");
    this.#answer(result);
  }

  /** The hub refused the input: next to the field it names, else above the fields. */
  #refused(error) {
    if (error.status === 404) {
      this.#finish({ type: "abort", reason: "flow_gone", handler: this.domain });
      return;
    }
    const fields = (this.flow.data_schema ?? []).map((field) => field.name);
    if (error.field && fields.includes(error.field)) {
      this.#showErrors({ [error.field]: error.message })?.focus();
      const box = this.querySelector(`#flow-field-${CSS.escape(error.field)}-error`);
      box.textContent = errorText(error);
    } else {
      this.#showErrors({});
      this.querySelector("#flow-error-base").textContent = errorText(error);
    }
  }

  /** What the hub answered to a step: the same form with errors, another step, or the end. */
  #answer(result) {
    if (result.type !== "form") {
      this.#finish(result);
      return;
    }
    const sameStep = result.step_id === this.flow.step_id && result.flow_id === this.flow.flow_id;
    this.flow = result;
    if (sameStep) {
      // The user's typing stays: only the errors change.
      const first = this.#showErrors(result.errors ?? {});
      if (first) first.focus();
      else if (Object.keys(result.errors ?? {}).length) this.querySelector("#flow-error-base")?.focus();
      return;
    }
    this.update();
    this.querySelector("input, select")?.focus();
  }

  #finish(result) {
    this.flow = null;
    this.dispatchEvent(new CustomEvent("flow-finished", { detail: result, bubbles: true }));
  }

  async #cancel() {
    const flowId = this.flow?.flow_id;
    this.flow = null;
    if (flowId) {
      try {
        await hub.api.delete(`${FLOWS}/${flowId}`);
      } catch {
        // gone already: nothing to stop
      }
    }
    this.dispatchEvent(new CustomEvent("flow-cancelled", { bubbles: true }));
  }
}

customElements.define("flow-form", FlowForm);
