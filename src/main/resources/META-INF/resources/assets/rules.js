// The rules page: counters and last outputs, refreshed every two seconds.
import { el, markRendered, setTime } from './common.js';

const rows = new Map([...document.querySelectorAll('#rules tr[data-rule]')].map((row) => [row.dataset.rule, row]));

async function refresh() {
  const response = await fetch('/api/rules', { headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  for (const rule of await response.json()) {
    const row = rows.get(rule.name);
    if (!row) continue;
    for (const stat of ['received', 'published', 'ignored', 'cut']) {
      row.querySelector(`[data-stat=${stat}]`).textContent = String(rule.stats[stat]);
    }
    if (rule.last) {
      const time = el('time');
      setTime(time, Date.parse(rule.last.at));
      row.querySelector('[data-stat=last]').replaceChildren(el('code', { text: rule.last.topic }), ` = ${rule.last.payload} `, time);
    }
  }
}

setInterval(() => refresh().catch(() => {}), 2000);

markRendered();
