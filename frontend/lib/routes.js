// The app's pages: each is an element in pages/<module>, loaded when first opened. Residents
// (and household admins) see their home and community; operators and admins the estate.

const RESIDENTS = ["resident", "household_admin"];
const STAFF = ["operator", "admin"];
const EVERYONE = [...RESIDENTS, ...STAFF];

export const ROUTES = [
  { name: "home", module: "home-page.js", roles: RESIDENTS, nav: true },
  { name: "alarms", module: "alarms-page.js", roles: RESIDENTS, nav: true },
  { name: "parcels", module: "parcels-page.js", roles: RESIDENTS, nav: true },
  { name: "dashboard", module: "dashboard-page.js", roles: STAFF, nav: true },
  { name: "console", module: "alarm-console-page.js", roles: STAFF, nav: true },
  { name: "integrations", module: "integrations-page.js", roles: STAFF, nav: true },
  { name: "devices", module: "devices-page.js", roles: STAFF, nav: true },
  { name: "roster", module: "roster-page.js", roles: STAFF, nav: true },
  { name: "charging", module: "charging-page.js", roles: EVERYONE, nav: true },
  { name: "community", module: "proposals-page.js", roles: EVERYONE, nav: true },
  { name: "ratings", module: "ratings-page.js", roles: EVERYONE, nav: true },
  { name: "bills", module: "bills-page.js", roles: EVERYONE, nav: true },
  { name: "privacy", module: "consent-page.js", roles: RESIDENTS, nav: true },
  { name: "automations", module: "automations-page.js", roles: EVERYONE, nav: true },
  { name: "add-device", module: "add-device-page.js", roles: EVERYONE, nav: false },
  { name: "entity", module: "entity-page.js", roles: EVERYONE, nav: false },
];

/** The routes a role may open, in the order of the navigation. */
export function routesFor(role) {
  return ROUTES.filter((route) => route.roles.includes(role));
}

/** The first page of a role: residents their home, staff the dashboard. */
export function homeOf(role) {
  return RESIDENTS.includes(role) ? "home" : "dashboard";
}

export function isStaff(role) {
  return STAFF.includes(role);
}

/** `#/entity/sensor.x?range=day` -> {name: "entity", params: ["sensor.x"], query}. */
export function parseHash(hash = location.hash) {
  const [path, search = ""] = hash.replace(/^#\/?/, "").split("?");
  const [name = "", ...params] = path.split("/").map(decodeURIComponent);
  return { name, params, query: new URLSearchParams(search) };
}

export function go(name, ...params) {
  location.hash = `#/${[name, ...params].map(encodeURIComponent).join("/")}`;
}
