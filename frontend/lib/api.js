// The REST client: tokens, JSON, errors. A request whose token expired is refreshed; when
// the login itself ended, the app asks the user to log in again (over the page, so nothing
// typed is lost) and the request goes on.

const STORAGE_KEY = "linli.tokens";

/** An error the hub answered (or the network): status, code, message and the field. */
export class ApiError extends Error {
  constructor(status, code, message, field = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export class Api {
  /** `loginNeeded()` resolves once the user has logged in again. */
  constructor({ loginNeeded }) {
    this.loginNeeded = loginNeeded;
    this.tokens = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
    this.refreshing = null;
  }

  get signedIn() {
    return this.tokens !== null;
  }

  get accessToken() {
    return this.tokens?.access_token ?? null;
  }

  #keep(tokens) {
    this.tokens = tokens;
    if (tokens) localStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(STORAGE_KEY);
  }

  async login(username, password) {
    const tokens = await this.#send("POST", "/api/auth/login", {
      username,
      password,
      client_name: "linli web",
    });
    this.#keep(tokens);
    return tokens;
  }

  async logout() {
    try {
      await this.post("/api/auth/logout");
    } finally {
      this.#keep(null);
    }
  }

  /** Forget the tokens (the hub refused them): the user logs in again. */
  forget() {
    this.#keep(null);
  }

  /** A fresh access token from the refresh token; false if the login has ended. */
  async refresh() {
    if (!this.tokens?.refresh_token) return false;
    this.refreshing ??= this.#send("POST", "/api/auth/refresh", {
      refresh_token: this.tokens.refresh_token,
    })
      .then((tokens) => {
        this.#keep(tokens);
        return true;
      })
      .catch((error) => {
        if (error.status === 401) this.#keep(null);
        return false;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  get(path, query) {
    const search = query ? `?${new URLSearchParams(query)}` : "";
    return this.request("GET", path + search);
  }

  post(path, body) {
    return this.request("POST", path, body);
  }

  patch(path, body) {
    return this.request("PATCH", path, body);
  }

  delete(path) {
    return this.request("DELETE", path);
  }

  /** Send with the access token; on 401 refresh it, or have the user log in, then retry. */
  async request(method, path, body, options = {}) {
    for (;;) {
      try {
        return await this.#send(method, path, body, this.accessToken, options);
      } catch (error) {
        if (error.status !== 401) throw error;
        if (!(await this.refresh())) await this.loginNeeded();
      }
    }
  }

  async #send(method, path, body, token = null, { raw = false } = {}) {
    const headers = { Accept: raw ? "*/*" : "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload;
    if (body instanceof Blob || body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body: payload });
    } catch (error) {
      throw new ApiError(0, "network", error.message);
    }
    if (response.ok) return raw ? response : response.json();
    let answer = {};
    try {
      answer = await response.json();
    } catch {
      // not JSON: a proxy's page, say; the status tells enough
    }
    throw new ApiError(
      response.status,
      answer.code ?? "http_error",
      answer.message ?? response.statusText,
      answer.field ?? null,
    );
  }
}
