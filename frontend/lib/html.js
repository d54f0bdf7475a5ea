// HTML from template literals, escaped by default, and the base class of every element.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe to put in HTML. */
export function escape(value) {
  return String(value ?? "").replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

/** Markup that is already safe: what `html` returns, and what it puts in unescaped. */
export class Markup {
  constructor(text) {
    this.text = text;
  }

  toString() {
    return this.text;
  }
}

function part(value) {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(part).join("");
  if (value === null || value === undefined || value === false) return "";
  return escape(value);
}

/** html`<p>${text}</p>`: interpolated values are escaped; arrays and Markup are joined. */
export function html(strings, ...values) {
  let text = strings[0];
  values.forEach((value, index) => {
    text += part(value) + strings[index + 1];
  });
  return new Markup(text);
}

/**
 * An element that renders itself from `render()` into its own light DOM (the app's style
 * sheet applies; tests find things by role and label). `update()` renders again; handlers
 * bound with `on()` are delegated, so they survive re-rendering. What an element starts in
 * `connected()` it gives to `own()`, to be stopped when the element leaves the page.
 */
export class View extends HTMLElement {
  #cleanups = [];

  connectedCallback() {
    this.connected?.();
    this.update();
  }

  disconnectedCallback() {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }

  own(cleanup) {
    this.#cleanups.push(cleanup);
  }

  on(type, selector, handler) {
    const listener = (event) => {
      const target = event.target.closest(selector);
      if (target && this.contains(target)) handler(event, target);
    };
    this.addEventListener(type, listener);
    this.own(() => this.removeEventListener(type, listener));
  }

  render() {
    return html``;
  }

  update() {
    this.innerHTML = String(this.render());
    this.rendered?.();
  }
}
