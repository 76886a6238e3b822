// Shows the gateway's TOML error at its line and column, and puts the caret there.
import { h, replace, showMessage } from '../dom.js';

export function tomlError(box, error, textarea) {
  const { line, column } = error.details || {};
  if (!line) {
    showMessage(box, 'error', error.message);
    return;
  }
  const lines = textarea.value.split('\n');
  const text = lines[line - 1] || '';
  box.className = 'message error';
  box.setAttribute('role', 'alert');
  replace(box,
    h('strong', { id: 'toml-error-where' }, `Line ${line}, column ${column}: `), error.message,
    h('pre', { class: 'toml-error', id: 'toml-error-excerpt' },
      `${String(line).padStart(4)} | ${text}\n     | ${' '.repeat(Math.max(0, (column || 1) - 1))}^`));
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i += 1) {
    offset += lines[i].length + 1;
  }
  offset += Math.max(0, Math.min(text.length, (column || 1) - 1));
  textarea.focus();
  textarea.setSelectionRange(offset, offset);
}
