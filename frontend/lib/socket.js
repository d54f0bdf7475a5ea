// The WebSocket client: authenticates, sends commands, keeps subscriptions, and connects
// again on its own (with the subscriptions) when the hub restarts or the network drops.

const RETRY_DELAYS = [500, 1000, 2000, 4000, 8000]; // ms between attempts, the last repeats

export class HubSocket {
  constructor(api) {
    this.api = api;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject}
    this.subscriptions = new Map(); // key -> {message, onEvent, id}
    this.listeners = new Set();
    this.status = "connecting";
    this.attempt = 0;
    this.ws = null;
    this.closed = false;
    this.needsFreshToken = false;
  }

  /** `listener(status)` on each change: "connecting", "connected" or "disconnected". */
  onStatus(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  #setStatus(status) {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  async connect() {
    this.closed = false;
    if (this.needsFreshToken) {
      if (!(await this.api.refresh())) await this.api.loginNeeded();
      this.needsFreshToken = false;
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/api/websocket`);
    this.ws = ws;
    ws.onmessage = (event) => this.#receive(JSON.parse(event.data));
    ws.onclose = () => this.#lost(ws);
  }

  close() {
    this.closed = true;
    this.ws?.close();
  }

  #receive(message) {
    if (message.type === "auth_required") {
      this.ws.send(JSON.stringify({ type: "auth", access_token: this.api.accessToken }));
    } else if (message.type === "auth_ok") {
      this.attempt = 0;
      this.nextId = 1;
      this.#setStatus("connected"); // first: command() refuses to send while not connected
      for (const subscription of this.subscriptions.values()) this.#subscribe(subscription);
    } else if (message.type === "auth_invalid") {
      this.needsFreshToken = true; // expired: the next attempt refreshes it first
    } else if (message.type === "result") {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.success) waiting.resolve(message.result);
      else waiting.reject(Object.assign(new Error(message.error.message), message.error));
    } else if (message.type === "event") {
      for (const subscription of this.subscriptions.values()) {
        if (subscription.id === message.id) subscription.onEvent(message.event);
      }
    }
  }

  #lost(ws) {
    if (ws !== this.ws) return;
    for (const waiting of this.pending.values()) {
      waiting.reject(Object.assign(new Error("The connection to the hub was lost"), { code: "network" }));
    }
    this.pending.clear();
    if (this.closed) return;
    this.#setStatus("disconnected");
    const delay = RETRY_DELAYS[Math.min(this.attempt++, RETRY_DELAYS.length - 1)];
    setTimeout(() => this.connect(), delay);
  }

  /** Send a command; resolves with its result, rejects with its error {code, message}. */
  command(message) {
    if (this.status !== "connected") {
      return Promise.reject(Object.assign(new Error("Not connected to the hub"), { code: "network" }));
    }
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ ...message, id }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  #subscribe(subscription) {
    subscription.id = this.nextId; // events may arrive before the result
    this.command(subscription.message).catch((error) => subscription.onError?.(error));
  }

  /** Subscribe now and after every reconnect; returns the function that unsubscribes. */
  subscribe(message, onEvent, onError) {
    const key = Symbol(message.type);
    const subscription = { message, onEvent, onError, id: null };
    this.subscriptions.set(key, subscription);
    if (this.status === "connected") this.#subscribe(subscription);
    return () => {
      this.subscriptions.delete(key);
      if (this.status === "connected" && subscription.id !== null) {
        this.command({ type: "unsubscribe_events", subscription: subscription.id }).catch(() => {});
      }
    };
  }
}
