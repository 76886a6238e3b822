// Long lists are shown a page at a time, never all at once.
import { h, replace } from './dom.js';

export const PAGE_SIZE = 50;

/**
 * Shows items[page] through render(itemsOfPage) and a Previous/Next bar; returns {element, show(items)}.
 * The page is kept when show() is called again with new items (a refresh), clamped to the last page.
 */
export function pagedList(render, label) {
  let items = [];
  let page = 0;
  const body = h('div');
  const status = h('span', { class: 'muted', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', class: 'secondary', onclick: () => go(page - 1) }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary', onclick: () => go(page + 1) }, 'Next page');
  const bar = h('nav', { class: 'pager', 'aria-label': `${label} pages` }, previous, status, next);

  function pages() {
    return Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  }

  function go(target) {
    page = Math.min(Math.max(0, target), pages() - 1);
    body.replaceChildren(render(items.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)));
    previous.disabled = page === 0;
    next.disabled = page >= pages() - 1;
    status.textContent = items.length === 0 ? 'None'
      : `${page * PAGE_SIZE + 1}–${Math.min(items.length, (page + 1) * PAGE_SIZE)} of ${items.length}`;
    bar.hidden = items.length <= PAGE_SIZE;
  }

  return {
    element: h('div', null, body, bar),
    show(newItems) {
      items = newItems;
      go(page);
    },
  };
}

/**
 * Where the operator is in a listing the API pages itself (`limit`, `cursor` → `nextCursor`): the cursors followed
 * so far, and a Previous/Next bar (`<id>-previous`, `<id>-next`) that moves along them and calls move(). Pass an
 * array of cursors to keep the place across visits of a page; it is changed in place.
 */
export function cursorPages(id, label, move, cursors = ['']) {
  const previous = h('button', { type: 'button', class: 'secondary', id: `${id}-previous`, onclick: () => {
    cursors.pop();
    move();
  } }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary', id: `${id}-next`, onclick: () => {
    cursors.push(next.dataset.cursor);
    move();
  } }, 'Next page');
  const text = h('span', { class: 'muted', 'aria-live': 'polite' });
  const bar = h('nav', { class: 'pager', 'aria-label': `${label} pages`, hidden: true }, previous, text, next);
  return {
    element: bar,
    /** The cursor of the page to show ('' for the first). */
    cursor: () => cursors[cursors.length - 1],
    /** Back to the first page (another filter, or a cursor the API refused). */
    first() {
      cursors.splice(0, cursors.length, '');
    },
    /** One page back, when the page shown emptied (its items deleted); false on the first page. */
    back() {
      if (cursors.length <= 1) {
        return false;
      }
      cursors.pop();
      return true;
    },
    /** The page at cursor() is shown; nextCursor is the API's for the page after it. */
    shown(nextCursor) {
      previous.disabled = cursors.length <= 1;
      next.disabled = !nextCursor;
      next.dataset.cursor = nextCursor || '';
      text.textContent = `Page ${cursors.length}`;
      bar.hidden = cursors.length <= 1 && !nextCursor;
    },
  };
}

/**
 * A list the API pages, shown PAGE_SIZE items a page: fetch(limit, cursor) answers the API's page, whose items are
 * at answer[field]; render(items) draws them. Returns {element, load(), restart(), items(), redraw()}: load() shows
 * the page at the current cursor (again, after a change), restart() the first page (another filter), redraw() the
 * items shown without asking again. A page that emptied under the operator (its items deleted) steps back; an answer
 * a later load overtook is dropped; a cursor the API no longer takes (400) is left for the first page. Other failures
 * go to onError.
 */
export function serverList(id, label, field, fetch, render, onError, cursors = ['']) {
  let loads = 0;
  let items = [];
  const rows = h('div', { id: `${id}-list` });
  const pages = cursorPages(id, label, () => load(), cursors);

  async function load() {
    loads += 1;
    const loading = loads;
    try {
      const answer = await fetch(PAGE_SIZE, pages.cursor());
      if (loading !== loads) {
        return;
      }
      if (answer[field].length === 0 && pages.back()) {
        await load();
        return;
      }
      items = answer[field];
      replace(rows, render(items));
      pages.shown(answer.nextCursor);
    } catch (error) {
      if (loading !== loads) {
        return;
      }
      if (error.status === 400 && pages.cursor()) {
        pages.first(); // a cursor the API no longer takes (a newer gateway's): start again
        await load();
        return;
      }
      onError(error);
    }
  }

  return {
    element: h('div', null, rows, pages.element),
    load,
    restart() {
      pages.first();
      return load();
    },
    items: () => items,
    redraw() {
      replace(rows, render(items));
    },
  };
}
