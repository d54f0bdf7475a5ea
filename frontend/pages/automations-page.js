// Automations (#/automations): a resident's household's, or for operators the community's
// (GET /api/automations gives each what they may read), each an <automation-row> with its
// switch, its last run, "run now" and its runs in words. "Add from a blueprint" lists the
// blueprints (#/automations/new), named in the user's language, and one chosen
// (#/automations/new/<path>) is filled in with an <automation-blueprint-form> offering the
// entities the user can see (the registry's, and any the live states add).

import "../components/automation-blueprint-form.js";
import "../components/automation-row.js";
import { blueprintDescription, blueprintName } from "../components/automation-blueprint-form.js";
import { entityLabel } from "../components/entity-tile.js";
import { householdName } from "../components/household-picker.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { t } from "../lib/i18n.js";
import { isStaff, parseHash, go } from "../lib/routes.js";
import { empty, failure, loading, pageHeading, toast } from "../lib/ui.js";

const LIST = "#/automations";

function newLink(path = "") {
  return path ? `${LIST}/new/${encodeURIComponent(path)}` : `${LIST}/new`;
}

class AutomationsPage extends View {
  connected() {
    this.staff = isStaff(hub.user.role);
    const [first, path] = parseHash().params;
    this.view = first === "new" ? (path ? "form" : "choose") : "list";
    this.blueprintPath = path ?? null;
    this.state = "loading";
    this.error = null;
    this.automations = [];
    this.blueprints = [];
    this.problems = {};
    this.households = new Map(); // staff: household id -> name
    this.names = new Map(); // entity id -> its name for people
    this.choices = { entities: [], devices: [] };
    this.on("click", "#automations-retry", () => this.#load());
    this.on("click", "#automations-refresh", () => this.#load());
    this.on("automation-removed", "automation-row", (event) => this.#removed(event.detail));
    this.on("automation-created", "automation-blueprint-form", (event) => {
      toast(t("app.automations.form.added", { name: event.detail.alias }));
      go("automations");
    });
    this.on("automation-cancelled", "automation-blueprint-form", () => go("automations"));
    // Could not reach the hub: load again once the connection is back.
    this.own(
      hub.socket.onStatus((status) => {
        if (status === "connected" && this.state === "failed" && this.error?.code === "network") this.#load();
      }),
    );
    this.#load();
  }

  async #load() {
    this.state = "loading";
    this.update();
    try {
      const [first, entities, devices] = await Promise.all([
        this.view === "list" ? hub.api.get("/api/automations") : hub.api.get("/api/blueprints"),
        hub.api.get("/api/registry/entities"),
        hub.api.get("/api/registry/devices").catch(() => []),
        this.staff ? this.#loadHouseholds() : null,
      ]);
      if (this.view === "list") {
        this.automations = first.sort((a, b) =>
          (a.alias || a.id).localeCompare(b.alias || b.id, document.documentElement.lang),
        );
      } else {
        this.blueprints = first.blueprints.sort((a, b) =>
          blueprintName(a).localeCompare(blueprintName(b), document.documentElement.lang),
        );
        this.problems = first.problems ?? {};
      }
      this.#entities(entities, devices);
      this.state = "ready";
    } catch (error) {
      this.error = error;
      this.state = "failed";
    }
    if (this.isConnected) this.update();
  }

  /** The community's households by name (staff see automations of households too). */
  async #loadHouseholds() {
    try {
      const households = await hub.api.get("/api/community/households");
      this.households = new Map(households.map((item) => [item.id, item.name]));
    } catch {
      this.households = new Map(); // named by id instead
    }
  }

  /** What the user can see, for the form's choices and the runs' words: the registry's
   * entities (not disabled) and any others the live states hold. */
  #entities(entries, devices) {
    const byDevice = new Map(devices.map((device) => [device.id, device]));
    const registry = new Map(entries.filter((entry) => !entry.disabled_by).map((entry) => [entry.entity_id, entry]));
    const ids = new Set([...registry.keys(), ...(hub.entities?.states.keys() ?? [])]);
    const entities = [];
    for (const entityId of ids) {
      const entry = registry.get(entityId);
      const state = hub.entities?.get(entityId);
      const own = entityLabel(entry ?? { entity_id: entityId }, state);
      const device = entry?.device_id ? byDevice.get(entry.device_id) : null;
      const deviceName = device?.name_by_user || device?.name;
      const label = deviceName && deviceName !== own ? `${deviceName} · ${own}` : own;
      this.names.set(entityId, label);
      entities.push({
        entity_id: entityId,
        domain: entityId.split(".")[0],
        device_class: state?.a?.device_class ?? entry?.device_class ?? null,
        integration: entry?.platform ?? null,
        device_id: entry?.device_id ?? null,
        label,
      });
    }
    this.choices = {
      entities,
      devices: devices.map((device) => ({
        id: device.id,
        name: device.name_by_user || device.name || device.id,
        manufacturer: device.manufacturer,
        model: device.model,
        model_id: device.model_id,
      })),
    };
  }

  render() {
    if (this.view === "choose") return this.#choose();
    if (this.view === "form") return this.#formView();
    const add = html`<div class="actions">
      <button type="button" id="automations-refresh">${t("app.automations.refresh")}</button>
      <a class="button primary" href="${newLink()}">${t("app.automations.add")}</a>
    </div>`;
    return html`${pageHeading(t("app.automations.title"), add)}
      <p class="hint">${t(this.staff ? "app.automations.intro_staff" : "app.automations.intro")}</p>
      <div id="automations-body">${this.#listBody()}</div>`;
  }

  #stateBody() {
    if (this.state === "loading") return loading();
    return html`${failure(this.error)}
      <p class="actions"><button type="button" id="automations-retry">${t("home.retry")}</button></p>`;
  }

  #listBody() {
    if (this.state !== "ready") return this.#stateBody();
    if (!this.automations.length) return empty(t("app.automations.none"));
    return html`<div class="list automation-list" id="automation-list"></div>`;
  }

  rendered() {
    if (this.state !== "ready") return;
    const list = this.querySelector("#automation-list");
    if (list) {
      for (const automation of this.automations) {
        const row = document.createElement("automation-row");
        row.automation = automation;
        row.whose = this.#whose(automation);
        row.entityName = (entityId) => this.names.get(entityId);
        list.append(row);
      }
    }
    const box = this.querySelector("#automation-form-box");
    const blueprint = this.#blueprint();
    if (box && blueprint) {
      const form = document.createElement("automation-blueprint-form");
      form.blueprint = blueprint;
      form.choices = this.choices;
      box.append(form);
    }
  }

  /** Whose an automation is, when it is worth saying: the community's or a household's
   * for staff; the household's for someone in several. */
  #whose(automation) {
    const id = automation.household_id;
    if (this.staff) {
      if (id === null || id === undefined) return t("app.automations.community");
      return this.households.get(id) ?? t("app.automations.household_unknown", { id });
    }
    return (hub.user.households?.length ?? 0) > 1 && id ? householdName(id) : "";
  }

  #removed(automationId) {
    this.automations = this.automations.filter((item) => item.id !== automationId);
    for (const row of this.querySelectorAll("automation-row")) {
      if (row.automation?.id === automationId) row.remove();
    }
    if (!this.automations.length) this.update();
    const heading = this.querySelector(".page-heading h1");
    heading?.setAttribute("tabindex", "-1");
    heading?.focus();
  }

  // -- adding from a blueprint -------------------------------------------------------------

  #back() {
    return html`<a class="button quiet" href="${LIST}">${t("app.automations.choose.back")}</a>`;
  }

  #choose() {
    let body;
    if (this.state !== "ready") body = this.#stateBody();
    else if (!this.blueprints.length) body = empty(t("app.automations.choose.none"));
    else {
      body = html`<ul class="list integration-choices blueprint-choices">${this.blueprints.map((blueprint, index) => {
        const description = blueprintDescription(blueprint);
        const hintId = `blueprint-${index}-hint`;
        return html`<li>
          <a class="button integration-choice" href="${newLink(blueprint.path)}" data-path="${blueprint.path}"
            ${description ? html`aria-describedby="${hintId}"` : ""}>${blueprintName(blueprint)}</a>
          ${description ? html`<p class="hint" id="${hintId}">${description}</p>` : ""}
        </li>`;
      })}</ul>`;
    }
    const problems = Object.entries(this.problems ?? {});
    return html`${pageHeading(t("app.automations.choose.title"), this.#back())}
      <p class="hint">${t("app.automations.choose.hint")}</p>
      ${body}
      ${problems.length
        ? html`<section class="card ops-roster-report" aria-labelledby="blueprint-problems">
            <h2 id="blueprint-problems">${t("app.automations.choose.problems")}</h2>
            <ul>${problems.map(([path, message]) => html`<li><strong>${path}</strong>: ${message}</li>`)}</ul>
          </section>`
        : ""}`;
  }

  #blueprint() {
    return this.blueprints.find((item) => item.path === this.blueprintPath) ?? null;
  }

  #formView() {
    let body;
    if (this.state !== "ready") body = this.#stateBody();
    else if (!this.#blueprint()) {
      body = html`${empty(t("app.automations.choose.missing", { path: this.blueprintPath }))}
        <p class="actions"><a class="button" href="${newLink()}">${t("app.automations.choose.title")}</a></p>`;
    } else body = html`<div id="automation-form-box"></div>`;
    return html`${pageHeading(t("app.automations.add"), this.#back())}${body}`;
  }
}

customElements.define("automations-page", AutomationsPage);
