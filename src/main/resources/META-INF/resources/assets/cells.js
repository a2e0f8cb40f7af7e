// The Cells page: one card per cell, kept live from the stream.
import { el, flash, follow, currentTopics, setTime, sparkline, shownValue, topicHref } from './common.js';

const HISTORY = 100;
const grid = document.getElementById('cells');
const readings = grid.dataset.readings.split(',').filter(Boolean);
const template = document.getElementById('cell-template');
const steps = new Map([...document.querySelectorAll('.step[data-topic]')].map((step) => [step.dataset.topic, step]));
const series = new WeakMap();

for (const svg of document.querySelectorAll('svg.spark')) {
  const values = (svg.dataset.points || '').split(' ').filter(Boolean).map(Number);
  series.set(svg, values);
  sparkline(svg, values);
}

function cardFor(cell) {
  for (const card of grid.querySelectorAll('article.cell')) {
    if (card.dataset.cell === cell) return card;
  }
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.cell = cell;
  card.querySelector('h2').textContent = cell;
  for (const reading of card.querySelectorAll('.reading')) {
    reading.querySelector('dt a').href = topicHref(`${cell}/${reading.dataset.suffix}`);
    series.set(reading.querySelector('svg'), []);
  }
  document.getElementById('no-cells')?.remove();
  const after = [...grid.querySelectorAll('article.cell')]
    .find((other) => other.dataset.cell.localeCompare(cell, undefined, { numeric: true }) > 0);
  grid.insertBefore(card, after || null);
  return card;
}

function showReading(card, suffix, event) {
  const reading = [...card.querySelectorAll('.reading')].find((r) => r.dataset.suffix === suffix);
  if (!reading) return;
  for (const row of card.querySelectorAll('.reading')) {
    if (row.dataset.rule === reading.dataset.rule) row.hidden = false;
  }
  const value = reading.querySelector('[data-role=value]');
  const text = shownValue(event);
  if (value.textContent !== text) {
    value.textContent = text;
    flash(reading);
  }
  if (typeof event.number === 'number') {
    const svg = reading.querySelector('svg');
    const values = series.get(svg) || [];
    values.push(event.number);
    if (values.length > HISTORY) values.splice(0, values.length - HISTORY);
    series.set(svg, values);
    sparkline(svg, values);
  }
}

function showStatus(card, event) {
  const status = card.querySelector('[data-role=status]');
  const text = (event.payload ?? 'unknown').trim();
  status.textContent = text;
  const state = text.toLowerCase();
  status.classList.remove('online', 'offline', 'unknown');
  status.classList.add(state === 'online' || state === 'offline' ? state : 'unknown');
}

function showJoint(card, index, angle) {
  if (typeof angle !== 'number' || !Number.isFinite(angle)) return;
  const joints = card.querySelector('[data-role=joints]');
  let joint = [...joints.children].find((j) => j.dataset.joint === String(index));
  if (!joint) {
    joint = el('div', { class: 'joint', 'data-joint': index }, el('span', { text: `J${index}` }),
      el('meter', { min: 0, max: 360 }), el('span', { class: 'deg' }));
    const after = [...joints.children].find((j) => Number(j.dataset.joint) > index);
    joints.insertBefore(joint, after || null);
  }
  joint.querySelector('meter').value = angle;
  joint.querySelector('.deg').textContent = `${angle}°`;
}

function showCompactJoints(card, event) {
  let joints;
  try { joints = JSON.parse(event.payload); } catch { return; }
  if (!joints || typeof joints !== 'object' || Array.isArray(joints)) return;
  Object.entries(joints).forEach(([name, angle], position) => {
    const index = /^\D*(\d+)$/.exec(name);
    showJoint(card, index ? Number(index[1]) : position, angle);
  });
}

function showStep(step, event) {
  const text = (event.payload ?? '').trim().toLowerCase();
  const state = ['true', '1', 'on'].includes(text) ? 'on' : ['false', '0', 'off'].includes(text) ? 'off' : 'unknown';
  if (!step.classList.contains(state)) flash(step);
  step.classList.remove('on', 'off', 'unknown');
  step.classList.add(state);
  step.querySelector('[data-role=state]').textContent = state;
}

const seenAt = new Map();

function onEvent(event) {
  if (seenAt.get(event.topic) >= event.ts) return;
  seenAt.set(event.topic, event.ts);
  const step = steps.get(event.topic);
  if (step) showStep(step, event);
  const flat = /^(.+)\/joints\/(\d+)$/.exec(event.topic);
  let card;
  if (flat) {
    card = cardFor(flat[1]);
    showJoint(card, Number(flat[2]), event.number);
  } else {
    const suffix = readings.find((s) => event.topic.endsWith('/' + s) && event.topic.length > s.length + 1)
      ?? ['status', 'joints'].find((s) => event.topic.endsWith('/' + s) && event.topic.length > s.length + 1);
    if (!suffix) return;
    card = cardFor(event.topic.slice(0, -suffix.length - 1));
    if (suffix === 'status') showStatus(card, event);
    else if (suffix === 'joints') showCompactJoints(card, event);
    else showReading(card, suffix, event);
  }
  const seen = card.querySelector('[data-role=seen]');
  if (!(Date.parse(seen.getAttribute('datetime')) >= event.ts)) setTime(seen, event.ts);
}

/** Catches up on everything that changed between rendering the page and opening the stream. */
async function reload() {
  try {
    for (const event of await currentTopics('#')) onEvent(event);
  } catch {
    // The stream keeps the page current; values missed meanwhile show on their next change.
  }
}

follow('#', { onEvent, onReset: reload });
