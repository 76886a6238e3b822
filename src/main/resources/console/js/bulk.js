// What a bulk action did to each item it named: the API's {"results":[{"id","status"}]} as a table.
import { h, table, isolate } from './dom.js';

const RESULT_TEXT = { ok: 'Done', not_found: 'Not found', forbidden: 'Not allowed' };

/** A heading and a table of item × result; title is a string or parts; nameOf(id) says how an item reads. */
export function bulkResults(title, itemHeader, results, nameOf) {
  // The caption takes a copy of the title: an element (a name in its <bdi>) is in one place of the page only, and
  // the heading lost the name to the caption.
  const caption = [title].flat().map((part) => (part instanceof Node ? part.cloneNode(true) : part));
  return [h('h3', null, title, `: result per ${itemHeader.toLowerCase()}`),
    table([caption, ' results'], [itemHeader, 'Result'], results.map((r) => h('tr', { dataset: { id: r.id } },
      h('td', null, isolate(nameOf(r.id))),
      h('td', null, h('span', { class: `badge ${r.status === 'ok' ? 'success' : 'failure'}` },
        RESULT_TEXT[r.status] || r.status)))), { id: 'bulk-results-table' })];
}
