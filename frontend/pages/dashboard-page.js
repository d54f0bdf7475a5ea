// 数字驾驶舱: the community's key figures for the property office (GET /api/dashboard),
// drawn with the chart components; fetched again every 30 s and when an alarm changes.

import "../components/chart-bars.js";
import "../components/chart-donut.js";
import "../components/chart-meter.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatFen, formatNumber, formatTime, has, integrationName, integrationText, t } from "../lib/i18n.js";
import { failure, loading, pageHeading } from "../lib/ui.js";

const REFRESH_MS = 30_000;
const SEVERITIES = ["critical", "major", "minor", "warning"];
// Figures shown as one meter: the part, and the whole it is a part of.
const PAIRS = [
  ["occupied", "connectors"],
  ["charging", "connectors"],
  ["occupied", "compartments"],
  ["power_kw", "limit_kw"],
];
const WHOLE_SUFFIXES = ["_total", "_max", "_limit", "_capacity"];
const UNITS = [
  [/_kwh$/, "kWh"],
  [/_kw$/, "kW"],
];

function unitOf(key) {
  return UNITS.find(([pattern]) => pattern.test(key))?.[1] ?? "";
}

/** A figure's label: the integration's text, else the app's, else the key. */
function figureLabel(domain, key) {
  return (
    integrationText(domain, `figures.${key}`) ??
    (has(`operator.dashboard.figures.${key}`) ? t(`operator.dashboard.figures.${key}`) : key)
  );
}

/** An integration's figures as meters (a part of a whole) and single numbers. */
export function figureGroups(figures) {
  const keys = Object.keys(figures);
  const used = new Set();
  const meters = [];
  const known = PAIRS.filter(([part, whole]) => part in figures && whole in figures);
  const guessed = keys.flatMap((part) =>
    WHOLE_SUFFIXES.map((suffix) => [part, part + suffix]).filter(([, whole]) => whole in figures),
  );
  const parts = new Set();
  for (const [part, whole] of [...known, ...guessed]) {
    if (parts.has(part) || parts.has(whole)) continue; // a whole may have several parts
    parts.add(part);
    used.add(part).add(whole);
    meters.push({ part, whole });
  }
  return { meters, numbers: keys.filter((key) => !used.has(key)) };
}

class DashboardPage extends View {
  connected() {
    this.data = null;
    this.error = null;
    this.loadedAt = null;
    this.timer = null;
    this.#load();
    const interval = setInterval(() => this.#load(), REFRESH_MS);
    this.own(() => clearInterval(interval));
    this.own(() => clearTimeout(this.timer));
    // Any alarm raised or changed moves the figures: fetch them again (once per burst).
    this.own(hub.socket.subscribe({ type: "alarms/subscribe" }, () => this.#soon()));
    this.on("click", "#dashboard-refresh", () => this.#load());
  }

  #soon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.#load(), 400);
  }

  async #load() {
    try {
      this.data = await hub.api.get("/api/dashboard");
      this.error = null;
      this.loadedAt = Date.now() / 1000;
    } catch (error) {
      this.error = error;
    }
    if (!this.isConnected) return;
    const focused = document.activeElement?.id; // the refresh button keeps the focus
    this.update();
    if (focused) this.querySelector(`#${focused}`)?.focus();
  }

  render() {
    const updated = this.loadedAt
      ? html`<span class="muted" role="status">${t("operator.dashboard.updated", {
          time: formatTime(this.loadedAt, { timeStyle: "medium" }),
        })}</span>`
      : "";
    const heading = pageHeading(
      t("operator.dashboard.title"),
      html`<div class="ops-heading-tools">${updated}
        <button id="dashboard-refresh" type="button">${t("operator.dashboard.refresh")}</button></div>`,
    );
    if (!this.data) return html`${heading}${this.error ? failure(this.error) : loading()}`;
    const data = this.data;
    return html`${heading}
      ${this.error ? failure(this.error) : ""}
      <div class="ops-figures">
        ${this.#households(data.community)} ${this.#devices(data.devices)} ${this.#alarms(data.alarms)}
        ${this.#integrations(data.integrations)} ${this.#usage(data.usage)}
      </div>
      <h2>${t("operator.dashboard.services")}</h2>
      ${this.#services(data.services ?? {})}`;
  }

  #card(id, title, body) {
    return html`<section class="card ops-figure" aria-labelledby="figure-${id}">
      <h2 id="figure-${id}">${title}</h2>
      ${body}
    </section>`;
  }

  #households(community) {
    return this.#card(
      "households",
      t("operator.dashboard.households"),
      html`<p class="figure">${formatNumber(community.households)}</p>
        <p class="hint">${t("operator.dashboard.households_detail", {
          units: formatNumber(community.units),
          members: formatNumber(community.members),
        })}</p>`,
    );
  }

  #devices(devices) {
    const items = [
      { label: t("operator.dashboard.online"), value: devices.online, tone: "ok" },
      { label: t("operator.dashboard.offline"), value: devices.total - devices.online, tone: "off" },
    ];
    return this.#card(
      "devices",
      t("operator.dashboard.devices"),
      html`<p class="figure">${formatNumber(devices.online)}<span class="ops-of"> / ${formatNumber(devices.total)}</span></p>
        <chart-donut label="${t("operator.dashboard.devices")}" center="${formatNumber(devices.online)}"
          items="${JSON.stringify(items)}"></chart-donut>
        <p class="hint">${t("operator.dashboard.devices_detail", {
          online: formatNumber(devices.online),
          total: formatNumber(devices.total),
        })}</p>`,
    );
  }

  #alarms(alarms) {
    const items = SEVERITIES.map((severity) => ({
      label: t(`operator.severity.${severity}`),
      value: alarms.by_severity?.[severity] ?? 0,
      tone: severity,
    }));
    const tone = alarms.by_severity?.critical ? "critical" : "";
    return this.#card(
      "alarms",
      t("operator.dashboard.alarms"),
      html`<p class="figure ${tone}">${formatNumber(alarms.active)}</p>
        <chart-bars label="${t("operator.dashboard.by_severity")}" items="${JSON.stringify(items)}"></chart-bars>
        <p><a href="#/console">${t("operator.dashboard.open_console")}</a></p>`,
    );
  }

  #integrations(integrations) {
    const items = [
      { label: t("operator.dashboard.loaded"), value: integrations.loaded, tone: "ok" },
      { label: t("operator.dashboard.failed"), value: integrations.failed, tone: "critical" },
    ];
    return this.#card(
      "integrations",
      t("operator.dashboard.integrations"),
      html`<p class="figure">${formatNumber(integrations.loaded)}</p>
        <chart-bars label="${t("operator.dashboard.integrations")}" items="${JSON.stringify(items)}"></chart-bars>
        <p class="hint ${integrations.failed ? "ops-bad" : ""}">${t("operator.dashboard.integrations_detail", {
          loaded: formatNumber(integrations.loaded),
          failed: formatNumber(integrations.failed),
        })}</p>
        <p><a href="#/integrations">${t("operator.dashboard.open_integrations")}</a></p>`,
    );
  }

  #usage(usage) {
    const services = Object.entries(usage.by_service ?? {}).sort(([, a], [, b]) => b - a);
    const items = services.map(([domain, fen]) => ({
      label: integrationName(domain),
      value: fen,
      text: formatFen(fen),
      tone: "ok",
    }));
    return this.#card(
      "usage",
      t("operator.dashboard.usage"),
      html`<p class="figure">${formatFen(usage.total_fen)}</p>
        <p class="hint">${t("operator.dashboard.usage_detail", { month: usage.month })}</p>
        ${items.length
          ? html`<chart-bars label="${t("operator.dashboard.usage_by_service")}" items="${JSON.stringify(items)}"></chart-bars>`
          : html`<p class="muted">${t("operator.dashboard.no_usage")}</p>`}`,
    );
  }

  #services(services) {
    const domains = Object.keys(services).sort((a, b) => integrationName(a).localeCompare(integrationName(b)));
    if (!domains.length) return html`<p class="state empty">${t("operator.dashboard.no_services")}</p>`;
    return html`<div class="ops-figures">
      ${domains.map((domain) => {
        const figures = services[domain];
        const { meters, numbers } = figureGroups(figures);
        return this.#card(
          `service-${domain}`,
          integrationName(domain),
          html`${meters.map(
            ({ part, whole }) => html`<chart-meter label="${figureLabel(domain, part)}" value="${figures[part]}"
              max="${figures[whole]}" unit="${unitOf(part)}"></chart-meter>`,
          )}
          ${numbers.length
            ? html`<dl class="ops-facts">
                ${numbers.map(
                  (key) => html`<div><dt>${figureLabel(domain, key)}</dt>
                    <dd>${formatNumber(figures[key])}${unitOf(key) ? ` ${unitOf(key)}` : ""}</dd></div>`,
                )}
              </dl>`
            : ""}`,
        );
      })}
    </div>`;
  }
}

customElements.define("dashboard-page", DashboardPage);
