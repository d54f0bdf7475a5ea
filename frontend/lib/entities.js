// The states of the entities the user may see, kept live from `subscribe_entities`.
// Each state is {s, a, lc, lu}, as Home Assistant's compact states.

export class EntityStore {
  constructor(socket) {
    this.states = new Map();
    this.listeners = new Set();
    this.ready = false;
    socket.subscribe({ type: "subscribe_entities" }, (event) => this.#apply(event));
    // After a reconnect the first message lists everything again and replaces what is here.
    socket.onStatus((status) => {
      if (status !== "connected") this.ready = false;
    });
  }

  #apply({ a: added, c: changed, r: removed }) {
    if (added) {
      if (!this.ready) this.states.clear(); // the first message after a (re)connect is all
      for (const [id, state] of Object.entries(added)) this.states.set(id, state);
      this.ready = true;
    }
    for (const [id, diff] of Object.entries(changed ?? {})) {
      const state = this.states.get(id);
      if (!state) continue;
      const next = { ...state, ...diff["+"], a: { ...state.a, ...(diff["+"].a ?? {}) } };
      for (const name of diff["-"]?.a ?? []) delete next.a[name];
      this.states.set(id, next);
    }
    for (const id of removed ?? []) this.states.delete(id);
    for (const listener of this.listeners) listener(this);
  }

  get(entityId) {
    return this.states.get(entityId);
  }

  /** `listener(store)` after each change; returns the function that stops it. */
  watch(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
