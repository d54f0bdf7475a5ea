// What the community and service pages share (no element): refusals in the user's
// language, a confirmation dialog and file downloads.

import { html } from "../lib/html.js";
import { errorText, has, t } from "../lib/i18n.js";

/** What went wrong, in the user's language: the community's own words for the refusals
 * of votes, ratings, consents and chargers (not_owner, voting_closed…), else the app's. */
export function refusalText(error) {
  const code = error?.code;
  if (code && has(`community.errors.${code}`)) {
    const known = t(`community.errors.${code}`);
    const detail = error.message;
    return detail && detail !== known ? t("app.errors.with_detail", { text: known, detail }) : known;
  }
  return errorText(error);
}

/** A refusal under a form or an action, announced. */
export function refusal(error) {
  return error ? html`<p class="form-error" role="alert">${refusalText(error)}</p>` : "";
}

/** Ask before an action that matters: a modal dialog with the question and two buttons;
 * resolves true when confirmed. */
export function confirmAction({ title, text, confirm, cancel = t("community.common.cancel"), danger = false }) {
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "community-confirm";
    dialog.setAttribute("aria-labelledby", "community-confirm-title");
    dialog.innerHTML = String(html`
      <form method="dialog" class="card">
        <h2 id="community-confirm-title">${title}</h2>
        <p>${text}</p>
        <div class="actions">
          <button value="yes" class="primary ${danger ? "danger" : ""}">${confirm}</button>
          <button value="no">${cancel}</button>
        </div>
      </form>`);
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "yes");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Save a raw response (hub.api.request(..., {raw: true})) as a file named `name`. */
export async function saveResponse(response, name) {
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name the hub gave an attachment (Content-Disposition), else `fallback`. */
export function attachmentName(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  return /filename="?([^";]+)"?/.exec(header)?.[1] ?? fallback;
}
