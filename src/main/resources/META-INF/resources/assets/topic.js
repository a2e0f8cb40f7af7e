// One topic: its plot, its last messages and a publish form, kept live from the stream.
import { currentTopics, el, flash, follow, markRendered, problemText, setTime, shownValue } from './common.js';

const MAX_POINTS = 2000;
const MAX_ROWS = 50;
const page = document.getElementById('topic');
const topic = page.dataset.topic;
const xs = [];
const ys = [];
for (const pair of (page.dataset.points || '').split(' ').filter(Boolean)) {
  const [ms, value] = pair.split(':');
  xs.push(Number(ms) / 1000);
  ys.push(Number(value));
}

const chartBox = document.getElementById('chart');
let chart = null;

function drawChart() {
  document.getElementById('chart-empty').hidden = ys.length > 0;
  if (!ys.length || typeof uPlot === 'undefined') return;
  if (chart) { chart.setData([xs, ys]); return; }
  chart = new uPlot({
    width: Math.max(300, chartBox.clientWidth),
    height: 260,
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    axes: [
      { stroke: '#8b9ab5', grid: { stroke: '#1b2540' }, ticks: { stroke: '#24314d' } },
      { stroke: '#8b9ab5', grid: { stroke: '#1b2540' }, ticks: { stroke: '#24314d' } },
    ],
    series: [{}, { label: topic, stroke: '#2dd4bf', width: 2, fill: 'rgba(45,212,191,0.08)', points: { show: ys.length < 60 } }],
  }, [xs, ys], chartBox);
  new ResizeObserver(() => chart.setSize({ width: Math.max(300, chartBox.clientWidth), height: 260 })).observe(chartBox);
}

function showLast(event) {
  const value = document.getElementById('last-value');
  const text = shownValue(event);
  if (value.textContent !== text) {
    value.textContent = text;
    flash(value);
  }
  document.getElementById('no-message')?.remove();
  const qos = document.getElementById('last-qos');
  if (qos) qos.textContent = `QoS ${event.qos}`;
  const retained = document.getElementById('last-retained');
  if (retained) retained.hidden = !event.retained;
  const count = document.getElementById('last-count');
  if (count && typeof event.count === 'number') count.textContent = event.count.toLocaleString();
  const at = document.getElementById('last-at');
  if (at) setTime(at, event.ts);
  const properties = document.getElementById('last-properties');
  if (properties) {
    const summary = propertiesSummary(event);
    properties.hidden = !summary;
    document.getElementById('last-properties-text').textContent = summary;
  }
}

/** The MQTT 5 properties of an event on one line, as the server renders them; empty when it has none. */
function propertiesSummary(event) {
  const parts = [];
  if (event.contentType) parts.push(event.contentType);
  if (event.payloadFormat) parts.push(event.payloadFormat);
  for (const [name, values] of Object.entries(event.userProperties || {})) {
    for (const value of values) parts.push(`${name}=${value}`);
  }
  if (event.responseTopic) parts.push(`reply to: ${event.responseTopic}`);
  if (event.correlationData) parts.push(`correlation: ${event.correlationData}`);
  if (typeof event.messageExpiry === 'number') parts.push(`expires in ${event.messageExpiry} s`);
  return parts.join(' · ');
}

function addRow(event) {
  const body = document.querySelector('#messages tbody');
  const time = el('time');
  setTime(time, event.ts);
  body.prepend(el('tr', {}, el('td', {}, time), el('td', { class: 'payload', text: shownValue(event) }),
    el('td', { text: String(event.qos) }), el('td', { text: event.retained ? 'yes' : '' }),
    el('td', { class: 'properties', text: propertiesSummary(event) })));
  while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
}

let lastTs = Date.parse(page.dataset.updated) || 0;

function onEvent(event) {
  if (event.topic !== topic) return;
  showLast(event);
  if (event.ts <= lastTs) return;
  lastTs = event.ts;
  addRow(event);
  if (typeof event.number === 'number') {
    xs.push(event.ts / 1000);
    ys.push(event.number);
    if (xs.length > MAX_POINTS) { xs.shift(); ys.shift(); }
    drawChart();
  }
}

document.getElementById('publish-form')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const result = document.getElementById('publish-result');
  const body = {
    topic: form.topic.value,
    payload: form.payload.value,
    qos: Number(form.qos.value),
    retain: form.retain.checked,
  };
  result.className = 'result';
  result.textContent = 'Publishing…';
  try {
    const response = await fetch('/api/publish', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
    });
    if (response.ok) {
      result.classList.add('ok');
      result.textContent = `Published to ${body.topic} at QoS ${body.qos}${body.retain ? ', retained' : ''}.`;
    } else {
      result.classList.add('error');
      result.textContent = await problemText(response);
    }
  } catch (error) {
    result.classList.add('error');
    result.textContent = `CellHub did not answer: ${error.message}`;
  }
});

drawChart();
markRendered();
/** Catches up on what arrived between rendering the page and opening the stream. */
async function reload() {
  try {
    for (const event of await currentTopics(topic)) onEvent(event);
  } catch {
    // The stream keeps the page current.
  }
}

follow(topic, { onEvent, onReset: reload });
