// An average rating as five stars, filled to the average: <service-stars value="4.2">.
// Read out as "4.2 out of 5 stars"; no value: "no ratings yet".

import { html, View } from "../lib/html.js";
import { formatNumber, t } from "../lib/i18n.js";

export class ServiceStars extends View {
  static get observedAttributes() {
    return ["value"];
  }

  attributeChangedCallback() {
    if (this.isConnected) this.update();
  }

  render() {
    const raw = this.getAttribute("value");
    const value = raw === null || raw === "" ? null : Number(raw);
    if (value === null || Number.isNaN(value)) {
      return html`<span class="stars none">${t("community.ratings.no_ratings")}</span>`;
    }
    const label = t("community.ratings.stars_label", {
      value: formatNumber(value, { maximumFractionDigits: 1 }),
    });
    const width = Math.max(0, Math.min(100, (value / 5) * 100));
    return html`<span class="stars" role="img" aria-label="${label}">
      <span class="stars-back" aria-hidden="true">★★★★★</span>
      <span class="stars-front" aria-hidden="true" style="width: ${width}%">★★★★★</span>
    </span>`;
  }
}

customElements.define("service-stars", ServiceStars);
