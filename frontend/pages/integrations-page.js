// The integrations (GET /api/integrations): each one's name in the user's language, type,
// whether it may run and by which vote, funding model, state, failure with its cause, and
// its config entries, each of which can be reloaded. Failed ones come first and stand out.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { currentLanguage, formatNumber, formatTime, has, integrationText, t } from "../lib/i18n.js";
import { act, empty, failure, loading, pageHeading, toast } from "../lib/ui.js";

const FAILED_STATES = new Set(["failed", "failed_unload"]);
const BAD_ENTRY_STATES = new Set(["setup_error", "setup_retry", "migration_error", "failed_unload"]);

/** A text of the app for `key`.`value`, or the value itself. */
function word(key, value) {
  return has(`${key}.${value}`) ? t(`${key}.${value}`) : value;
}

function nameOf(integration) {
  return integrationText(integration.domain, "name") ?? integration.name ?? integration.domain;
}

function failed(integration) {
  return FAILED_STATES.has(integration.state) || integration.failure;
}

class IntegrationsPage extends View {
  connected() {
    this.integrations = null;
    this.error = null;
    this.on("click", "button[data-reload]", (event, button) => this.#reload(button));
    this.#load();
  }

  async #load() {
    try {
      this.integrations = await hub.api.get("/api/integrations", { language: currentLanguage() });
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    if (!this.isConnected) return;
    const focused = document.activeElement?.dataset?.reload; // keep the focus on its button
    this.update();
    if (focused) this.querySelector(`button[data-reload="${CSS.escape(focused)}"]`)?.focus();
  }

  render() {
    const items = this.integrations;
    const count = items?.filter(failed).length ?? 0;
    const summary = items
      ? html`<span class="badge ${count ? "failed" : ""}" role="status">${t("operator.integrations.summary", {
          count: formatNumber(items.length),
          failed: formatNumber(count),
        })}</span>`
      : "";
    const heading = pageHeading(t("operator.integrations.title"), summary);
    if (!items) return html`${heading}${this.error ? failure(this.error) : loading()}`;
    if (!items.length) return html`${heading}${empty(t("operator.integrations.empty"))}`;
    // Failed first, then those running, then the others; by name within each.
    const rank = (item) => (failed(item) ? 0 : item.state === "loaded" ? 1 : 2);
    const sorted = [...items].sort((a, b) => rank(a) - rank(b) || nameOf(a).localeCompare(nameOf(b)));
    return html`${heading}${this.error ? failure(this.error) : ""}
      <div class="ops-integrations">${sorted.map((item) => this.#integration(item))}</div>`;
  }

  #integration(item) {
    const id = `integration-${item.domain}`;
    const bad = failed(item);
    const about = [
      item.domain,
      word("operator.integrations.types", item.integration_type),
      item.builtin ? t("operator.integrations.builtin") : item.vendor ? t("operator.integrations.vendor", { vendor: item.vendor }) : "",
      item.version ? t("operator.integrations.version", { version: item.version }) : "",
    ].filter(Boolean);
    return html`<article class="card ops-integration ${bad ? "failed" : ""}" aria-labelledby="${id}">
      <header class="ops-integration-head">
        <h2 id="${id}">${nameOf(item)}</h2>
        <span class="badge ${bad ? "failed" : item.state === "loaded" ? "" : "ops-idle"}">${word(
          "operator.integrations.states",
          item.state,
        )}</span>
      </header>
      <p class="muted">${about.join(" · ")}</p>
      ${item.failure
        ? html`<p class="ops-failure"><strong>${t("operator.integrations.failure")}</strong> ${item.failure}</p>`
        : ""}
      <dl class="ops-facts">
        <div><dt>${t("operator.integrations.may_run")}</dt><dd>${this.#vote(item)}</dd></div>
        ${item.funding_model
          ? html`<div><dt>${t("operator.integrations.funding")}</dt>
              <dd>${word("operator.integrations.funding_models", item.funding_model)}</dd></div>`
          : ""}
        ${item.data_categories?.length
          ? html`<div><dt>${t("operator.integrations.data_categories")}</dt>
              <dd>${new Intl.ListFormat(currentLanguage()).format(
                item.data_categories.map((category) => word("operator.integrations.categories", category)),
              )}</dd></div>`
          : ""}
      </dl>
      ${this.#entries(item)}
    </article>`;
  }

  #vote(item) {
    const decided = item.decided_by;
    const date = decided?.decided_at ? formatTime(decided.decided_at, { dateStyle: "long" }) : "";
    const badge = html`<span class="badge ${item.allowed ? "" : "bad"}">${t(
      item.allowed ? "operator.integrations.allowed" : "operator.integrations.not_allowed",
    )}</span>`;
    let reason;
    if (!item.allowed) reason = item.refusal;
    else if (decided) {
      const key = decided.action === "disable" ? "decided_by_disable" : "decided_by";
      reason = t(`operator.integrations.${key}`, { title: decided.title, date });
    } else reason = t("operator.integrations.no_vote_needed");
    return html`${badge} <span class="ops-vote">${reason}</span>`;
  }

  #entries(item) {
    const entries = item.entries ?? [];
    if (!entries.length) {
      return item.config_flow ? html`<p class="muted">${t("operator.integrations.no_entries")}</p>` : "";
    }
    return html`<h3>${t("operator.integrations.entries")}</h3>
      <div class="table-scroll"><table>
        <thead><tr>
          <th scope="col">${t("operator.integrations.entry_title")}</th>
          <th scope="col">${t("operator.integrations.entry_state")}</th>
          <th scope="col">${t("operator.integrations.entry_reason")}</th>
          <th scope="col"><span class="visually-hidden">${t("operator.integrations.reload")}</span></th>
        </tr></thead>
        <tbody>${entries.map(
          (entry) => html`<tr class="${BAD_ENTRY_STATES.has(entry.state) ? "ops-bad-row" : ""}">
            <th scope="row">${entry.title}</th>
            <td><span class="badge ${BAD_ENTRY_STATES.has(entry.state) ? "failed" : entry.state === "loaded" ? "" : "ops-idle"}">${word(
              "operator.integrations.entry_states",
              entry.state,
            )}</span>${entry.disabled_by ? html` <span class="badge ops-idle">${t("operator.integrations.disabled")}</span>` : ""}</td>
            <td>${entry.reason ?? ""}</td>
            <td><button type="button" data-reload="${entry.entry_id}" data-title="${entry.title}"
              aria-label="${t("operator.integrations.reload_label", { title: entry.title })}">${t(
                "operator.integrations.reload",
              )}</button></td>
          </tr>`,
        )}</tbody>
      </table></div>`;
  }

  async #reload(button) {
    const title = button.dataset.title;
    const answer = await act(button, () =>
      hub.api.post(`/api/config/entries/${encodeURIComponent(button.dataset.reload)}/reload`),
    );
    if (!answer) return;
    toast(t(answer.loaded ? "operator.integrations.reloaded" : "operator.integrations.reload_failed", { title }), answer.loaded ? "ok" : "error");
    await this.#load();
  }
}

customElements.define("integrations-page", IntegrationsPage);
