// One run of an automation in words (a trace of GET /api/automations/{id}/traces): when it
// ran, what triggered it, each step with what it did or the error that ended it, how it
// ended and how long it took. The hub's own words (English) are used only where the app has
// none: a stop step's message, an error's detail.
//
// Use: const trace = document.createElement("automation-trace"); trace.run = run;
// trace.entityName = (entityId) => "客厅温度计"; container.append(trace).
// Also exports how a run's state and a duration are said, for the list.

import { stateText } from "./entity-tile.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatNumber, formatTime, has, t } from "../lib/i18n.js";

const STATE_KINDS = { error: "bad", stopped: "warning", cancelled: "warning", skipped: "warning" };
// Why a run ended that the app says in its own words (the trace's reason); for a stop step
// the automation's own message is shown, and for an error the hub's.
const OWN_WORDS = new Set(["conditions", "condition", "timeout", "cancelled", "mode", "loop", "owner"]);

/** A run's state in words: 已完成, 出错… */
export function runStateText(state) {
  return has(`app.automations.states.${state}`) ? t(`app.automations.states.${state}`) : String(state);
}

/** The badge's class for a run's state. */
export function runStateKind(state) {
  return STATE_KINDS[state] ?? "";
}

/** Seconds in words: 不到 1 秒, 12 秒, 3 分 5 秒, 2 小时 0 分. */
export function durationWords(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return "";
  const total = Number(seconds);
  if (total < 1) return t("app.automations.duration.under_second");
  if (total < 60) return t("app.automations.duration.seconds", { seconds: formatNumber(total, { maximumFractionDigits: 1 }) });
  const whole = Math.round(total);
  if (whole < 3600) {
    return t("app.automations.duration.minutes", { minutes: Math.floor(whole / 60), seconds: whole % 60 });
  }
  return t("app.automations.duration.hours", { hours: Math.floor(whole / 3600), minutes: Math.floor((whole % 3600) / 60) });
}

function alarmTypeText(type) {
  return has(`operator.alarm_types.${type}`) ? t(`operator.alarm_types.${type}`) : type;
}

function count(value) {
  if (Array.isArray(value)) return value.length;
  return typeof value === "number" ? value : null;
}

export class AutomationTrace extends View {
  connected() {
    this.run ??= null;
    this.entityName ??= (entityId) => entityId;
  }

  render() {
    const run = this.run;
    if (!run) return html``;
    const titleId = `run-${run.run_id}`.replace(/[^\w-]/g, "_");
    const steps = run.steps ?? [];
    const duration = run.state === "running" ? t("app.automations.trace.still_running") : durationWords(run.duration);
    return html`<article class="card automation-run" aria-labelledby="${titleId}" data-run="${run.run_id}"
        data-state="${run.state}">
      <header class="proposal-head">
        <h3 id="${titleId}">${t("app.automations.trace.title", { time: formatTime(run.started_at, { dateStyle: "medium", timeStyle: "medium" }) })}</h3>
        <span class="badge ${runStateKind(run.state)}">${runStateText(run.state)}</span>
      </header>
      <dl class="ops-facts">
        <div><dt>${t("app.automations.trace.trigger")}</dt><dd data-part="trigger">${this.#trigger(run.trigger ?? {})}</dd></div>
        <div><dt>${t("app.automations.trace.ended")}</dt><dd data-part="ended">${this.#ended(run)}</dd></div>
        <div><dt>${t("app.automations.trace.duration")}</dt><dd data-part="duration">${duration}</dd></div>
      </dl>
      <h4>${t("app.automations.trace.steps")}</h4>
      ${steps.length
        ? html`<ol class="list automation-steps">${steps.map((step, index) => html`<li data-kind="${step.kind}">
            ${t("app.automations.trace.step", { number: index + 1, text: this.#step(step) })}
            ${step.error ? html`<p class="ops-failure">${t("app.automations.trace.step_error", { error: step.error })}</p>` : ""}
          </li>`)}</ol>`
        : html`<p class="muted">${t("app.automations.trace.no_steps")}</p>`}
    </article>`;
  }

  #entity(entityId, state) {
    if (!entityId) return "";
    return this.entityName(entityId) || state?.attributes?.friendly_name || entityId;
  }

  #stateWords(state) {
    if (!state) return "?";
    return stateText(
      { entity_id: state.entity_id, device_class: state.attributes?.device_class, unit: state.attributes?.unit_of_measurement },
      { s: state.state, a: state.attributes ?? {} },
    );
  }

  /** What started the run, in words. */
  #trigger(trigger) {
    const key = (name) => `app.automations.triggers.${name}`;
    switch (trigger.platform) {
      case "manual":
        return t(key(trigger.user_id && trigger.user_id === hub.user?.id ? "manual_you" : "manual"));
      case "state":
      case "numeric_state": {
        const entity = this.#entity(trigger.entity_id, trigger.to_state);
        const held = Number(trigger.for) > 0 ? durationWords(trigger.for) : "";
        if (!trigger.to_state) return t(key("changed"), { entity });
        const words = this.#stateWords(trigger.to_state);
        if (trigger.platform === "state") {
          return held ? t(key("state_for"), { entity, to: words, duration: held }) : t(key("state"), { entity, to: words });
        }
        return held
          ? t(key("numeric_state_for"), { entity, value: words, duration: held })
          : t(key("numeric_state"), { entity, value: words });
      }
      case "event":
        return t(key("event"), { event: trigger.event?.event_type ?? "" });
      case "alarm":
        return t(key("alarm"), { type: alarmTypeText(trigger.alarm?.alarm_type ?? "") });
      case "time":
      case "time_pattern":
        return t(key(trigger.platform), { time: formatTime(trigger.now, { timeStyle: "short" }) });
      case "webhook":
        return t(key("webhook"));
      default:
        return t(key("other"), { description: trigger.description ?? trigger.platform ?? "" });
    }
  }

  /** How the run ended: its state, and why when the hub said. */
  #ended(run) {
    const state = runStateText(run.state);
    if (!run.message) return state;
    const message = OWN_WORDS.has(run.reason) ? t(`app.automations.reasons.${run.reason}`) : run.message;
    return t("app.automations.trace.ended_message", { state, message });
  }

  /** What a step did, from its kind and result. */
  #step(step) {
    const result = step.result ?? {};
    const key = (name) => `app.automations.steps.${name}`;
    if (step.kind.startsWith("condition")) {
      if (result.holds === undefined) return t(key("other"), { kind: step.kind });
      return t(key(result.holds ? "condition_holds" : "condition_fails"));
    }
    switch (step.kind) {
      case "service": {
        const action = result.action ?? "";
        return t(key("service"), { action: has(`app.automations.services.${action}`) ? t(`app.automations.services.${action}`) : action });
      }
      case "notify": {
        const sent = count(result.sent);
        const people = count(result.notified) ?? 0;
        const title = result.title ?? "";
        return sent ? t(key("notify_sent"), { count: people, sent, title }) : t(key("notify"), { count: people, title });
      }
      case "alarm":
        return "cleared" in result
          ? t(key("alarm_cleared"), { count: count(result.cleared) ?? 0 })
          : t(key("alarm_raised"), { type: alarmTypeText(result.alarm_type ?? "") });
      case "event":
        return t(key("event"));
      case "delay":
        return t(key("delay"), { duration: durationWords(result.seconds) });
      case "wait_for_trigger":
        if (result.timed_out) return t(key("wait_timeout"));
        return result.trigger ? t(key("waited"), { trigger: this.#trigger(result.trigger) }) : t(key("wait"));
      case "choose":
        if (result.chosen === "default") return t(key("choose_default"));
        if (typeof result.chosen === "number") return t(key("choose"), { number: result.chosen + 1 });
        return t(key("choose_none"));
      case "repeat":
        return t(key("repeat"), { count: result.iterations ?? 0 });
      case "stop":
        return t(key("stop"));
      default:
        return t(key("other"), { kind: step.kind });
    }
  }
}

customElements.define("automation-trace", AutomationTrace);
