// The app's frame: the login, then the header (community, connection, language, user), the
// navigation for the user's role and the page the address names. When the login ends, a
// login dialog opens over the page, so nothing typed is lost, and the request goes on.

import { Api } from "../lib/api.js";
import { EntityStore } from "../lib/entities.js";
import { html, View } from "../lib/html.js";
import { hub } from "../lib/hub.js";
import {
  LANGUAGES,
  currentLanguage,
  loadIntegrationTexts,
  loadLanguage,
  onLanguageChange,
  setLanguage,
  setTimeZone,
  t,
} from "../lib/i18n.js";
import { go, homeOf, parseHash, routesFor } from "../lib/routes.js";
import { HubSocket } from "../lib/socket.js";
import { failure, loading } from "../lib/ui.js";
import "./login-form.js";

class LinliApp extends View {
  connected() {
    this.state = "starting";
    this.community = "";
    this.relogin = null; // {promise, resolve} while the login dialog is open
    this.panels = []; // the pages plugins add (GET /api/panels)
    hub.api = new Api({ loginNeeded: () => this.#loginNeeded() });
    this.on("signed-in", "login-form:not(.relogin)", () => this.#start());
    this.on("signed-in", "login-form.relogin", (event) => this.#signedInAgain(event.detail));
    this.on("change", "#language", (event) => setLanguage(event.target.value, hub.api));
    this.on("click", "#logout", () => this.#logout());
    // Another language: texts everywhere, so the frame and the page render again.
    this.own(onLanguageChange(() => this.update()));
    const route = () => this.#showPage();
    window.addEventListener("hashchange", route);
    this.own(() => window.removeEventListener("hashchange", route));
    this.#boot();
  }

  async #boot() {
    await loadLanguage();
    if (hub.api.signedIn) await this.#start();
    else this.#show("login");
  }

  #show(state) {
    this.state = state;
    this.update();
  }

  async #start() {
    try {
      const [user, info, panels] = await Promise.all([
        hub.api.get("/api/auth/me"),
        hub.api.get("/api/"),
        hub.api.get("/api/panels"),
      ]);
      hub.user = user;
      this.panels = panels;
      setTimeZone(info.time_zone);
      this.community = info.name;
      await loadIntegrationTexts(hub.api);
    } catch (error) {
      this.error = error;
      this.#show("failed");
      return;
    }
    hub.socket = new HubSocket(hub.api);
    hub.entities = new EntityStore(hub.socket);
    hub.socket.onStatus((status) => this.#connection(status));
    hub.socket.connect();
    this.#show("ready");
    if (!parseHash().name) go(homeOf(hub.user.role));
    else this.#showPage();
  }

  render() {
    if (this.state === "starting") return loading();
    if (this.state === "login") return html`<main class="login-page"><login-form></login-form></main>`;
    if (this.state === "failed") return html`<main class="login-page">${failure(this.error)}</main>`;
    const { name } = parseHash();
    const routes = routesFor(hub.user.role).filter((route) => route.nav);
    return html`
      <header class="app-header">
        <a class="brand" href="#/${homeOf(hub.user.role)}">
          <img src="/frontend/icon.svg" alt="" width="32" height="32">
          <span>${this.community || t("app.title")}</span>
        </a>
        <span id="connection" class="connection ${hub.socket.status}" role="status">
          ${t(`app.connection.${hub.socket.status}`)}
        </span>
        <label class="language">
          <span class="visually-hidden">${t("app.language")}</span>
          <select id="language" aria-label="${t("app.language")}">
            ${Object.entries(LANGUAGES).map(
              ([code, label]) =>
                html`<option value="${code}" ${code === currentLanguage() ? html`selected` : ""}>${label}</option>`,
            )}
          </select>
        </label>
        <span class="user">${hub.user.name || hub.user.username}</span>
        <button id="logout" class="quiet">${t("app.logout")}</button>
      </header>
      <nav class="app-nav" aria-label="${t("app.navigation")}">
        ${routes.map(
          (route) => html`<a href="#/${route.name}" ${route.name === name ? html`aria-current="page"` : ""}>
            ${t(`app.nav.${route.name}`)}</a>`,
        )}
        ${this.panels.map((panel) => html`<a href="#/panel/${panel.name}">${panel.title}</a>`)}
      </nav>
      <main id="page" class="page"></main>`;
  }

  rendered() {
    if (this.state === "ready") this.#showPage();
  }

  /** The page the address names: one of the app's, or a plugin's panel (#/panel/<name>). */
  #pageFor({ name, params }) {
    if (name === "panel") {
      const panel = this.panels.find((item) => item.name === params[0]);
      return panel && { module: panel.module_url, tag: `${panel.name}-panel`, title: panel.title };
    }
    const route = routesFor(hub.user.role).find((item) => item.name === name);
    return (
      route && {
        module: `../pages/${route.module}`,
        tag: route.module.replace(/\.js$/, ""),
        title: t(`app.nav.${route.name}`),
      }
    );
  }

  async #showPage() {
    const main = this.querySelector("#page");
    if (!main || !hub.user) return;
    const page = this.#pageFor(parseHash());
    if (!page) {
      go(homeOf(hub.user.role));
      return;
    }
    const hash = location.hash.split("?")[0];
    for (const link of this.querySelectorAll(".app-nav a")) {
      const href = link.getAttribute("href");
      if (hash === href || hash.startsWith(`${href}/`)) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    try {
      await import(page.module);
    } catch (error) {
      main.innerHTML = String(failure({ code: "page_missing", message: error.message }));
      return;
    }
    if (location.hash.split("?")[0] !== hash) return; // the user moved on while it loaded
    const current = main.firstElementChild;
    if (current?.localName === page.tag && current.dataset.hash === location.hash) return;
    const element = document.createElement(page.tag);
    element.dataset.hash = location.hash;
    main.replaceChildren(element);
    document.title = `${page.title} · ${this.community || t("app.title")}`;
  }

  #connection(status) {
    const badge = this.querySelector("#connection");
    if (!badge) return;
    badge.className = `connection ${status}`;
    badge.textContent = t(`app.connection.${status}`);
  }

  /** The login ended: ask for the password over the page; resolves once signed in again. */
  #loginNeeded() {
    if (this.relogin) return this.relogin.promise;
    if (this.state !== "ready") {
      this.#show("login");
      return new Promise(() => {}); // the app starts again from the login
    }
    let resolve;
    const promise = new Promise((done) => {
      resolve = done;
    });
    this.relogin = { promise, resolve };
    const dialog = document.createElement("dialog");
    dialog.className = "relogin";
    dialog.setAttribute("aria-label", t("app.login.title"));
    const form = document.createElement("login-form");
    form.className = "relogin";
    form.setAttribute("expired", "");
    form.setAttribute("username", hub.user.username);
    dialog.append(form);
    dialog.addEventListener("cancel", (event) => event.preventDefault()); // no way around it
    this.append(dialog);
    dialog.showModal();
    return promise;
  }

  #signedInAgain(answer) {
    if (answer.user.id !== hub.user.id) {
      location.reload(); // someone else: nothing of the last user's may stay on screen
      return;
    }
    this.querySelector("dialog.relogin")?.remove();
    const { resolve } = this.relogin;
    this.relogin = null;
    resolve();
  }

  async #logout() {
    try {
      await hub.api.logout();
    } finally {
      hub.socket?.close();
      location.hash = "";
      location.reload();
    }
  }
}

customElements.define("linli-app", LinliApp);
