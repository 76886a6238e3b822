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
 * so far, and a Previous/Next bar (`<id>-previous`, `<id>-next`) that moves along them and calls move(). A move
 * counts once its page is shown (shown()); until then both buttons wait, and a page that could not be read
 * (failed()) leaves the operator where they were. Pass an array of cursors to keep the place across visits of a
 * page; it is changed in place.
 */
export function cursorPages(id, label, move, cursors = ['']) {
  /** The cursors of a move not yet shown; null when none is under way. */
  let pending = null;
  const go = (to) => {
    pending = to;
    previous.disabled = true;
    next.disabled = true;
    move();
  };
  const previous = h('button', { type: 'button', class: 'secondary', id: `${id}-previous`,
    onclick: () => go(cursors.slice(0, -1)) }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary', id: `${id}-next`,
    onclick: () => go([...cursors, next.dataset.cursor]) }, 'Next page');
  const text = h('span', { class: 'muted', 'aria-live': 'polite' });
  const bar = h('nav', { class: 'pager', 'aria-label': `${label} pages`, hidden: true }, previous, text, next);
  const place = () => pending || cursors;
  const buttons = () => {
    previous.disabled = cursors.length <= 1;
    next.disabled = !next.dataset.cursor;
  };
  return {
    element: bar,
    /** The cursor of the page to show ('' for the first). */
    cursor: () => place()[place().length - 1],
    /** Back to the first page (another filter, or a cursor the API refused). */
    first() {
      pending = [''];
    },
    /** One page back, when the page to show emptied (its items deleted); false on the first page. */
    back() {
      if (place().length <= 1) {
        return false;
      }
      pending = place().slice(0, -1);
      return true;
    },
    /** The page at cursor() is shown; nextCursor is the API's for the page after it. */
    shown(nextCursor) {
      if (pending) {
        cursors.splice(0, cursors.length, ...pending);
        pending = null;
      }
      next.dataset.cursor = nextCursor || '';
      buttons();
      text.textContent = `Page ${cursors.length}`;
      bar.hidden = cursors.length <= 1 && !nextCursor;
    },
    /** The page at cursor() could not be read: the operator stays on the page shown. */
    failed() {
      pending = null;
      buttons();
    },
  };
}

/**
 * A list the API pages, shown PAGE_SIZE items a page. Options: id and label (of its elements and its bar), field
 * (where the items are in an answer), fetch(limit, cursor) (the API's page), render(items, cursor),
 * onPage(answer, cursor) (after a page is shown), onError(error), cursors (to keep the place across visits, as
 * cursorPages). Returns
 * {element, load(), restart(), redraw()}: load() shows the page at the current cursor (again, after a
 * change), restart() the first page (another filter), redraw() the items shown without asking again. A page that
 * emptied under the operator (its items deleted) steps back; an answer a later load overtook is dropped; a cursor the
 * API no longer takes (400) is left for the first page. Other failures go to onError.
 */
export function serverList({ id, label, field, fetch, render, onPage = () => {}, onError, cursors = [''] }) {
  let loads = 0;
  let items = [];
  let shownCursor = '';
  const rows = h('div', { id: `${id}-list` });
  const pages = cursorPages(id, label, () => load(), cursors);

  async function load() {
    loads += 1;
    const loading = loads;
    const cursor = pages.cursor();
    try {
      const answer = await fetch(PAGE_SIZE, cursor);
      if (loading !== loads) {
        return;
      }
      if (answer[field].length === 0 && pages.back()) {
        await load();
        return;
      }
      items = answer[field];
      shownCursor = cursor;
      replace(rows, render(items, cursor));
      pages.shown(answer.nextCursor);
      onPage(answer, cursor);
    } catch (error) {
      if (loading !== loads) {
        return;
      }
      if (error.status === 400 && cursor) {
        pages.first(); // a cursor the API no longer takes (a newer gateway's): start again
        await load();
        return;
      }
      pages.failed();
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
    redraw() {
      replace(rows, render(items, shownCursor));
    },
  };
}
