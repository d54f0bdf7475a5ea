// The household's alarms, live: those still waiting for someone (most severe, then newest,
// first), each with a button to acknowledge it and the numbers to call back; below, the
// recent ones someone has acknowledged. New alarms arrive over the WebSocket
// (alarms/subscribe) and are announced.

import "../components/alarm-card.js";
import { alarmTitle, SEVERITY_ORDER } from "../components/alarm-card.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { t } from "../lib/i18n.js";
import { empty, failure, loading, pageHeading, toast } from "../lib/ui.js";

const RECENT_LIMIT = 20;

function needsSomeone(alarm) {
  return alarm.state.endsWith("_unacknowledged");
}

function bySeverity(a, b) {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.raised_at - a.raised_at
  );
}

class AlarmsPage extends View {
  connected() {
    this.state = "loading";
    this.alarms = new Map();
    this.cards = new Map(); // alarm id -> its <alarm-card>
    this.members = new Map(); // household id -> members (or [] if they cannot be read)
    this.on("alarm-changed", "alarm-card", (event) => this.#take([event.detail]));
    this.on("click", "#retry", () => this.#load());
    // Could not reach the hub: load again once the connection is back.
    this.own(
      hub.socket.onStatus((status) => {
        if (status === "connected" && this.state === "failed" && this.error?.code === "network") this.#load();
      }),
    );
    this.own(
      hub.socket.subscribe(
        { type: "alarms/subscribe" },
        (event) => this.#event(event),
        (error) => {
          if (this.state !== "ready") {
            this.error = error;
            this.state = "failed";
            this.update();
          }
        },
      ),
    );
    this.#load();
  }

  async #load() {
    this.state = "loading";
    this.update();
    try {
      const alarms = await hub.api.get("/api/alarms", { limit: 50 });
      await this.#take(alarms);
      this.state = "ready";
    } catch (error) {
      this.error = error;
      this.state = "failed";
    }
    this.update();
  }

  #event(event) {
    if (event.alarms) this.#take(event.alarms);
    if (event.raised) {
      const known = this.alarms.has(event.raised.id);
      this.#take([event.raised]);
      if (!known) toast(t("home.alarms.new", { title: alarmTitle(event.raised) }), "error");
    }
    if (event.updated) this.#take([event.updated]);
  }

  /** Keep the newest version of each alarm, read its household's members, and show them. */
  async #take(alarms) {
    for (const alarm of alarms) {
      const known = this.alarms.get(alarm.id);
      if (!known || (alarm.modified_at ?? 0) >= (known.modified_at ?? 0)) this.alarms.set(alarm.id, alarm);
    }
    const households = new Set(alarms.map((alarm) => alarm.household_id).filter(Boolean));
    await Promise.all([...households].map((id) => this.#membersOf(id)));
    if (this.state === "ready") this.#place();
  }

  async #membersOf(householdId) {
    if (this.members.has(householdId)) return;
    this.members.set(householdId, []);
    try {
      const members = await hub.api.get(`/api/community/households/${encodeURIComponent(householdId)}/members`);
      this.members.set(householdId, members);
    } catch {
      // someone cared for in another household: no numbers to show from here
    }
  }

  render() {
    let body;
    if (this.state === "loading") body = loading();
    else if (this.state === "failed") {
      body = html`${failure(this.error)}
        <p class="actions"><button id="retry" type="button">${t("home.retry")}</button></p>`;
    } else {
      body = html`<section class="alarms-open" aria-labelledby="alarms-open-title">
          <h2 id="alarms-open-title">${t("home.alarms.open")}<span class="count"></span></h2>
          <div id="alarms-open-list" class="alarm-list"></div>
        </section>
        <section class="alarms-recent" aria-labelledby="alarms-recent-title">
          <h2 id="alarms-recent-title">${t("home.alarms.recent")}</h2>
          <div id="alarms-recent-list" class="alarm-list"></div>
        </section>`;
    }
    return html`${pageHeading(t("home.alarms.title"))}${body}`;
  }

  rendered() {
    this.cards.clear();
    if (this.state === "ready") this.#place();
  }

  #card(alarm) {
    let card = this.cards.get(alarm.id);
    if (!card) {
      card = document.createElement("alarm-card");
      this.cards.set(alarm.id, card);
    }
    const members = this.members.get(alarm.household_id) ?? [];
    if (card.alarm !== alarm || card.members !== members) {
      card.alarm = alarm;
      card.members = members;
      if (card.isConnected) card.update();
    }
    return card;
  }

  /** Put each card in its list, in order; cards that stay keep their place and focus. */
  #place() {
    const openList = this.querySelector("#alarms-open-list");
    const recentList = this.querySelector("#alarms-recent-list");
    if (!openList || !recentList) return;
    const all = [...this.alarms.values()];
    const open = all.filter(needsSomeone).sort(bySeverity);
    const recent = all
      .filter((alarm) => !needsSomeone(alarm))
      .sort((a, b) => (b.acknowledged_at ?? b.modified_at) - (a.acknowledged_at ?? a.modified_at))
      .slice(0, RECENT_LIMIT);
    this.#fill(openList, open, t("home.alarms.none_open"));
    this.#fill(recentList, recent, t("home.alarms.none_recent"));
    const count = this.querySelector("#alarms-open-title .count");
    if (count) count.textContent = open.length ? t("home.alarms.count", { count: open.length }) : "";
  }

  #fill(list, alarms, emptyText) {
    if (!alarms.length) {
      if (!list.querySelector(".state.empty")) list.innerHTML = String(empty(emptyText));
      return;
    }
    list.querySelector(".state.empty")?.remove();
    const cards = alarms.map((alarm) => this.#card(alarm));
    const keep = new Set(cards);
    for (const child of [...list.children]) if (!keep.has(child)) child.remove();
    cards.forEach((card, index) => {
      if (list.children[index] !== card) list.insertBefore(card, list.children[index] ?? null);
    });
  }
}

customElements.define("alarms-page", AlarmsPage);
