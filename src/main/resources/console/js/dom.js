// Builds elements. Every value lands as text or as a property: there is deliberately no way to pass HTML, so a
// value from the API (an agent id like <img src=x onerror=…>) can only ever be shown as the characters it is.

// Never set from a value: each would parse HTML or CSS (the policy forbids inline styles anyway).
const REFUSED = new Set(['style', 'innerHTML', 'outerHTML', 'srcdoc']);
const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'indeterminate', 'readOnly', 'required',
  'hidden', 'open']);

/** h('a', {href: '#/agents', onclick: fn}, 'text', child, [more]) */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (REFUSED.has(name)) {
      throw new Error(`h(): ${name} is refused`);
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (PROPERTIES.has(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends strings (as text), nodes and nested arrays; skips null, undefined and false. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
  return parent;
}

/**
 * A value from the API inside the console's own text (a name in a question, a heading, a message, a cell): in a
 * <bdi>, so a bidi control it holds (U+202E, right-to-left override) reorders only the value itself, never the words
 * around it. Text-only places (an <option>, an attribute) cannot hold one; an option holding only the value is a
 * paragraph of its own anyway.
 */
export function isolate(value) {
  return h('bdi', null, String(value));
}

/** Replaces every child of parent. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A label wrapping its field, with an optional hint under it (tied by aria-describedby). */
export function field(labelText, input, hint) {
  const children = [labelText, input];
  if (hint) {
    const id = `${input.id || input.name || 'f'}-hint`;
    input.setAttribute('aria-describedby', id);
    children.push(h('small', { id }, hint));
  }
  return h('label', null, ...children);
}

/** A <select> of [value, text] pairs. */
export function select(props, options, current) {
  return h('select', props, ...options.map(([value, text]) => h('option', { value, selected: value === current },
    text)));
}

/** A box for a message (role=alert for errors so a screen reader says it at once). */
export function messageBox(id) {
  return h('div', { id, class: 'message', role: 'status', 'aria-live': 'polite' });
}

/** text is a string, or parts: strings and nodes (a name from the API as isolate(name)). */
export function showMessage(box, kind, text) {
  box.className = `message ${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  replace(box, text);
}

export function clearMessage(box) {
  box.className = 'message';
  box.textContent = '';
}

/** A table inside a scrolling wrapper; rows is an array of <tr>. */
export function table(caption, headers, rows, props) {
  return h('div', { class: 'table-wrap' },
    h('table', Object.assign({ class: 'striped' }, props),
      caption ? h('caption', { class: 'sr-only' }, caption) : null,
      h('thead', null, h('tr', null, ...headers.map((header) => (header instanceof Node ? h('th', { scope: 'col' },
        header) : h('th', { scope: 'col' }, header))))),
      h('tbody', null, ...rows)));
}
