// What every page shares once the user is signed in: the API, the live connection, the
// entity states and who the user is (their role and households).

export const hub = {
  /** @type {import("./api.js").Api} */ api: null,
  /** @type {import("./socket.js").HubSocket} */ socket: null,
  /** @type {import("./entities.js").EntityStore} */ entities: null,
  /** {id, username, name, role, households: [{id, name}]} */ user: null,
};
