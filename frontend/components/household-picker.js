// Which of the user's households the resident's pages show: a choice kept in the browser,
// and a select to change it for someone in several households (others see none).

import { html } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { t } from "../lib/i18n.js";

const HOUSEHOLD_KEY = "linli.household";

/** The household the user last chose, if they still belong to it; else their first. */
export function chosenHousehold() {
  const households = hub.user?.households ?? [];
  const saved = localStorage.getItem(HOUSEHOLD_KEY);
  return households.find((household) => household.id === saved)?.id ?? households[0]?.id ?? null;
}

export function chooseHousehold(householdId) {
  localStorage.setItem(HOUSEHOLD_KEY, householdId);
}

/** The name of one of the user's households. */
export function householdName(householdId) {
  return hub.user?.households?.find((household) => household.id === householdId)?.name ?? "";
}

/** A select of the user's households, when they are in more than one. */
export function householdPicker(selected, id = "household") {
  const households = hub.user?.households ?? [];
  if (households.length < 2) return "";
  return html`<label class="household-picker">${t("home.household")}
    <select id="${id}">
      ${households.map(
        (household) => html`<option value="${household.id}"
          ${household.id === selected ? html`selected` : ""}>${household.name}</option>`,
      )}
    </select>
  </label>`;
}
