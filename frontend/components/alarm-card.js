// One alarm for the household: how bad, what happened (in the user's language, with the
// hub's own words under it), where and when, its state; a button to acknowledge it and the
// numbers to call the person concerned back. Fires "alarm-changed" with the alarm the hub
// answered after an acknowledgement.
//
// Use: card.alarm = alarm (as the API sends it); card.members = the members of its
// household ([] if unknown): their names and phones.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatTime, has, t } from "../lib/i18n.js";
import { act } from "../lib/ui.js";
import { householdName } from "./household-picker.js";

export const SEVERITY_ORDER = ["critical", "major", "minor", "warning"];
const PHONE_KEYS = ["phone", "phone_number", "callback", "contact_phone"];

/** An alarm's kind in words: "烟雾报警" for "smoke"; else the hub's type, readable. */
export function alarmTitle(alarm) {
  const key = `home.alarms.types.${alarm.alarm_type}`;
  return has(key) ? t(key) : String(alarm.alarm_type).replace(/_/g, " ");
}

/** Who to call back: a number the alarm carries, else the household's members with a phone
 * (not the user themself). [{name, phone}] */
export function callBackNumbers(alarm, members) {
  const numbers = [];
  for (const key of PHONE_KEYS) {
    const phone = alarm.data?.[key];
    if (typeof phone === "string" && phone.trim()) {
      numbers.push({ name: alarm.data.name ?? alarm.data.wearer ?? "", phone: phone.trim() });
    }
  }
  for (const member of members ?? []) {
    if (!member.phone || member.user_id === hub.user.id) continue;
    if (numbers.some((number) => number.phone === member.phone)) continue;
    numbers.push({ name: member.name, phone: member.phone });
  }
  return numbers;
}

/** 13800138000 as 138 0013 8000, easier to read out. */
function spaced(phone) {
  return /^1\d{10}$/.test(phone) ? `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` : phone;
}

function whoName(userId, members) {
  if (!userId) return t("home.alarms.by_device");
  if (userId === hub.user.id) return t("home.alarms.by_you");
  return members?.find((member) => member.user_id === userId)?.name ?? t("home.alarms.by_other");
}

export class AlarmCard extends View {
  connected() {
    this.alarm ??= null;
    this.members ??= [];
    this.on("click", "button.acknowledge", (event, button) => this.#acknowledge(button));
  }

  render() {
    const alarm = this.alarm;
    if (!alarm) return html``;
    const id = `alarm-${alarm.id}`;
    const title = alarmTitle(alarm);
    const acknowledged = alarm.state.endsWith("_acknowledged") && !alarm.state.endsWith("_unacknowledged");
    const source = alarm.source_entity_id ? hub.entities?.get(alarm.source_entity_id)?.a?.friendly_name : null;
    const household = (hub.user.households?.length ?? 0) > 1 ? householdName(alarm.household_id) : "";
    const numbers = callBackNumbers(alarm, this.members);
    const callBack = numbers.length
      ? numbers.map(
          (number) => html`<a class="button call" href="tel:${number.phone.replace(/[^\d+]/g, "")}"
            aria-label="${t("home.alarms.call_named", { name: number.name || spaced(number.phone), phone: spaced(number.phone) })}">
            ${t("home.alarms.call", { name: number.name || spaced(number.phone) })}</a>`,
        )
      : html`<p class="hint no-phone">${t("home.alarms.no_phone")}</p>`;
    const handled = [];
    if (alarm.acknowledged_at) {
      handled.push(
        t("home.alarms.acknowledged_by", {
          who: whoName(alarm.acknowledged_by, this.members),
          time: formatTime(alarm.acknowledged_at),
        }),
      );
    }
    if (alarm.cleared_at) {
      handled.push(
        t("home.alarms.cleared_by", {
          who: whoName(alarm.cleared_by, this.members),
          time: formatTime(alarm.cleared_at),
        }),
      );
    }
    return html`<article class="card alarm-card ${alarm.severity} ${alarm.state}" aria-labelledby="${id}-title"
        data-alarm="${alarm.id}">
      <header class="alarm-head">
        <span class="badge ${alarm.severity}">${t(`home.alarms.severity.${alarm.severity}`)}</span>
        <h3 id="${id}-title">${title}</h3>
      </header>
      <p class="alarm-message">${alarm.message}</p>
      <dl class="alarm-facts">
        <div><dt>${t("home.alarms.raised_at")}</dt><dd><time>${formatTime(alarm.raised_at)}</time></dd></div>
        ${source ? html`<div><dt>${t("home.alarms.source")}</dt><dd>${source}</dd></div>` : ""}
        ${household ? html`<div><dt>${t("home.household")}</dt><dd>${household}</dd></div>` : ""}
        <div><dt>${t("home.alarms.state_label")}</dt>
          <dd class="alarm-state">${t(`home.alarms.state.${alarm.state}`)}</dd></div>
      </dl>
      ${handled.length ? html`<p class="hint">${handled.join(" ")}</p>` : ""}
      <div class="actions">
        ${acknowledged
          ? ""
          : html`<button type="button" class="primary acknowledge"
              aria-label="${t("home.alarms.acknowledge_named", { title })}">${t("home.alarms.acknowledge")}</button>`}
        ${callBack}
      </div>
    </article>`;
  }

  async #acknowledge(button) {
    const alarm = await act(
      button,
      () => hub.api.post(`/api/alarms/${encodeURIComponent(this.alarm.id)}/acknowledge`, {}),
      t("home.alarms.acknowledged"),
    );
    if (!alarm) return;
    this.dispatchEvent(new CustomEvent("alarm-changed", { detail: alarm, bubbles: true }));
  }
}

customElements.define("alarm-card", AlarmCard);
