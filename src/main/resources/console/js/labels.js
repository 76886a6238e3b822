// Labels as the pages show them: a chip (colour swatch and name), the label filter of the lists, and the editor of
// one agent's or config's labels. A colour is applied only once it is known to be #rrggbb, and only through the
// element's style object (the policy forbids style attributes; CSSOM assignments are not inline styles).
import { api } from './api.js';
import { h, field, replace, select, isolate } from './dom.js';

/** The colour a new label starts with, as the gateway gives one created without a colour. */
export const DEFAULT_COLOR = '#3b82f6';

/** True for #rrggbb, the only colour a page applies. */
export function isColor(value) {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value);
}

/** All labels, by name (the API's order). */
export async function loadLabels() {
  return (await api('GET', '/api/labels')).labels;
}

/** A square of the label's colour; left uncoloured when the value is not #rrggbb. */
export function swatch(color) {
  const square = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  if (isColor(color)) {
    square.style.backgroundColor = color;
  }
  return square;
}

/** {id, name, color} as a chip; more (a remove button) goes after the name. */
export function labelChip(label, ...more) {
  return h('span', { class: 'label-chip', dataset: { labelId: label.id } }, swatch(label.color),
    isolate(label.name), ...more);
}

/** The chips of a record's labels, or a dash. */
export function labelChips(labels) {
  return labels && labels.length ? labels.map((label) => labelChip(label)) : h('span', { class: 'muted' }, '—');
}

/**
 * The label filter of a list: a picker that adds a label and the chosen ones as removable chips (all must match).
 * chosen is the array of label ids; onChange gets the new array.
 */
export function labelFilter(id, labels, chosen, onChange) {
  const known = new Map(labels.map((label) => [label.id, label]));
  const picker = select({ id, onchange: () => {
    if (picker.value) {
      onChange([...chosen, picker.value]);
    }
  } }, [['', chosen.length ? 'Add a label…' : 'Any label'],
    ...labels.filter((label) => !chosen.includes(label.id)).map((label) => [label.id, label.name])], '');
  const chips = chosen.map((labelId) => {
    const label = known.get(labelId) || { id: labelId, name: labelId, color: null };
    return labelChip(label, h('button', { type: 'button', class: 'chip-remove', 'aria-label':
      `Stop filtering by ${label.name}`, onclick: () => onChange(chosen.filter((c) => c !== labelId)) }, '×'));
  });
  return h('div', { class: 'label-filter' }, field('Labels', picker),
    chips.length ? h('div', { class: 'chips', id: `${id}-chosen` }, ...chips) : null);
}

/**
 * One record's labels, with remove buttons and an "Add label" picker when canEdit. assign(labelId) and
 * remove(labelId) call the API and resolve with the record's new labels; fail(error) shows a refusal.
 */
export function labelEditor({ id, current, all, canEdit, assign, remove, fail }) {
  const element = h('div', { class: 'label-editor', id });
  function show(labels) {
    const chips = labels.map((label) => labelChip(label, canEdit ? h('button', { type: 'button', class: 'chip-remove',
      'aria-label': `Remove label ${label.name}`, onclick: () => run(() => remove(label.id)) }, '×') : null));
    const carried = new Set(labels.map((label) => label.id));
    const picker = select({ id: `${id}-picker`, 'aria-label': 'Label to add' }, [['', 'Choose a label…'],
      ...all.filter((label) => !carried.has(label.id)).map((label) => [label.id, label.name])], '');
    replace(element,
      h('div', { class: 'chips', id: `${id}-chips` }, chips.length ? chips : h('span', { class: 'muted' }, 'No labels')),
      canEdit ? h('div', { class: 'toolbar' }, picker, h('button', { type: 'button', class: 'secondary small',
        id: `${id}-add`, onclick: () => picker.value && run(() => assign(picker.value)) }, 'Add label')) : null);
  }
  async function run(call) {
    try {
      show(await call());
    } catch (error) {
      fail(error);
    }
  }
  show(current || []);
  return element;
}
