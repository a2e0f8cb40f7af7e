// The snapshots page: take, compare two, restore.
import { el, markRendered, problemText, shownValue } from './common.js';

const result = document.getElementById('action-result');
const compare = document.getElementById('compare');

function say(text, ok) {
  result.textContent = text;
  result.style.color = ok ? 'var(--good)' : 'var(--bad)';
}

function picked() {
  return [...document.querySelectorAll('input.pick:checked')].map((box) => Number(box.value)).sort((a, b) => a - b);
}

document.getElementById('take-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const label = e.target.label.value.trim();
  const response = await fetch('/api/snapshots', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ label: label || null }),
  });
  if (response.ok) location.reload();
  else say(await problemText(response), false);
});

document.getElementById('snapshots').addEventListener('change', () => {
  compare.disabled = picked().length !== 2;
});

/** The diff shown a page at a time: at most DIFF_PAGE topics in the DOM, whatever the snapshots' size. */
const DIFF_PAGE = 500;
const diff = { from: null, to: null, cursor: null, next: null, page: 0 };
const diffNext = document.getElementById('diff-next');
const diffFirst = document.getElementById('diff-first');

async function showDiff(cursor) {
  const params = new URLSearchParams({ limit: String(DIFF_PAGE) });
  if (cursor) params.set('cursor', cursor);
  const response = await fetch(`/api/snapshots/${diff.from}/diff/${diff.to}?${params}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) { say(await problemText(response), false); return; }
  const page = await response.json();
  diff.cursor = cursor;
  diff.next = page.next;
  const rows = [
    ...page.added.map((entry) => ['added', entry.topic, '', shownValue(entry)]),
    ...page.removed.map((entry) => ['removed', entry.topic, shownValue(entry), '']),
    ...page.changed.map((change) => ['changed', change.topic, shownValue(change.before), shownValue(change.after)]),
  ].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  document.getElementById('diff-from').textContent = `#${diff.from}`;
  document.getElementById('diff-to').textContent = `#${diff.to}`;
  const body = document.getElementById('diff-rows');
  body.replaceChildren(...rows.map(([kind, topic, before, after]) => el('tr', {},
    el('td', { class: `diff-${kind}`, text: kind }), el('td', { text: topic }),
    el('td', { class: 'payload', text: before }), el('td', { class: 'payload', text: after }))));
  if (!rows.length) body.append(el('tr', {}, el('td', { colspan: 4, class: 'empty', text: 'No differences.' })));
  const first = diff.page * DIFF_PAGE;
  document.getElementById('diff-range').textContent = rows.length
    ? `topics ${(first + 1).toLocaleString('en-US')}–${(first + rows.length).toLocaleString('en-US')} that differ`
      + (page.next ? ', more follow' : '') : '';
  diffNext.hidden = !page.next;
  diffFirst.hidden = diff.page === 0;
  document.getElementById('diff').hidden = false;
  markRendered();
}

compare.addEventListener('click', () => {
  [diff.from, diff.to] = picked();
  diff.page = 0;
  showDiff(null);
});

diffNext.addEventListener('click', () => {
  if (!diff.next) return;
  diff.page++;
  showDiff(diff.next);
});

diffFirst.addEventListener('click', () => {
  diff.page = 0;
  showDiff(null);
});

document.getElementById('snapshots').addEventListener('click', async (e) => {
  const id = e.target.dataset?.restore;
  if (id === undefined) return;
  if (!confirm(`Restore snapshot #${id}? Its retained messages are published again to the broker.`)) return;
  const response = await fetch(`/api/snapshots/${id}/restore`, { method: 'POST' });
  if (response.ok) {
    const { restored } = await response.json();
    say(`Snapshot #${id}: restored ${restored} retained message(s).`, true);
  } else {
    say(await problemText(response), false);
  }
});

markRendered();
