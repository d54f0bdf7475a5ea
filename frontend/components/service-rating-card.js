// One service of the community: its name, whether it runs and how it is paid for, the
// average of its ratings, and a form to rate it 1 to 5 stars with an optional comment.
// Set `service` (an item of GET /api/integrations) and `summary` (GET
// /api/community/ratings/{domain}) before it is added.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatNumber, integrationName, t } from "../lib/i18n.js";
import { toast } from "../lib/ui.js";
import { refusalText } from "./community-common.js";
import "./service-stars.js";

const SCORES = [1, 2, 3, 4, 5];

export class ServiceRatingCard extends View {
  connected() {
    this.on("submit", "form", (event) => this.#rate(event));
  }

  get domain() {
    return this.service.domain;
  }

  render() {
    const service = this.service;
    const id = `service-${service.domain}`;
    const name = integrationName(service.domain);
    return html`
      <article class="card service" aria-labelledby="${id}-title">
        <header class="service-head">
          <h2 id="${id}-title">${name}</h2>
          <span class="badge ${service.allowed ? "" : "warning"}">
            ${t(service.allowed ? "community.ratings.running" : "community.ratings.not_running")}</span>
        </header>
        ${service.funding_model
          ? html`<p class="muted">${t("community.ratings.funding", { model: t(`community.funding.${service.funding_model}`) })}</p>`
          : ""}
        <div class="service-summary" aria-live="polite">${this.#summary()}</div>
        <form class="rating-form" novalidate>
          <fieldset class="star-choices">
            <legend>${t("community.ratings.your_rating", { name })}</legend>
            ${SCORES.map(
              (score) => html`<label class="star-choice">
                <input type="radio" name="score" value="${score}">
                <span aria-hidden="true" class="star-glyph">${"★".repeat(score)}</span>
                <span>${t(`community.ratings.score.${score}`)}</span>
              </label>`,
            )}
          </fieldset>
          <p class="field-error" data-for="score" role="alert" hidden></p>
          <label>${t("community.ratings.comment")}
            <textarea name="comment" rows="3" maxlength="1000"></textarea>
          </label>
          <p class="field-error" data-for="comment" role="alert" hidden></p>
          <p class="form-error" role="alert"></p>
          <div class="actions">
            <button class="primary" type="submit">${t("community.ratings.submit")}</button>
          </div>
        </form>
      </article>`;
  }

  #summary() {
    const summary = this.summary;
    if (!summary) return "";
    const average = summary.average;
    return html`
      <p class="service-average">
        <service-stars value="${average ?? ""}"></service-stars>
        ${average === null
          ? ""
          : html`<strong class="figure">${formatNumber(average, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}</strong>`}
      </p>
      ${summary.count
        ? html`<p class="muted">${t("community.ratings.count", {
            count: formatNumber(summary.count),
            days: formatNumber(summary.window_days),
          })}</p>`
        : ""}
      ${summary.below_bar ? html`<p class="state error">${t("community.ratings.below_bar")}</p>` : ""}
      ${this.mine ? html`<p class="hint">${t("community.ratings.yours", { score: this.mine.score })}</p>` : ""}`;
  }

  #errors(form, error) {
    for (const box of form.querySelectorAll(".field-error")) {
      box.hidden = true;
      box.textContent = "";
    }
    form.querySelector(".form-error").textContent = "";
    if (!error) return;
    const box = error.field && form.querySelector(`.field-error[data-for="${error.field}"]`);
    if (box) {
      box.textContent = refusalText(error);
      box.hidden = false;
    } else {
      form.querySelector(".form-error").textContent = refusalText(error);
    }
  }

  async #rate(event) {
    event.preventDefault();
    const form = event.target;
    const picked = form.querySelector("input[name=score]:checked");
    if (!picked) {
      this.#errors(form, { code: "pick_score", field: "score", message: "" });
      form.querySelector("input[name=score]").focus();
      return;
    }
    const comment = form.elements.namedItem("comment").value.trim();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const answer = await hub.api.post("/api/community/ratings", {
        domain: this.domain,
        score: Number(picked.value),
        comment: comment || null,
      });
      this.summary = answer.summary;
      this.mine = answer;
      this.#errors(form, null);
      this.querySelector(".service-summary").innerHTML = String(this.#summary());
      toast(t("community.ratings.thanks"));
    } catch (error) {
      this.#errors(form, error);
    } finally {
      button.disabled = false;
    }
  }
}

customElements.define("service-rating-card", ServiceRatingCard);
