// One proposal: what it decides, its voting window, participation and agreement against
// the matter's thresholds (numbers and bars), the outcome once decided, and for an owner
// the three choices. Set `proposal` (with its tally), `units` (the units the user owns:
// [{id, address}]), `choices` (unit id -> the choice cast from here); a cast
// ballot fires "ballot-cast" with {proposal_id, unit_id, choice}.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { formatFen, formatNumber, formatTime, integrationName, t } from "../lib/i18n.js";
import { toast } from "../lib/ui.js";
import { refusal, refusalText } from "./community-common.js";

const CHOICES = ["agree", "disagree", "abstain"];

/** "more than 1/2" -> {strict: true, share: 0.5, text: "1/2"}. */
function parseBar(text) {
  const match = /^(more than|at least) (\d+)\/(\d+)$/.exec(text ?? "");
  if (!match) return null;
  return { strict: match[1] === "more than", share: Number(match[2]) / Number(match[3]), text: `${match[2]}/${match[3]}` };
}

function barWords(bar) {
  if (!bar) return "";
  return t(bar.strict ? "community.proposals.bar_more_than" : "community.proposals.bar_at_least", {
    share: bar.text,
  });
}

function share(part, whole) {
  return whole > 0 ? part / whole : 0;
}

function percent(value) {
  return formatNumber(value, { style: "percent", maximumFractionDigits: 1 });
}

function squareMetres(dm2) {
  return t("community.proposals.square_metres", {
    value: formatNumber(dm2 / 100, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  });
}

/** One measured share against its bar: the words, the numbers and a bar with the mark. */
function measure({ label, part, whole, partText, wholeText, bar, met }) {
  const value = share(part, whole);
  const width = Math.min(100, value * 100);
  const mark = bar ? bar.share * 100 : null;
  const state = met ? t("community.proposals.reached") : t("community.proposals.not_reached");
  const numbers = t("community.proposals.of", { part: partText, whole: wholeText });
  return html`
    <div class="tally-row ${met ? "met" : ""}">
      <div class="tally-words">
        <span class="tally-label">${label}</span>
        <span class="tally-numbers">${numbers} (${percent(value)})</span>
        <span class="tally-need">${t("community.proposals.needs", { bar: barWords(bar) })} · ${state}</span>
      </div>
      <div class="tally-bar" role="meter" aria-valuemin="0" aria-valuemax="100"
        aria-valuenow="${Math.round(width)}" aria-label="${label}: ${numbers}, ${barWords(bar)}">
        <span style="width: ${width}%"></span>
        ${mark === null ? "" : html`<i class="tally-mark" style="left: ${mark}%"></i>`}
      </div>
    </div>`;
}

export class CommunityProposalCard extends View {
  connected() {
    this.error = null;
    this.busy = false;
    this.on("click", "button[data-choice]", (event, button) => this.#cast(button.dataset.choice));
    this.on("change", "select[name=unit]", (event) => {
      this.unitId = event.target.value;
      this.update();
    });
  }

  /** Drawn again (a vote, a new count): the choice button that had the focus keeps it. */
  update() {
    const focused = this.contains(document.activeElement) ? document.activeElement.dataset.choice : null;
    super.update();
    if (focused) this.querySelector(`button[data-choice="${focused}"]`)?.focus();
  }

  get ownedUnits() {
    return this.units ?? [];
  }

  render() {
    const proposal = this.proposal;
    if (!proposal) return html``;
    const tally = proposal.tally ?? {};
    const titleId = `proposal-${proposal.id}-title`;
    const decided = proposal.status !== "open";
    return html`
      <article class="card proposal ${proposal.status}" aria-labelledby="${titleId}">
        <header class="proposal-head">
          <h3 id="${titleId}">${proposal.title}</h3>
          ${this.#statusBadge()}
        </header>
        ${proposal.description ? html`<p class="proposal-description">${proposal.description}</p>` : ""}
        ${this.#facts()}
        ${this.#tally(tally)}
        ${decided ? this.#outcome(tally) : this.#voting()}
      </article>`;
  }

  #statusBadge() {
    const proposal = this.proposal;
    const now = Date.now();
    let key = proposal.status;
    if (proposal.status === "open") {
      if (proposal.voting_open) key = "voting";
      else if (Date.parse(proposal.opens_at) > now) key = "upcoming";
      else key = "counting";
    }
    const kind = { passed: "", rejected: "bad", voting: "", upcoming: "warning", counting: "warning" }[key];
    return html`<span class="badge ${kind}">${t(`community.proposals.status.${key}`)}</span>`;
  }

  #facts() {
    const proposal = this.proposal;
    const facts = [
      [t("community.proposals.matter"), t(`community.matters.${proposal.matter}`)],
    ];
    if (proposal.domain) {
      facts.push([
        t("community.proposals.integration"),
        t(`community.proposals.action.${proposal.action}`, { name: integrationName(proposal.domain) }),
      ]);
    }
    if (proposal.funding_model) {
      facts.push([t("community.proposals.funding"), t(`community.funding.${proposal.funding_model}`)]);
    }
    if (proposal.amount_fen) facts.push([t("community.proposals.amount"), formatFen(proposal.amount_fen)]);
    facts.push([
      t("community.proposals.window"),
      t("community.proposals.window_text", {
        opens: formatTime(proposal.opens_at),
        closes: formatTime(proposal.closes_at),
      }),
    ]);
    return html`<dl class="proposal-facts">
      ${facts.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}
    </dl>`;
  }

  #tally(tally) {
    if (tally.owner_count === undefined) return "";
    const quorum = parseBar(tally.quorum_bar);
    const approval = parseBar(tally.approval_bar);
    const units = (count) => t("community.proposals.units", { count: formatNumber(count) });
    const counts = CHOICES.map(
      (choice) => html`<li class="choice-count ${choice}">
        <span>${t(`community.proposals.choice.${choice}`)}</span>
        <strong>${units(tally[`${choice}_owners`])}</strong>
        <span class="muted">${squareMetres(tally[`${choice}_area_dm2`])}</span>
      </li>`,
    );
    return html`
      <section class="tally" aria-label="${t("community.proposals.tally")}">
        <h4>${t("community.proposals.participation")}</h4>
        ${measure({
          label: t("community.proposals.by_owners"),
          part: tally.participating_owners,
          whole: tally.owner_count,
          partText: formatNumber(tally.participating_owners),
          wholeText: units(tally.owner_count),
          bar: quorum,
          met: tally.quorum_by_owners,
        })}
        ${measure({
          label: t("community.proposals.by_area"),
          part: tally.participating_area_dm2,
          whole: tally.total_area_dm2,
          partText: squareMetres(tally.participating_area_dm2),
          wholeText: squareMetres(tally.total_area_dm2),
          bar: quorum,
          met: tally.quorum_by_area,
        })}
        <h4>${t("community.proposals.agreement")}</h4>
        ${measure({
          label: t("community.proposals.by_owners"),
          part: tally.agree_owners,
          whole: tally.participating_owners,
          partText: formatNumber(tally.agree_owners),
          wholeText: units(tally.participating_owners),
          bar: approval,
          met: tally.approved_by_owners,
        })}
        ${measure({
          label: t("community.proposals.by_area"),
          part: tally.agree_area_dm2,
          whole: tally.participating_area_dm2,
          partText: squareMetres(tally.agree_area_dm2),
          wholeText: squareMetres(tally.participating_area_dm2),
          bar: approval,
          met: tally.approved_by_area,
        })}
        <ul class="choice-counts">${counts}</ul>
      </section>`;
  }

  #outcome(tally) {
    const proposal = this.proposal;
    let key = "passed";
    if (proposal.status !== "passed") key = tally.quorum ? "too_few_agreed" : "too_few_took_part";
    return html`<p class="outcome ${proposal.status}" role="status">
      <strong>${t(`community.proposals.outcome.${key}`)}</strong>
      ${proposal.decided_at
        ? html`<span class="muted">${t("community.proposals.decided_at", { time: formatTime(proposal.decided_at) })}</span>`
        : ""}
    </p>`;
  }

  #voting() {
    const proposal = this.proposal;
    if (!proposal.voting_open) {
      const upcoming = Date.parse(proposal.opens_at) > Date.now();
      return html`<p class="hint">${upcoming
        ? t("community.proposals.opens_later", { time: formatTime(proposal.opens_at) })
        : t("community.proposals.counting")}</p>`;
    }
    const units = this.ownedUnits;
    if (!units.length) {
      return hub.user.role === "operator" || hub.user.role === "admin"
        ? ""
        : html`<p class="hint">${t("community.proposals.owners_only")}</p>`;
    }
    if (!units.some((unit) => unit.id === this.unitId)) this.unitId = units[0].id;
    const unit = units.find((item) => item.id === this.unitId);
    const current = this.choices?.[unit.id];
    const legendId = `proposal-${proposal.id}-vote`;
    return html`
      <fieldset class="vote" aria-labelledby="${legendId}">
        <legend id="${legendId}">${t("community.proposals.your_vote", { unit: unit.address })}</legend>
        ${units.length > 1
          ? html`<label>${t("community.proposals.vote_for_unit")}
              <select name="unit">${units.map(
                (item) => html`<option value="${item.id}" ${item.id === unit.id ? html`selected` : ""}>${item.address}</option>`,
              )}</select></label>`
          : ""}
        <div class="vote-choices">
          ${CHOICES.map(
            (choice) => html`<button type="button" data-choice="${choice}" class="vote-${choice} ${current === choice ? "primary" : ""}"
              aria-pressed="${current === choice ? "true" : "false"}" aria-disabled="${this.busy ? "true" : "false"}">
              ${t(`community.proposals.choice.${choice}`)}</button>`,
          )}
        </div>
        <p class="current-choice" role="status">${current
          ? t("community.proposals.current_choice", { choice: t(`community.proposals.choice.${current}`) })
          : t("community.proposals.not_voted")}</p>
        ${refusal(this.error)}
      </fieldset>`;
  }

  async #cast(choice) {
    if (this.busy) return;
    const proposal = this.proposal;
    const body = { choice };
    if (this.ownedUnits.length > 1) body.unit_id = this.unitId;
    this.busy = true;
    this.error = null;
    this.update();
    try {
      const ballot = await hub.api.post(`/api/community/proposals/${proposal.id}/ballots`, body);
      this.choices = { ...(this.choices ?? {}), [ballot.unit_id]: ballot.choice };
      toast(t("community.proposals.voted", { choice: t(`community.proposals.choice.${ballot.choice}`) }));
      this.dispatchEvent(
        new CustomEvent("ballot-cast", {
          bubbles: true,
          detail: { proposal_id: proposal.id, unit_id: ballot.unit_id, choice: ballot.choice },
        }),
      );
    } catch (error) {
      this.error = error;
      toast(refusalText(error), "error");
    } finally {
      this.busy = false;
      this.update();
    }
  }
}

customElements.define("community-proposal-card", CommunityProposalCard);
