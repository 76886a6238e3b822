// Modal dialogs on <dialog>: keyboard-reachable, Escape closes, focus returns to where it was. A dialog is
// removed from the page when it closes, so nothing it showed (a token value) stays behind.
import { h } from './dom.js';

/** Opens a modal built from the article's content; returns the <dialog>. onClose runs once when it closes. */
export function openDialog(labelId, content, onClose) {
  const returnFocus = document.activeElement;
  const article = h('article', null, ...content);
  const dialog = h('dialog', { 'aria-labelledby': labelId }, article);
  dialog.addEventListener('close', () => {
    if (onClose) {
      onClose();
    }
    dialog.remove();
    if (returnFocus && returnFocus.isConnected) {
      returnFocus.focus();
    }
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return dialog;
}

let dialogs = 0;

/** A fresh id for a dialog's heading. */
export function dialogId(prefix) {
  dialogs += 1;
  return `${prefix}-${dialogs}`;
}

/**
 * Asks before an action; resolves true when the user confirms. The question's text says what happens (for a
 * revocation: that it cannot be undone). title and text are strings or parts (strings and nodes): a name from the
 * API goes in as isolate(name), so its bidi controls cannot reorder the question around it.
 */
export function confirmAction(title, text, actionLabel, danger = true) {
  return new Promise((resolve) => {
    let confirmed = false;
    const id = dialogId('confirm');
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel');
    const confirm = h('button', {
      type: 'button', class: danger ? 'danger' : '', 'data-confirm': '',
      onclick: () => { confirmed = true; dialog.close(); },
    }, actionLabel);
    const dialog = openDialog(id, [
      h('header', null, h('h3', { id }, title)),
      h('p', null, text),
      h('footer', null, cancel, ' ', confirm),
    ], () => resolve(confirmed));
    cancel.focus();
  });
}
