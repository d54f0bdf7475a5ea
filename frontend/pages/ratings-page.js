// Service ratings (#/ratings): the community's services with their average rating, and a
// household that uses one rates it (1 to 5 stars, an optional comment).

import "../components/service-rating-card.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { integrationName, t } from "../lib/i18n.js";
import { empty, failure, loading, pageHeading } from "../lib/ui.js";

class RatingsPage extends View {
  connected() {
    this.#load();
  }

  render() {
    return html`
      ${pageHeading(t("community.ratings.title"))}
      <p class="hint">${t("community.ratings.intro")}</p>
      <div id="services" class="service-list">${loading()}</div>`;
  }

  async #load() {
    let services;
    let summaries;
    try {
      const all = await hub.api.get("/api/integrations");
      // Running services first, then by name.
      services = all
        .filter((item) => item.integration_type === "service")
        .sort(
          (a, b) =>
            Number(b.allowed) - Number(a.allowed) ||
            integrationName(a.domain).localeCompare(integrationName(b.domain)),
        );
      summaries = await Promise.all(
        services.map((item) => hub.api.get(`/api/community/ratings/${item.domain}`)),
      );
    } catch (error) {
      this.querySelector("#services").innerHTML = String(failure(error));
      return;
    }
    const box = this.querySelector("#services");
    if (!box) return;
    if (!services.length) {
      box.innerHTML = String(empty(t("community.ratings.none")));
      return;
    }
    box.replaceChildren(
      ...services.map((service, index) => {
        const card = document.createElement("service-rating-card");
        card.service = service;
        card.summary = summaries[index];
        return card;
      }),
    );
  }
}

customElements.define("ratings-page", RatingsPage);
