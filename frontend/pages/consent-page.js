// Privacy consent (#/privacy): for each member of the user's household, whether their
// health and location data may be collected — given by whom, in which capacity, since when,
// for which integrations, and who may see it — with giving and withdrawing (each confirmed
// first, shown at once), and the household's data to download.

import { attachmentName, confirmAction, refusalText, saveResponse } from "../components/community-common.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatNumber, formatTime, integrationName, t } from "../lib/i18n.js";
import { act, empty, failure, loading, pageHeading, toast } from "../lib/ui.js";

const CATEGORIES = ["health", "location"];
const ALL = "all";

class ConsentPage extends View {
  connected() {
    this.members = []; // of the user's households: {id, name, role, user_id, cares_for, household_id}
    this.consents = [];
    this.collectors = { health: [], location: [] }; // category -> integration domains
    this.on("click", "button[data-give]", (event, button) => this.#give(button));
    this.on("click", "button[data-withdraw]", (event, button) => this.#withdraw(button));
    this.on("click", "button[data-export]", (event, button) =>
      act(button, () => this.#export(button.dataset.export), t("community.privacy.exported")),
    );
    this.#load();
  }

  render() {
    const households = hub.user.households ?? [];
    return html`
      ${pageHeading(t("community.privacy.title"))}
      <p class="hint">${t("community.privacy.intro")}</p>
      <div id="consents">${loading()}</div>
      ${households.length
        ? html`<section class="card privacy-export" aria-labelledby="privacy-export-title">
            <h2 id="privacy-export-title">${t("community.privacy.export_title")}</h2>
            <p class="hint">${t("community.privacy.export_hint")}</p>
            <div class="actions">
              ${households.map(
                (item) => html`<button type="button" data-export="${item.id}">
                  ${t("community.privacy.export", { household: item.name })}</button>`,
              )}
            </div>
          </section>`
        : ""}`;
  }

  async #load() {
    try {
      const households = hub.user.households ?? [];
      const [integrations, consents, ...memberLists] = await Promise.all([
        hub.api.get("/api/integrations"),
        hub.api.get("/api/privacy/consents"),
        ...households.map((item) => hub.api.get(`/api/community/households/${item.id}/members`)),
      ]);
      this.consents = consents;
      this.members = memberLists.flat();
      for (const category of CATEGORIES) {
        this.collectors[category] = integrations
          .filter((item) => item.data_categories.includes(category))
          .map((item) => item.domain);
      }
      this.#show();
    } catch (error) {
      this.#box(failure(error));
    }
  }

  async #reloadConsents() {
    this.consents = await hub.api.get("/api/privacy/consents");
    this.#show();
  }

  #box(markup) {
    const box = this.querySelector("#consents");
    if (box) box.innerHTML = String(markup);
  }

  /** The members shown: the user's households', then those they care for elsewhere (known
   * only by their consents: another household's members are not the user's to list). */
  #people() {
    const known = new Set(this.members.map((m) => m.id));
    const elsewhere = [...new Set(this.consents.map((c) => c.member_id).filter((id) => !known.has(id)))];
    return [
      ...this.members,
      ...elsewhere.map((id) => ({ id, name: t("community.privacy.cared_member"), role: "cared", cares_for: [] })),
    ];
  }

  #show() {
    const people = this.#people();
    if (!people.length) {
      this.#box(empty(t("community.privacy.no_members")));
      return;
    }
    this.#box(html`${people.map((member) => this.#member(member))}`);
  }

  #mine() {
    return this.members.filter((m) => m.user_id === hub.user.id);
  }

  /** Whether the user may give or withdraw consent for `member` (the consent module's
   * rule: the member, an owner or household admin of their household, a named caregiver). */
  #mayAct(member) {
    if (member.role === "cared") return true;
    if (member.user_id === hub.user.id) return true;
    return this.#mine().some(
      (own) =>
        (own.household_id === member.household_id && (own.role === "owner" || hub.user.role === "household_admin")) ||
        (own.cares_for ?? []).includes(member.id),
    );
  }

  #userName(userId) {
    if (userId === hub.user.id) return t("community.privacy.you");
    return this.members.find((m) => m.user_id === userId)?.name ?? t("community.privacy.someone");
  }

  #scopeName(scope) {
    return scope === ALL ? t("community.privacy.scope_all") : integrationName(scope);
  }

  /** Who may see the member's protected data: their household and their caregivers. */
  #viewers(member) {
    const household = (hub.user.households ?? []).find((h) => h.id === member.household_id);
    const caregivers = this.members
      .filter((m) => (m.cares_for ?? []).includes(member.id))
      .map((m) => m.name);
    return t(caregivers.length ? "community.privacy.viewers_with_caregivers" : "community.privacy.viewers", {
      household: household?.name ?? t("community.privacy.their_household"),
      caregivers: caregivers.join(t("community.privacy.list_separator")),
    });
  }

  #member(member) {
    const id = `member-${member.id}`;
    const consents = this.consents.filter((c) => c.member_id === member.id);
    const mayAct = this.#mayAct(member);
    return html`
      <article class="card consent-member" aria-labelledby="${id}-name">
        <header class="consent-head">
          <h2 id="${id}-name">${member.name}</h2>
          ${member.role !== "cared" ? html`<span class="badge">${t(`community.privacy.role.${member.role}`)}</span>` : ""}
        </header>
        <p class="hint">${this.#viewers(member)}</p>
        ${CATEGORIES.map((category) => this.#category(member, category, consents, mayAct))}
        ${mayAct ? "" : html`<p class="hint">${t("community.privacy.may_not_act")}</p>`}
      </article>`;
  }

  #category(member, category, consents, mayAct) {
    const mine = consents.filter((c) => c.category === category);
    const active = mine.filter((c) => c.withdrawn_at === null || c.withdrawn_at === undefined);
    const withdrawn = mine.filter((c) => c.withdrawn_at !== null && c.withdrawn_at !== undefined);
    const headingId = `consent-${member.id}-${category}`;
    const collectors = this.collectors[category].map(integrationName).join(t("community.privacy.list_separator"));
    // What is not covered yet: nothing once every service may collect it.
    const scopes = active.some((c) => c.scope === ALL)
      ? []
      : [ALL, ...this.collectors[category]].filter((scope) => !active.some((c) => c.scope === scope));
    return html`
      <section class="consent-category" aria-labelledby="${headingId}">
        <h3 id="${headingId}">${t(`community.privacy.category.${category}`)}</h3>
        <p class="hint">${t(`community.privacy.category_hint.${category}`)}${collectors
          ? t("community.privacy.collected_by", { names: collectors })
          : ""}</p>
        ${active.length
          ? html`<ul class="list consent-list">${active.map((consent) => this.#activeConsent(member, category, consent, mayAct))}</ul>`
          : html`<p class="consent-status off" role="status">${t("community.privacy.not_given", {
              name: member.name,
              category: t(`community.privacy.category.${category}`),
            })}</p>`}
        ${mayAct && scopes.length
          ? html`<div class="consent-give">
              <label>${t("community.privacy.scope")}
                <select data-scope-for="${member.id}-${category}">
                  ${scopes.map((scope) => html`<option value="${scope}">${this.#scopeName(scope)}</option>`)}
                </select>
              </label>
              <button type="button" class="primary" data-give="${category}" data-member="${member.id}"
                aria-label="${t("community.privacy.give_for", { name: member.name, category: t(`community.privacy.category.${category}`) })}">
                ${t("community.privacy.give")}</button>
            </div>`
          : ""}
        ${withdrawn.length
          ? html`<details class="consent-history">
              <summary>${t("community.privacy.history", { count: formatNumber(withdrawn.length) })}</summary>
              <ul class="list">${withdrawn.map(
                (consent) => html`<li>${t("community.privacy.withdrawn_line", {
                  scope: this.#scopeName(consent.scope),
                  given: formatTime(consent.created_at),
                  withdrawn: formatTime(consent.withdrawn_at),
                  by: this.#userName(consent.withdrawn_by),
                })}</li>`,
              )}</ul>
            </details>`
          : ""}
      </section>`;
  }

  #activeConsent(member, category, consent, mayAct) {
    return html`<li class="consent-status on">
      <p><strong>${t("community.privacy.given")}</strong> · ${t("community.privacy.scope_is", { scope: this.#scopeName(consent.scope) })}</p>
      <p class="muted">${t("community.privacy.given_line", {
        since: formatTime(consent.created_at),
        by: this.#userName(consent.given_by),
        capacity: t(`community.privacy.capacity.${consent.given_as}`),
      })}</p>
      ${mayAct
        ? html`<button type="button" class="danger" data-withdraw="${consent.id}" data-member="${member.id}" data-category="${category}"
            aria-label="${t("community.privacy.withdraw_for", { name: member.name, category: t(`community.privacy.category.${category}`) })}">
            ${t("community.privacy.withdraw")}</button>`
        : ""}
    </li>`;
  }

  #memberOf(id) {
    return this.#people().find((m) => m.id === id);
  }

  async #give(button) {
    const member = this.#memberOf(button.dataset.member);
    const category = button.dataset.give;
    const select = this.querySelector(`select[data-scope-for="${member.id}-${category}"]`);
    const scope = select?.value ?? ALL;
    const words = { name: member.name, category: t(`community.privacy.category.${category}`), scope: this.#scopeName(scope) };
    const confirmed = await confirmAction({
      title: t("community.privacy.confirm_give_title"),
      text: `${t("community.privacy.confirm_give", words)} ${this.#viewers(member)}`,
      confirm: t("community.privacy.confirm_give_button"),
    });
    if (!confirmed) return;
    button.disabled = true;
    try {
      await hub.api.post("/api/privacy/consents", { member_id: member.id, category, scope });
      await this.#reloadConsents();
      toast(t("community.privacy.given_toast", words));
    } catch (error) {
      button.disabled = false;
      toast(refusalText(error), "error");
    }
  }

  async #withdraw(button) {
    const member = this.#memberOf(button.dataset.member);
    const category = button.dataset.category;
    const words = { name: member.name, category: t(`community.privacy.category.${category}`) };
    const confirmed = await confirmAction({
      title: t("community.privacy.confirm_withdraw_title"),
      text: t("community.privacy.confirm_withdraw", words),
      confirm: t("community.privacy.confirm_withdraw_button"),
      danger: true,
    });
    if (!confirmed) return;
    button.disabled = true;
    try {
      const answer = await hub.api.delete(`/api/privacy/consents/${button.dataset.withdraw}`);
      await this.#reloadConsents();
      const erased = answer.erased?.states ?? 0;
      toast(t("community.privacy.withdrawn_toast", { ...words, count: formatNumber(erased) }));
    } catch (error) {
      button.disabled = false;
      toast(refusalText(error), "error");
    }
  }

  async #export(householdId) {
    const response = await hub.api.request("GET", `/api/privacy/households/${householdId}/export`, undefined, {
      raw: true,
    });
    await saveResponse(response, attachmentName(response, `household-${householdId}.json`));
  }
}

customElements.define("consent-page", ConsentPage);
