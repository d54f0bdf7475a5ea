// Add a device: the integrations the community lets run that add a device by a form, named
// in the user's language; choosing one starts its config flow, whose steps a <flow-form>
// shows, until the device is added (a link home) or the flow ends for a reason it says.

import "../components/flow-form.js";
import { chooseHousehold, chosenHousehold, householdPicker } from "../components/household-picker.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { errorText, integrationName, integrationText, t } from "../lib/i18n.js";
import { empty, failure, loading, pageHeading } from "../lib/ui.js";

class AddDevicePage extends View {
  connected() {
    this.state = "loading";
    this.householdId = chosenHousehold();
    this.on("change", "#add-household", (event) => {
      this.householdId = event.target.value;
      chooseHousehold(this.householdId);
    });
    this.on("click", "button[data-domain]", (event, button) => this.#start(button));
    this.on("click", "#add-another", () => this.#show("list"));
    this.on("click", "#retry", () => this.#load());
    // Could not reach the hub: load again once the connection is back.
    this.own(
      hub.socket.onStatus((status) => {
        if (status === "connected" && this.state === "failed" && this.error?.code === "network") this.#load();
      }),
    );
    this.on("flow-finished", "flow-form", (event) => this.#finished(event.detail));
    this.on("flow-cancelled", "flow-form", () => this.#show("list"));
    this.#load();
  }

  async #load() {
    this.#show("loading");
    try {
      const integrations = await hub.api.get("/api/integrations");
      this.integrations = integrations
        .filter((item) => item.config_flow && item.integration_type === "device" && item.allowed)
        .map((item) => ({ ...item, label: integrationText(item.domain, "name") ?? item.name }))
        .sort((a, b) => a.label.localeCompare(b.label, document.documentElement.lang));
      this.#show("list");
    } catch (error) {
      this.error = error;
      this.#show("failed");
    }
  }

  #show(state) {
    this.state = state;
    this.update();
  }

  render() {
    const back = html`<a class="button quiet" href="#/home">${t("home.add.back")}</a>`;
    return html`${pageHeading(t("home.add.title"), back)}
      <div id="add-body">${this.#body()}</div>`;
  }

  #body() {
    switch (this.state) {
      case "loading":
        return loading();
      case "failed":
        return html`${failure(this.error)}
          <p class="actions"><button id="retry" type="button">${t("home.retry")}</button></p>`;
      case "list":
        return this.#list();
      case "flow":
        return html`<div id="flow"></div>`;
      case "done":
        return html`<div class="card flow-result success" role="status">
          <h2>${t("home.add.done_title")}</h2>
          <p>${t("home.add.done", { name: this.result.title || this.result.label })}</p>
          <p class="actions">
            <a class="button primary" href="#/home">${t("home.add.go_home")}</a>
            <button type="button" id="add-another">${t("home.add.another")}</button>
          </p>
        </div>`;
      case "aborted":
        return html`<div class="card flow-result aborted" role="alert">
          <h2>${t("home.add.aborted_title")}</h2>
          <p>${this.#abortText(this.result)}</p>
          <p class="actions">
            <button type="button" id="add-another" class="primary">${t("home.add.choose_again")}</button>
            <a class="button" href="#/home">${t("home.add.go_home")}</a>
          </p>
        </div>`;
      default:
        return "";
    }
  }

  #list() {
    const choices = this.integrations.length
      ? html`<ul class="list integration-choices">${this.integrations.map(
          (item) => html`<li><button type="button" class="integration-choice" data-domain="${item.domain}">
            ${item.label}</button></li>`,
        )}</ul>`
      : empty(t("home.add.none"));
    return html`<p class="hint">${t("home.add.hint")}</p>
      ${householdPicker(this.householdId, "add-household")}
      <p class="form-error" id="add-error" role="alert"></p>
      ${choices}`;
  }

  async #start(button) {
    const domain = button.dataset.domain;
    const body = { handler: domain };
    if (this.householdId && (hub.user.households?.length ?? 0) > 0) body.household_id = this.householdId;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    let result;
    try {
      result = await hub.api.post("/api/config/flows", body);
    } catch (error) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      const box = this.querySelector("#add-error");
      if (box) box.textContent = errorText(error);
      return;
    }
    this.domain = domain;
    if (result.type !== "form") {
      this.#finished(result);
      return;
    }
    this.#show("flow");
    const form = document.createElement("flow-form");
    form.domain = domain;
    form.flow = result;
    this.querySelector("#flow").append(form);
    form.querySelector("input, select")?.focus();
  }

  #finished(result) {
    this.result = { ...result, label: integrationName(this.domain) };
    this.#show(result.type === "create_entry" ? "done" : "aborted");
    this.querySelector(".flow-result h2")?.setAttribute("tabindex", "-1");
    this.querySelector(".flow-result h2")?.focus();
  }

  #abortText(result) {
    const reason = result.reason ?? "unknown";
    const params = result.description_placeholders ?? {};
    return (
      integrationText(this.domain, `config.abort.${reason}`, params) ??
      (reason === "flow_gone" ? t("home.add.flow_gone") : t("home.add.aborted", { reason }))
    );
  }
}

customElements.define("add-device-page", AddDevicePage);
