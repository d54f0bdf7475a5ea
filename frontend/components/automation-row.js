// One automation in the list: its name, whose it is, a switch to turn it on and off, when
// it last ran and how that ended, why it cannot run (its failure), "run now", its last runs
// in words (<automation-trace>), and, for one made through the API, "delete". One written
// in automations.yaml is changed in that file only: the row says so and offers no delete.
//
// Use: const row = document.createElement("automation-row"); row.automation = automation
// (of GET /api/automations); row.whose = "全社区"; row.entityName = (id) => name;
// list.append(row). A deleted one sends "automation-removed" with its id.

import { confirmAction } from "./community-common.js";
import { runStateKind, runStateText } from "./automation-trace.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { errorText, formatTime, t } from "../lib/i18n.js";
import { empty, failure, loading, toast } from "../lib/ui.js";

const POLL_MS = 500;
const POLLS = 40; // a run still going after 20 s is read again when the runs are opened

export class AutomationRow extends View {
  connected() {
    this.automation ??= null;
    this.whose ??= "";
    this.entityName ??= (entityId) => entityId;
    this.open = false;
    this.runs = null; // null: not read yet
    this.runsError = null;
    this.polls = 0;
    this.timer = null;
    this.on("click", "button[data-action=toggle]", (event, button) => this.#toggle(button));
    this.on("click", "button[data-action=run]", (event, button) => this.#run(button));
    this.on("click", "button[data-action=traces]", () => this.#showRuns(!this.open));
    this.on("click", "button[data-action=delete]", (event, button) => this.#delete(button));
    this.own(() => clearTimeout(this.timer));
  }

  get #ids() {
    const base = `automation-${this.automation.id}`.replace(/[^\w-]/g, "_");
    return { title: `${base}-name`, runs: `${base}-runs` };
  }

  render() {
    const automation = this.automation;
    if (!automation) return html``;
    const name = automation.alias || automation.id;
    const ids = this.#ids;
    const last = automation.last_run;
    const editable = automation.source === "api";
    return html`<article class="card automation ${automation.failure ? "ops-integration failed" : ""}"
        aria-labelledby="${ids.title}" data-automation="${automation.id}" data-source="${automation.source}">
      <header class="proposal-head">
        <h2 id="${ids.title}">${name}</h2>
        <button type="button" class="toggle" role="switch" data-action="toggle"
          aria-checked="${automation.enabled ? "true" : "false"}"
          aria-label="${t("app.automations.enabled_named", { name })}">
          ${t(automation.enabled ? "app.automations.on" : "app.automations.off")}</button>
      </header>
      ${this.whose ? html`<p class="muted">${this.whose}</p>` : ""}
      ${automation.description ? html`<p>${automation.description}</p>` : ""}
      ${automation.failure
        ? html`<p class="ops-failure" data-part="failure">${t("app.automations.failure", { message: automation.failure })}</p>`
        : ""}
      <dl class="ops-facts">
        <div><dt>${t("app.automations.last_run")}</dt>
          <dd data-part="last-run">${last
            ? html`${formatTime(last.started_at)} <span class="badge ${runStateKind(last.state)}">${runStateText(last.state)}</span>`
            : t("app.automations.never_run")}</dd></div>
        ${automation.running
          ? html`<div><dt>${t("app.automations.states.running")}</dt>
              <dd>${t("app.automations.running_now", { count: automation.running })}</dd></div>`
          : ""}
      </dl>
      ${editable ? "" : html`<p class="hint" data-part="read-only">${t("app.automations.read_only")}</p>`}
      <div class="actions">
        <button type="button" class="primary" data-action="run"
          aria-label="${t("app.automations.run_named", { name })}">${t("app.automations.run")}</button>
        <button type="button" data-action="traces" aria-expanded="${this.open ? "true" : "false"}"
          aria-controls="${ids.runs}" aria-label="${t("app.automations.traces_named", { name })}">
          ${t(this.open ? "app.automations.traces_hide" : "app.automations.traces")}</button>
        ${editable
          ? html`<button type="button" class="danger" data-action="delete"
              aria-label="${t("app.automations.delete_named", { name })}">${t("app.automations.delete")}</button>`
          : ""}
      </div>
      <section class="automation-runs" id="${ids.runs}" aria-label="${t("app.automations.traces_named", { name })}"
          aria-live="polite" ${this.open ? "" : html`hidden`}>
        ${this.open ? this.#runsBody() : ""}
      </section>
    </article>`;
  }

  #runsBody() {
    if (this.runsError) return failure(this.runsError);
    if (this.runs === null) return loading();
    if (!this.runs.length) return empty(t("app.automations.no_traces"));
    return html`<div class="list automation-run-list"></div><p class="hint">${t("app.automations.kept_runs")}</p>`;
  }

  rendered() {
    const box = this.querySelector(".automation-run-list");
    if (!box) return;
    for (const run of this.runs) {
      const trace = document.createElement("automation-trace");
      trace.run = run;
      trace.entityName = this.entityName;
      box.append(trace);
    }
  }

  /** Render again; the control that had the focus (or `focus`, the button that was busy:
   * a disabled button loses the focus) keeps it. */
  #refresh(focus = null) {
    const focused = focus ?? (this.contains(document.activeElement) ? document.activeElement.dataset.action : null);
    this.update();
    if (focused) this.querySelector(`button[data-action="${focused}"]`)?.focus();
  }

  async #toggle(button) {
    const automation = this.automation;
    const name = automation.alias || automation.id;
    const verb = automation.enabled ? "disable" : "enable";
    const had = document.activeElement === button;
    button.disabled = true;
    try {
      this.automation = await hub.api.post(`/api/automations/${encodeURIComponent(automation.id)}/${verb}`);
      toast(t(this.automation.enabled ? "app.automations.turned_on" : "app.automations.turned_off", { name }));
    } catch (error) {
      toast(errorText(error), "error");
    } finally {
      button.disabled = false;
    }
    this.#refresh(had ? "toggle" : null);
  }

  async #run(button) {
    const automation = this.automation;
    const name = automation.alias || automation.id;
    const had = document.activeElement === button;
    button.disabled = true;
    let run;
    try {
      run = await hub.api.post(`/api/automations/${encodeURIComponent(automation.id)}/trigger`);
    } catch (error) {
      toast(errorText(error), "error");
      button.disabled = false;
      return;
    }
    button.disabled = false;
    toast(t("app.automations.run_started", { name }));
    this.open = true;
    this.runs = [run, ...(this.runs ?? []).filter((item) => item.run_id !== run.run_id)];
    this.polls = 0;
    this.#refresh(had ? "run" : null);
    await this.#read();
  }

  async #showRuns(open) {
    this.open = open;
    clearTimeout(this.timer);
    if (!open) {
      this.#refresh();
      return;
    }
    this.runs = null;
    this.runsError = null;
    this.polls = 0;
    this.#refresh();
    await this.#read();
  }

  /** Read the runs and the automation again; while a run goes on, again a little later. */
  async #read() {
    const path = `/api/automations/${encodeURIComponent(this.automation.id)}`;
    try {
      const [runs, automation] = await Promise.all([hub.api.get(`${path}/traces`), hub.api.get(path)]);
      this.runs = runs;
      this.automation = automation;
      this.runsError = null;
    } catch (error) {
      this.runsError = error;
    }
    if (!this.isConnected) return;
    this.#refresh();
    clearTimeout(this.timer);
    const going = (this.runs ?? []).some((run) => run.state === "running");
    if (this.open && going && this.polls < POLLS) {
      this.polls += 1;
      this.timer = setTimeout(() => this.#read(), POLL_MS);
    }
  }

  async #delete(button) {
    const automation = this.automation;
    const name = automation.alias || automation.id;
    const sure = await confirmAction({
      title: t("app.automations.delete_title"),
      text: t("app.automations.delete_text", { name }),
      confirm: t("app.automations.delete"),
      danger: true,
    });
    if (!sure) {
      button.focus();
      return;
    }
    button.disabled = true;
    try {
      await hub.api.delete(`/api/automations/${encodeURIComponent(automation.id)}`);
    } catch (error) {
      toast(errorText(error), "error");
      button.disabled = false;
      return;
    }
    toast(t("app.automations.deleted", { name }));
    this.dispatchEvent(new CustomEvent("automation-removed", { detail: automation.id, bubbles: true }));
  }
}

customElements.define("automation-row", AutomationRow);
