// The snapshots page: take, compare two, restore.
import { el, problemText, shownValue } from './common.js';

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

compare.addEventListener('click', async () => {
  const [from, to] = picked();
  const response = await fetch(`/api/snapshots/${from}/diff/${to}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) { say(await problemText(response), false); return; }
  const diff = await response.json();
  const rows = [
    ...diff.added.map((entry) => ['added', entry.topic, '', shownValue(entry)]),
    ...diff.removed.map((entry) => ['removed', entry.topic, shownValue(entry), '']),
    ...diff.changed.map((change) => ['changed', change.topic, shownValue(change.before), shownValue(change.after)]),
  ];
  document.getElementById('diff-from').textContent = `#${from}`;
  document.getElementById('diff-to').textContent = `#${to}`;
  const body = document.getElementById('diff-rows');
  body.replaceChildren(...rows.map(([kind, topic, before, after]) => el('tr', {},
    el('td', { class: `diff-${kind}`, text: kind }), el('td', { text: topic }),
    el('td', { class: 'payload', text: before }), el('td', { class: 'payload', text: after }))));
  if (!rows.length) body.append(el('tr', {}, el('td', { colspan: 4, class: 'empty', text: 'No differences.' })));
  document.getElementById('diff').hidden = false;
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
