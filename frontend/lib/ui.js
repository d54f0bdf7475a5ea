// Small pieces of markup every page uses: headings, loading, empty and error states, and a
// short message after an action (announced to screen readers).

import { html } from "./html.js";
import { errorText, t } from "./i18n.js";

export function pageHeading(title, actions = "") {
  return html`<header class="page-heading"><h1>${title}</h1>${actions}</header>`;
}

export function loading() {
  return html`<p class="state loading" role="status">${t("app.loading")}</p>`;
}

export function empty(text) {
  return html`<p class="state empty">${text}</p>`;
}

export function failure(error) {
  return html`<p class="state error" role="alert">${errorText(error)}</p>`;
}

/** A field's error under it, when the hub named that field. */
export function fieldError(error, field) {
  return error?.field === field ? html`<p class="field-error" role="alert">${errorText(error)}</p>` : "";
}

let toastTimer = null;

/** A short message at the bottom of the screen: "已确认", "Voted"… */
/** Clear the error shown beside a form field (its box and aria-invalid) once the person
 * changes `control`, an input inside a `[data-field]`. */
export function clearFieldError(control) {
  const field = control.closest("[data-field]");
  if (!field) return;
  const box = field.querySelector(".field-error");
  if (box && !box.hidden) {
    box.hidden = true;
    box.textContent = "";
  }
  field.querySelector("[aria-invalid]")?.removeAttribute("aria-invalid");
  if (field.matches("[aria-invalid]")) field.removeAttribute("aria-invalid");
}

export function toast(text, kind = "ok") {
  let box = document.querySelector("#toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "toast";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    document.body.append(box);
  }
  box.className = `toast ${kind}`;
  box.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.className = "toast hidden";
  }, 4000);
}

/** Run an action for a button: busy while it runs, the error as a toast. */
export async function act(button, action, doneText) {
  button.disabled = true;
  try {
    const result = await action();
    if (doneText) toast(doneText);
    return result;
  } catch (error) {
    toast(errorText(error), "error");
    return undefined;
  } finally {
    button.disabled = false;
  }
}
