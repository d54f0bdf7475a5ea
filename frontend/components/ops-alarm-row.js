// One alarm in the alarm console: severity, type, message, where, source, when, state, who
// has been notified so far, and acknowledge, clear and comment. Setting `alarm` again
// updates the parts that change and leaves the comment being typed as it is. Fires
// "alarm-changed" (detail: the alarm as the hub answered) after each action.
//
//   const row = document.createElement("ops-alarm-row");
//   row.context = { place: (alarm) => "3号楼 1单元 1203 · 王家", source: (alarm) => "客厅烟感" };
//   row.alarm = alarm;

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { currentLanguage, errorText, formatTime, has, t } from "../lib/i18n.js";
import { act, toast } from "../lib/ui.js";

export function severityText(severity) {
  return has(`operator.severity.${severity}`) ? t(`operator.severity.${severity}`) : severity;
}

export function alarmTypeText(type) {
  return has(`operator.alarm_types.${type}`) ? t(`operator.alarm_types.${type}`) : type;
}

function rungText(rung) {
  return has(`operator.rungs.${rung}`) ? t(`operator.rungs.${rung}`) : rung;
}

function list(items) {
  return new Intl.ListFormat(currentLanguage(), { type: "conjunction" }).format(items);
}

/** Who has been notified of an alarm so far, and what comes next, in words (the alarm
 * lists whom each step of its ladder tells). */
export function escalationText(alarm) {
  const ladder = alarm.ladder;
  const step = alarm.escalation_step;
  if (step === null || step === undefined) return [t("operator.console.not_notified")];
  const told = ladder.slice(0, step + 1).map(rungText);
  const lines = [
    t("operator.console.notified", { who: list(told) }) +
      t("operator.console.step", { step: step + 1, steps: Math.max(ladder.length, step + 1) }),
  ];
  if (alarm.state.endsWith("_acknowledged")) lines.push(t("operator.console.stopped"));
  else if (alarm.next_escalation_at && ladder[step + 1]) {
    lines.push(
      t("operator.console.next", {
        who: rungText(ladder[step + 1]),
        time: formatTime(alarm.next_escalation_at, { timeStyle: "short" }),
      }),
    );
  } else if (step >= ladder.length - 1) lines.push(t("operator.console.ladder_end"));
  return lines;
}

/** Who acted on an alarm: me, a person by name (the alarm names them), or the device. */
function userText(alarm, userId) {
  if (!userId) return t("operator.console.device");
  if (userId === hub.user?.id) return t("operator.console.me");
  return alarm.names?.[userId] ?? t("operator.console.someone");
}

export class OpsAlarmRow extends View {
  #alarm = null;

  get alarm() {
    return this.#alarm;
  }

  set alarm(alarm) {
    this.#alarm = alarm;
    if (this.querySelector("article")) this.#refresh();
  }

  connected() {
    this.setAttribute("role", "listitem");
    this.context ??= { place: () => "", source: (alarm) => alarm.source_entity_id ?? "" };
    this.on("click", "button[data-action]", (event, button) => this.#change(button));
    this.on("submit", "form.ops-comment-form", (event) => this.#comment(event));
  }

  render() {
    const alarm = this.#alarm;
    if (!alarm) return html``;
    const id = `alarm-${alarm.id}`;
    return html`<article class="card ops-alarm ${alarm.severity}" aria-labelledby="${id}-title">
      <div class="ops-alarm-head" data-part="head">${this.#head()}</div>
      <p class="ops-alarm-message">${alarm.message}</p>
      <dl class="ops-facts" data-part="facts">${this.#facts()}</dl>
      <div class="actions" data-part="actions">${this.#actions()}</div>
      <section class="ops-comments" aria-labelledby="${id}-comments">
        <h4 id="${id}-comments">${t("operator.console.comments")}</h4>
        <ul class="ops-comment-list" data-part="comments">${this.#comments()}</ul>
        <form class="ops-comment-form" novalidate>
          <label>${t("operator.console.comment_label")}
            <textarea name="text" rows="1" maxlength="2000"
              placeholder="${t("operator.console.comment_placeholder")}"></textarea>
          </label>
          <p class="form-error" role="alert"></p>
          <button type="submit">${t("operator.console.add_comment")}</button>
        </form>
      </section>
    </article>`;
  }

  /** The parts that change, rendered again; the comment form stays as typed. */
  #refresh() {
    const parts = { head: this.#head(), facts: this.#facts(), actions: this.#actions(), comments: this.#comments() };
    for (const [name, markup] of Object.entries(parts)) {
      const part = this.querySelector(`[data-part="${name}"]`);
      if (part) part.innerHTML = String(markup);
    }
    const article = this.querySelector("article");
    article.className = `card ops-alarm ${this.#alarm.severity} ${this.#alarm.state}`;
  }

  #head() {
    const alarm = this.#alarm;
    return html`<span class="badge ${alarm.severity}">${severityText(alarm.severity)}</span>
      <h3 id="alarm-${alarm.id}-title">${alarmTypeText(alarm.alarm_type)}</h3>
      <span class="badge ops-state ${alarm.state}">${t(`operator.alarm_state.${alarm.state}`)}</span>`;
  }

  #facts() {
    const alarm = this.#alarm;
    const fact = (label, value) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
    const handled = (label, by, at) =>
      at ? fact(label, t("operator.console.handled_by", { who: userText(alarm, by), time: formatTime(at) })) : "";
    return html`${fact(t("operator.console.household"), this.context.place(alarm) || t("operator.console.no_household"))}
      ${alarm.source_entity_id ? fact(t("operator.console.source"), this.context.source(alarm)) : ""}
      ${fact(t("operator.console.raised"), formatTime(alarm.raised_at))}
      ${fact(
        t("operator.console.escalation"),
        escalationText(alarm).map((line) => html`<span class="ops-line">${line}</span>`),
      )}
      ${handled(t("operator.console.acknowledged_by"), alarm.acknowledged_by, alarm.acknowledged_at)}
      ${handled(t("operator.console.cleared_by"), alarm.cleared_by, alarm.cleared_at)}`;
  }

  #actions() {
    const { state } = this.#alarm;
    const acknowledged = state.endsWith("_acknowledged");
    const active = state.startsWith("active_");
    return html`${acknowledged
      ? ""
      : html`<button class="primary" type="button" data-action="acknowledge">${t("operator.console.acknowledge")}</button>`}
      ${active ? html`<button type="button" data-action="clear">${t("operator.console.clear")}</button>` : ""}`;
  }

  #comments() {
    const comments = this.#alarm.comments ?? [];
    if (!comments.length) return html`<li class="muted">${t("operator.console.no_comments")}</li>`;
    return comments.map(
      (comment) => html`<li><span class="muted">${userText(this.#alarm, comment.by)} · ${formatTime(comment.at)}</span>
        <span class="ops-comment-text">${comment.text}</span></li>`,
    );
  }

  #changed(alarm) {
    if (!alarm) return;
    this.dispatchEvent(new CustomEvent("alarm-changed", { detail: alarm, bubbles: true }));
  }

  async #change(button) {
    const action = button.dataset.action;
    const done = t(action === "acknowledge" ? "operator.console.acknowledged" : "operator.console.cleared");
    const alarm = await act(button, () => hub.api.post(`/api/alarms/${this.#alarm.id}/${action}`, {}), done);
    this.#changed(alarm);
  }

  async #comment(event) {
    event.preventDefault();
    const form = event.target;
    const error = form.querySelector(".form-error");
    const text = form.text.value.trim();
    if (!text) {
      error.textContent = t("operator.console.comment_empty");
      form.text.focus();
      return;
    }
    error.textContent = "";
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const alarm = await hub.api.post(`/api/alarms/${this.#alarm.id}/comments`, { text });
      form.text.value = "";
      toast(t("operator.console.comment_added"));
      this.#changed(alarm);
    } catch (problem) {
      error.textContent = errorText(problem);
    } finally {
      button.disabled = false;
    }
  }
}

customElements.define("ops-alarm-row", OpsAlarmRow);
