// Community votes (#/community): the proposals, open ones first, each with its count
// against the thresholds; owners vote; operators and admins open proposals and watch the
// ballots come in live.

import "../components/community-proposal-card.js";
import { refusalText } from "../components/community-common.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { integrationName, t } from "../lib/i18n.js";
import { isStaff } from "../lib/routes.js";
import { empty, failure, loading, pageHeading, toast } from "../lib/ui.js";

const MATTERS = [
  "other",
  "common_parts_business",
  "change_common_use",
  "hire_manager",
  "use_maintenance_fund",
  "raise_maintenance_fund",
  "rebuild",
  "management_statute",
  "procedural_rules",
  "elect_committee",
];
const FUNDING = ["market", "public", "social"];
const FIELDS = [
  "title",
  "description",
  "matter",
  "domain",
  "action",
  "funding_model",
  "amount_fen",
  "opens_at",
  "closes_at",
];
const RESIDENT_REFRESH_MS = 30_000; // residents may not subscribe to ballots: they look again

/** Every proposal's time as a number, for sorting. */
function time(iso) {
  return iso ? Date.parse(iso) : 0;
}

class ProposalsPage extends View {
  connected() {
    this.proposals = null; // [{...proposal, tally}]
    this.error = null;
    this.units = []; // the units the user owns: [{id, address}]
    this.choices = {}; // proposal id -> {unit id -> choice}, as the hub last said
    this.integrations = [];
    this.staff = isStaff(hub.user.role);
    this.on("ballot-cast", "community-proposal-card", (event) => this.#cast(event.detail));
    this.on("submit", "form.proposal-form", (event) => this.#create(event));
    this.on("change", "select[name=domain]", () => this.#domainChanged());
    this.#load();
    if (this.staff) this.#watch();
    else {
      const timer = setInterval(() => this.#reload(), RESIDENT_REFRESH_MS);
      this.own(() => clearInterval(timer));
    }
  }

  render() {
    return html`
      ${pageHeading(t("community.proposals.title"))}
      <p class="hint">${t("community.proposals.intro")}</p>
      ${this.staff ? this.#form() : ""}
      <div id="proposal-lists">${loading()}</div>`;
  }

  async #load() {
    try {
      await Promise.all([
        this.#loadUnits(),
        this.staff ? this.#loadIntegrations() : null,
      ]);
      await this.#reload();
    } catch (error) {
      this.error = error;
      this.#renderLists();
    }
  }

  /** The units the user owns: those of their households where they are an owner. */
  async #loadUnits() {
    const households = hub.user.households ?? [];
    if (!households.length) return;
    const [units, ...found] = await Promise.all([
      hub.api.get("/api/community/units"),
      ...households.map(async ({ id }) => {
        const [household, members] = await Promise.all([
          hub.api.get(`/api/community/households/${id}`),
          hub.api.get(`/api/community/households/${id}/members`),
        ]);
        const owner = members.some((m) => m.user_id === hub.user.id && m.role === "owner");
        return owner ? household.unit_id : null;
      }),
    ]);
    const owned = new Set(found.filter(Boolean));
    this.units = units
      .filter((unit) => owned.has(unit.id))
      .map((unit) => ({ id: unit.id, address: unit.address }))
      .sort((a, b) => a.address.localeCompare(b.address));
  }

  async #loadIntegrations() {
    const all = await hub.api.get("/api/integrations");
    this.integrations = all.filter((item) => ["device", "service"].includes(item.integration_type));
    const select = this.querySelector("select[name=domain]");
    if (select) {
      select.insertAdjacentHTML(
        "beforeend",
        String(html`${this.integrations.map(
          (item) => html`<option value="${item.domain}">${integrationName(item.domain)}</option>`,
        )}`),
      );
    }
  }

  async #reload() {
    try {
      const list = await hub.api.get("/api/community/proposals");
      const full = await Promise.all(
        list.map((item) => hub.api.get(`/api/community/proposals/${item.id}`)),
      );
      this.proposals = full;
      for (const proposal of full) this.#remember(proposal);
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.#renderLists();
  }

  async #refreshOne(proposalId) {
    if (!this.proposals) return;
    try {
      const fresh = await hub.api.get(`/api/community/proposals/${proposalId}`);
      this.#remember(fresh);
      const index = this.proposals.findIndex((item) => item.id === proposalId);
      if (index < 0) this.proposals.unshift(fresh);
      else this.proposals[index] = fresh;
      this.#renderLists();
    } catch (error) {
      toast(refusalText(error), "error");
    }
  }

  /** Operators and admins see each ballot, decision and new proposal as it happens. */
  #watch() {
    const ignore = () => {};
    const watch = (eventType, onEvent) =>
      this.own(hub.socket.subscribe({ type: "subscribe_events", event_type: eventType }, onEvent, ignore));
    watch("ballot_cast", (event) => this.#refreshOne(event.data.proposal_id));
    watch("proposal_decided", (event) => this.#refreshOne(event.data.proposal_id));
    watch("proposal_registry_updated", (event) => {
      if (event.data.action === "create") this.#refreshOne(event.data.proposal_id);
    });
  }

  /** The user's current ballots on a proposal, as the hub says (after a reload too). */
  #remember(proposal) {
    const mine = Object.fromEntries((proposal.my_ballots ?? []).map((b) => [b.unit_id, b.choice]));
    this.choices[proposal.id] = { ...(this.choices[proposal.id] ?? {}), ...mine };
  }

  #cast({ proposal_id: proposalId, unit_id: unitId, choice }) {
    this.choices[proposalId] = { ...(this.choices[proposalId] ?? {}), [unitId]: choice };
    this.#refreshOne(proposalId);
  }

  /** Open ones first (closing soonest first), then the decided, latest first. */
  #sorted() {
    const open = this.proposals.filter((p) => p.status === "open");
    const decided = this.proposals.filter((p) => p.status !== "open");
    open.sort((a, b) => time(a.closes_at) - time(b.closes_at));
    decided.sort((a, b) => time(b.decided_at ?? b.closes_at) - time(a.decided_at ?? a.closes_at));
    return { open, decided };
  }

  #renderLists() {
    const box = this.querySelector("#proposal-lists");
    if (!box) return;
    if (this.error && !this.proposals) {
      box.innerHTML = String(failure(this.error));
      return;
    }
    if (!this.proposals) return;
    const { open, decided } = this.#sorted();
    if (!box.querySelector("#open-proposals")) {
      box.innerHTML = String(html`
        <section aria-labelledby="open-proposals-title">
          <h2 id="open-proposals-title">${t("community.proposals.open")}</h2>
          <div id="open-proposals" class="proposal-list"></div>
        </section>
        <section aria-labelledby="decided-proposals-title">
          <h2 id="decided-proposals-title">${t("community.proposals.decided")}</h2>
          <div id="decided-proposals" class="proposal-list"></div>
        </section>`);
    }
    this.#fill(box.querySelector("#open-proposals"), open, t("community.proposals.none_open"));
    this.#fill(box.querySelector("#decided-proposals"), decided, t("community.proposals.none_decided"));
  }

  /** Put a card per proposal in `list`, reusing the cards already there. */
  #fill(list, proposals, emptyText) {
    if (!proposals.length) {
      list.innerHTML = String(empty(emptyText));
      return;
    }
    const cards = new Map([...list.querySelectorAll("community-proposal-card")].map((c) => [c.dataset.id, c]));
    const wanted = proposals.map((proposal) => {
      let card = cards.get(proposal.id);
      const fresh = !card;
      if (fresh) {
        card = document.createElement("community-proposal-card");
        card.dataset.id = proposal.id;
      }
      card.proposal = proposal;
      card.units = this.units;
      card.choices = { ...(card.choices ?? {}), ...(this.choices[proposal.id] ?? {}) };
      if (!fresh) card.update();
      return card;
    });
    const same = wanted.length === list.children.length && wanted.every((card, i) => list.children[i] === card);
    if (!same) list.replaceChildren(...wanted);
  }

  // -- opening a proposal (operators and admins) ---------------------------------------

  #form() {
    const field = (name, label, control, hint = "") => html`
      <div class="form-field" data-field="${name}">
        <label for="proposal-${name}">${label}</label>
        ${hint ? html`<p class="hint" id="proposal-${name}-hint">${hint}</p>` : ""}
        ${control}
        <p class="field-error" id="proposal-${name}-error" role="alert" hidden></p>
      </div>`;
    return html`
      <details class="card proposal-create">
        <summary>${t("community.proposals.form.title")}</summary>
        <form class="proposal-form" novalidate>
          ${field(
            "title",
            t("community.proposals.form.name"),
            html`<input id="proposal-title" name="title" maxlength="200" autocomplete="off">`,
          )}
          ${field(
            "description",
            t("community.proposals.form.description"),
            html`<textarea id="proposal-description" name="description" rows="4"></textarea>`,
          )}
          ${field(
            "matter",
            t("community.proposals.form.matter"),
            html`<select id="proposal-matter" name="matter">
              ${MATTERS.map((matter) => html`<option value="${matter}">${t(`community.matters.${matter}`)}</option>`)}
            </select>`,
            t("community.proposals.form.matter_hint"),
          )}
          ${field(
            "domain",
            t("community.proposals.form.domain"),
            html`<select id="proposal-domain" name="domain">
              <option value="">${t("community.proposals.form.no_integration")}</option>
              ${this.integrations.map(
                (item) => html`<option value="${item.domain}">${integrationName(item.domain)}</option>`,
              )}
            </select>`,
          )}
          ${field(
            "action",
            t("community.proposals.form.action"),
            html`<select id="proposal-action" name="action" disabled>
              <option value="enable">${t("community.proposals.form.enable")}</option>
              <option value="disable">${t("community.proposals.form.disable")}</option>
            </select>`,
          )}
          ${field(
            "funding_model",
            t("community.proposals.form.funding"),
            html`<select id="proposal-funding_model" name="funding_model">
              <option value="">${t("community.proposals.form.no_funding")}</option>
              ${FUNDING.map((model) => html`<option value="${model}">${t(`community.funding.${model}`)}</option>`)}
            </select>`,
          )}
          ${field(
            "amount_fen",
            t("community.proposals.form.amount"),
            html`<input id="proposal-amount_fen" name="amount" inputmode="decimal" autocomplete="off">`,
          )}
          ${field(
            "opens_at",
            t("community.proposals.form.opens_at"),
            html`<input id="proposal-opens_at" name="opens_at" type="datetime-local">`,
            t("community.proposals.form.opens_hint"),
          )}
          ${field(
            "closes_at",
            t("community.proposals.form.closes_at"),
            html`<input id="proposal-closes_at" name="closes_at" type="datetime-local">`,
            t("community.proposals.form.closes_hint"),
          )}
          <p class="form-error" role="alert"></p>
          <div class="actions">
            <button class="primary" type="submit">${t("community.proposals.form.submit")}</button>
          </div>
        </form>
      </details>`;
  }

  #domainChanged() {
    const form = this.querySelector("form.proposal-form");
    const field = (name) => form.elements.namedItem(name);
    const domain = field("domain").value;
    field("action").disabled = !domain;
    // An integration is offered under its own funding models.
    const offered = this.integrations.find((item) => item.domain === domain)?.funding;
    const models = domain && offered?.length ? offered : FUNDING;
    const funding = field("funding_model");
    for (const option of funding.options) {
      if (option.value) option.hidden = option.disabled = !models.includes(option.value);
    }
    if (funding.selectedOptions[0]?.disabled) funding.value = "";
  }

  #showErrors(form, error, field = null) {
    for (const box of form.querySelectorAll(".field-error")) {
      box.hidden = true;
      box.textContent = "";
    }
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    form.querySelector(".form-error").textContent = "";
    if (!error) return;
    const name = field ?? error.field;
    const box = FIELDS.includes(name) ? form.querySelector(`#proposal-${name}-error`) : null;
    if (box) {
      box.textContent = refusalText(error);
      box.hidden = false;
      const input = form.querySelector(`#proposal-${name}`);
      input?.setAttribute("aria-invalid", "true");
      input?.setAttribute("aria-describedby", box.id);
      input?.focus();
    } else {
      form.querySelector(".form-error").textContent = refusalText(error);
    }
  }

  async #create(event) {
    event.preventDefault();
    const form = event.target;
    const button = form.querySelector("button[type=submit]");
    const value = (name) => form.elements.namedItem(name).value.trim();
    const body = { title: value("title"), matter: value("matter") };
    if (value("description")) body.description = value("description");
    if (value("domain")) {
      body.domain = value("domain");
      body.action = value("action");
    }
    if (value("funding_model")) body.funding_model = value("funding_model");
    const amount = value("amount");
    if (amount) {
      const yuan = Number(amount.replace(/[,，¥￥\s]/g, ""));
      if (!Number.isFinite(yuan) || yuan < 0) {
        this.#showErrors(form, { code: "bad_amount", message: "" }, "amount_fen");
        return;
      }
      body.amount_fen = Math.round(yuan * 100);
    }
    if (value("opens_at")) body.opens_at = value("opens_at");
    if (value("closes_at")) body.closes_at = value("closes_at");
    button.disabled = true;
    try {
      const proposal = await hub.api.post("/api/community/proposals", body);
      this.#showErrors(form, null);
      form.reset();
      this.#domainChanged();
      toast(t("community.proposals.form.created", { title: proposal.title }));
      await this.#refreshOne(proposal.id);
    } catch (error) {
      this.#showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  }
}

customElements.define("proposals-page", ProposalsPage);
