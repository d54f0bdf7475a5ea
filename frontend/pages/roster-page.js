// The household roster import (POST /api/community/roster): upload a CSV or XLSX file,
// check it first (a dry run) and then import it; the report shows the rows, what changes,
// and each bad row with its number, column and the hub's message. A CSV template with the
// columns the roster reader expects is made here, in the browser.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatNumber, t } from "../lib/i18n.js";
import { failure, pageHeading } from "../lib/ui.js";

const KINDS = ["units", "households", "members"];
const OUTCOMES = ["created", "updated", "unchanged", "removed"];
class RosterPage extends View {
  connected() {
    this.template = URL.createObjectURL(
      new Blob(["\ufeff", t("operator.roster.template_csv")], { type: "text/csv;charset=utf-8" }),
    );
    this.own(() => URL.revokeObjectURL(this.template));
    this.on("submit", "#roster-form", (event) => {
      event.preventDefault();
      this.#send(true);
    });
    this.on("click", "#roster-import, #roster-confirm", () => this.#send(false));
    this.on("change", "#roster-file", () => this.#show(""));
  }

  render() {
    return html`${pageHeading(
        t("operator.roster.title"),
        html`<a class="button" href="${this.template}" download="${t("operator.roster.template_file")}">${t(
          "operator.roster.template",
        )}</a>`,
      )}
      <p>${t("operator.roster.intro")}</p>
      <p class="hint">${t("operator.roster.columns_hint")}</p>
      <form id="roster-form" class="card" novalidate>
        <label>${t("operator.roster.file")}
          <input id="roster-file" name="file" type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
        </label>
        <label class="check"><input id="roster-remove" name="remove_missing" type="checkbox">
          ${t("operator.roster.remove_missing")}</label>
        <p class="form-error" role="alert"></p>
        <div class="actions">
          <button id="roster-check" class="primary" type="submit">${t("operator.roster.check")}</button>
          <button id="roster-import" type="button">${t("operator.roster.import")}</button>
        </div>
      </form>
      <div id="roster-result" aria-live="polite"></div>`;
  }

  #show(markup) {
    const box = this.querySelector("#roster-result");
    if (box) box.innerHTML = String(markup);
  }

  async #send(dryRun) {
    const form = this.querySelector("#roster-form");
    const file = form.file.files[0];
    const problem = form.querySelector(".form-error");
    if (!file) {
      problem.textContent = t("operator.roster.no_file");
      form.file.focus();
      return;
    }
    problem.textContent = "";
    const query = new URLSearchParams({ dry_run: String(dryRun), remove_missing: String(form.remove_missing.checked) });
    const buttons = [...this.querySelectorAll("#roster-form button, #roster-confirm")];
    for (const item of buttons) item.disabled = true;
    this.#show(html`<p class="state loading" role="status">${t(dryRun ? "operator.roster.checking" : "operator.roster.importing")}</p>`);
    try {
      const report = await hub.api.post(`/api/community/roster?${query}`, file);
      this.#show(this.#report(report));
      this.querySelector("#roster-result h2")?.focus();
    } catch (error) {
      this.#show(failure(error));
    } finally {
      for (const item of buttons) item.disabled = false;
    }
  }

  #report(report) {
    const bad = new Set(report.errors.map((error) => error.row)).size;
    const counts = { rows: formatNumber(report.rows), good: formatNumber(report.rows - bad), bad: formatNumber(bad) };
    return html`<section class="card ops-roster-report" aria-labelledby="roster-report-title">
      <h2 id="roster-report-title" tabindex="-1">${t(
        report.dry_run ? "operator.roster.dry_run_title" : "operator.roster.done_title",
      )}</h2>
      <p class="ops-lead ${bad ? "ops-bad" : ""}">${t(report.dry_run ? "operator.roster.rows" : "operator.roster.imported", counts)}</p>
      ${report.missing_removed ? html`<p>${t("operator.roster.missing_removed")}</p>` : ""}
      <div class="table-scroll"><table>
        <caption class="visually-hidden">${t("operator.roster.counts")}</caption>
        <thead><tr><th scope="col">${t("operator.roster.kind")}</th>
          ${OUTCOMES.map((outcome) => html`<th scope="col">${t(`operator.roster.${outcome}`)}</th>`)}</tr></thead>
        <tbody>${KINDS.map(
          (kind) => html`<tr><th scope="row">${t(`operator.roster.${kind}`)}</th>
            ${OUTCOMES.map((outcome) => html`<td>${formatNumber(report[kind]?.[outcome] ?? 0)}</td>`)}</tr>`,
        )}</tbody>
      </table></div>
      <h3>${t("operator.roster.errors")}</h3>
      ${report.errors.length
        ? html`<div class="table-scroll"><table class="ops-roster-errors">
            <caption class="visually-hidden">${t("operator.roster.errors")}</caption>
            <thead><tr><th scope="col">${t("operator.roster.row")}</th><th scope="col">${t("operator.roster.column")}</th>
              <th scope="col">${t("operator.roster.message")}</th></tr></thead>
            <tbody>${report.errors.map(
              (error) => html`<tr><th scope="row">${error.row}</th>
                <td>${error.column ?? "—"}</td><td>${error.message}</td></tr>`,
            )}</tbody>
          </table></div>`
        : html`<p class="muted">${t("operator.roster.no_errors")}</p>`}
      ${report.dry_run
        ? html`<div class="actions"><button id="roster-confirm" class="primary" type="button">${t(
            "operator.roster.confirm",
          )}</button></div>`
        : ""}
    </section>`;
  }
}

customElements.define("roster-page", RosterPage);
