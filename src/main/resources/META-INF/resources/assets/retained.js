// The retained page: clear one message, or restore the mirror to the broker.
import { markRendered, problemText } from './common.js';

const result = document.getElementById('action-result');

function say(text, ok) {
  result.textContent = text;
  result.style.color = ok ? 'var(--good)' : 'var(--bad)';
}

document.getElementById('retained').addEventListener('click', async (e) => {
  const topic = e.target.dataset?.clear;
  if (topic === undefined) return;
  if (!confirm(`Clear the retained message on ${topic}? Devices subscribing later will no longer get it.`)) return;
  const response = await fetch('/api/retained/' + topic.split('/').map(encodeURIComponent).join('/'), { method: 'DELETE' });
  if (response.ok) {
    e.target.closest('tr').remove();
    say(`Cleared ${topic}.`, true);
  } else {
    say(await problemText(response), false);
  }
});

document.getElementById('restore').addEventListener('click', async (e) => {
  const filter = e.target.dataset.filter;
  say('Restoring…', true);
  const response = await fetch('/api/retained/restore?filter=' + encodeURIComponent(filter), { method: 'POST' });
  if (response.ok) {
    const { restored } = await response.json();
    say(`Restored ${restored} retained message(s) the broker had lost.`, true);
  } else {
    say(await problemText(response), false);
  }
});

markRendered();
