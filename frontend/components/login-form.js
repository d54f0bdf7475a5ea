// The login form: username and password; the hub's refusal (wrong password, locked…) shown
// under the form. Fires "signed-in" with the login's answer.

import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import { errorText, t } from "../lib/i18n.js";

export class LoginForm extends View {
  connected() {
    this.error = null;
    this.on("submit", "form", (event) => this.#submit(event));
  }

  render() {
    const username = this.getAttribute("username") ?? "";
    return html`
      <form class="login card" novalidate>
        <h1>${t("app.login.title")}</h1>
        <p class="hint">${this.hasAttribute("expired") ? t("app.login.expired") : t("app.login.hint")}</p>
        <label>${t("app.login.username")}
          <input name="username" autocomplete="username" required value="${username}">
        </label>
        <label>${t("app.login.password")}
          <input name="password" type="password" autocomplete="current-password" required>
        </label>
        <p class="form-error" role="alert">${this.error ? errorText(this.error) : ""}</p>
        <button class="primary" type="submit">${t("app.login.submit")}</button>
      </form>`;
  }

  async #submit(event) {
    event.preventDefault();
    const form = event.target;
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const answer = await hub.api.login(form.username.value.trim(), form.password.value);
      this.dispatchEvent(new CustomEvent("signed-in", { detail: answer, bubbles: true }));
    } catch (error) {
      this.error = error;
      form.querySelector(".form-error").textContent = errorText(error);
      form.password.value = "";
      form.password.focus();
    } finally {
      button.disabled = false;
    }
  }
}

customElements.define("login-form", LoginForm);
