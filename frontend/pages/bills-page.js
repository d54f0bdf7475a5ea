// Bills (#/bills): a household's monthly statement — its lines and the totals by service,
// in yuan — for the month picked (this month in the community's time zone at first).
// Operators and admins see every household's statement of the month and download the
// month's usage records as CSV.

import { attachmentName, refusalText, saveResponse } from "../components/community-common.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatFen, formatNumber, formatTime, has, integrationName, monthNow, t } from "../lib/i18n.js";
import { isStaff } from "../lib/routes.js";
import { act, empty, failure, loading, pageHeading } from "../lib/ui.js";

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

function unitName(unit) {
  return has(`community.bills.unit.${unit}`) ? t(`community.bills.unit.${unit}`) : unit;
}

function quantity(line) {
  return `${formatNumber(line.quantity_milli / 1000, { maximumFractionDigits: 3 })} ${unitName(line.unit)}`;
}

class BillsPage extends View {
  connected() {
    this.staff = isStaff(hub.user.role);
    this.households = hub.user.households ?? [];
    this.householdId = this.households[0]?.id ?? null;
    this.month = null;
    this.names = new Map(this.households.map((item) => [item.id, item.name]));
    this.on("change", "#bill-month", (event) => this.#pickMonth(event.target));
    this.on("change", "#bill-household", (event) => {
      this.householdId = event.target.value;
      this.#show();
    });
    this.on("click", "#usage-export", (event, button) => act(button, () => this.#export(), t("community.bills.exported")));
    this.#start();
  }

  render() {
    const picker = this.households.length > 1 && !this.staff
      ? html`<label>${t("community.bills.household")}
          <select id="bill-household">${this.households.map(
            (item) => html`<option value="${item.id}">${item.name}</option>`,
          )}</select></label>`
      : "";
    return html`
      ${pageHeading(t("community.bills.title"))}
      <div class="bill-controls card">
        ${picker}
        <label>${t("community.bills.month")}
          <input id="bill-month" type="month" min="1970-01" max="9998-12" value="${this.month ?? ""}">
        </label>
        ${this.staff
          ? html`<div class="actions">
              <button id="usage-export" type="button">${t("community.bills.export")}</button>
            </div>`
          : ""}
      </div>
      <div id="bill-body" aria-live="polite">${loading()}</div>`;
  }

  async #start() {
    this.month = monthNow();
    const input = this.querySelector("#bill-month");
    if (input && !input.value) input.value = this.month;
    if (this.staff) await this.#loadNames();
    await this.#show();
  }

  async #loadNames() {
    try {
      for (const item of await hub.api.get("/api/community/households")) this.names.set(item.id, item.name);
    } catch {
      // the statements still show, by household id
    }
  }

  #pickMonth(input) {
    if (!MONTH.test(input.value)) return; // being typed, or cleared
    this.month = input.value;
    this.#show();
  }

  #body(markup) {
    const box = this.querySelector("#bill-body");
    if (box) box.innerHTML = String(markup);
  }

  async #show() {
    const month = this.month;
    if (!month) return;
    this.#body(loading());
    try {
      if (this.staff) {
        const statements = await hub.api.get("/api/statements", { month });
        if (month === this.month) this.#body(this.#all(statements));
      } else if (!this.householdId) {
        this.#body(empty(t("community.bills.no_household")));
      } else {
        const statement = await hub.api.get(`/api/households/${this.householdId}/statements/${month}`);
        if (month === this.month) this.#body(this.#statement(statement));
      }
    } catch (error) {
      this.#body(html`<p class="state error" role="alert">${refusalText(error)}</p>`);
    }
  }

  #monthWords(month) {
    const [year, number] = month.split("-").map(Number);
    return formatTime(Date.UTC(year, number - 1, 15) / 1000, { timeZone: "UTC", year: "numeric", month: "long" });
  }

  #statement(statement) {
    const monthWords = this.#monthWords(statement.month);
    if (!statement.lines.length) return empty(t("community.bills.empty", { month: monthWords }));
    return html`
      <section class="card bill" aria-labelledby="bill-title">
        <h2 id="bill-title">${t("community.bills.statement", { month: monthWords })}</h2>
        <p class="bill-total">
          <span>${t("community.bills.total")}</span>
          <strong class="figure" data-total>${formatFen(statement.total_fen)}</strong>
        </p>
        ${this.#byService(statement)}
        ${this.#lines(statement.lines)}
      </section>`;
  }

  #byService(statement) {
    const totals = Object.entries(statement.totals_by_service);
    return html`
      <h3>${t("community.bills.by_service")}</h3>
      <ul class="list bill-services">
        ${totals.map(
          ([domain, fen]) => html`<li><span>${integrationName(domain)}</span><strong>${formatFen(fen)}</strong></li>`,
        )}
      </ul>`;
  }

  /** The lines as a list (a table is too wide for a phone): what and how much, then
   * when, which service, and the quantity at its unit price. */
  #lines(lines) {
    return html`
      <h3>${t("community.bills.lines")}</h3>
      <ul class="list bill-lines">
        ${lines.map(
          (line) => html`<li class="bill-line">
            <div class="bill-line-main">
              <span class="bill-line-what">${line.description}</span>
              <strong class="bill-line-amount">${formatFen(line.amount_fen)}</strong>
            </div>
            <div class="bill-line-facts">
              <span>${formatTime(line.occurred_at, { dateStyle: "short", timeStyle: "short" })}</span>
              <span>${integrationName(line.domain)}</span>
              <span>${t("community.bills.quantity_price", {
                quantity: quantity(line),
                price: t("community.bills.per_unit", { price: formatFen(line.unit_price_fen), unit: unitName(line.unit) }),
              })}</span>
              ${line.funding !== "market"
                ? html`<span class="badge">${t("community.bills.not_billed", { model: t(`community.funding.${line.funding}`) })}</span>`
                : ""}
            </div>
          </li>`,
        )}
      </ul>`;
  }

  #all(statements) {
    const monthWords = this.#monthWords(this.month);
    if (!statements.length) return empty(t("community.bills.empty_all", { month: monthWords }));
    const total = statements.reduce((sum, item) => sum + item.total_fen, 0);
    const name = (id) => this.names.get(id) ?? id;
    const sorted = [...statements].sort((a, b) => name(a.household_id).localeCompare(name(b.household_id)));
    return html`
      <section class="card" aria-labelledby="bills-all-title">
        <h2 id="bills-all-title">${t("community.bills.all", { month: monthWords })}</h2>
        <p class="bill-total">
          <span>${t("community.bills.total_all", { count: formatNumber(statements.length) })}</span>
          <strong class="figure">${formatFen(total)}</strong>
        </p>
        <div class="table-scroll">
          <table>
            <thead><tr>
              <th scope="col">${t("community.bills.household")}</th>
              <th scope="col">${t("community.bills.by_service")}</th>
              <th scope="col">${t("community.bills.total")}</th>
            </tr></thead>
            <tbody>
              ${sorted.map(
                (item) => html`<tr>
                  <th scope="row">${name(item.household_id)}</th>
                  <td>${Object.entries(item.totals_by_service).map(
                    ([domain, fen]) => html`<div>${integrationName(domain)}: ${formatFen(fen)}</div>`,
                  )}</td>
                  <td><strong>${formatFen(item.total_fen)}</strong></td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>
      ${sorted.map(
        (item) => html`<details class="card bill-detail">
          <summary>${t("community.bills.lines_of", { household: name(item.household_id) })}</summary>
          ${this.#lines(item.lines)}
        </details>`,
      )}`;
  }

  async #export() {
    const month = this.month;
    const response = await hub.api.request("GET", `/api/usage/export?month=${month}`, undefined, {
      raw: true,
    });
    await saveResponse(response, attachmentName(response, `usage-${month}.csv`));
    return response;
  }
}

customElements.define("bills-page", BillsPage);
