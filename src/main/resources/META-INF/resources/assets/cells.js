// The Cells page: the fleet summary, then one page of cell cards (search, sort and paging read
// /api/cells in place). The stream follows only the cells of the page ('<cell>/#') and the chains;
// a card off screen keeps its values in memory and draws them when it scrolls into view.
import {
  el, flash, follow, getJson, grouped, markRendered, setTime, shownValue, sparkline, topicHref,
} from './common.js';

const HISTORY = 100;
const STALE_AFTER_MS = Number(document.getElementById('cells').dataset.staleAfterMs) || 30000;
const SUMMARY_MS = 5000;
const grid = document.getElementById('cells');
const readings = grid.dataset.readings.split(',').filter(Boolean);
const template = document.getElementById('cell-template');
const search = document.getElementById('cell-search');
const sort = document.getElementById('cell-sort');
const range = document.getElementById('cell-range');
const prevButton = document.getElementById('cells-prev');
const nextLink = document.getElementById('cells-next');
const steps = new Map([...document.querySelectorAll('.step[data-topic]')].map((step) => [step.dataset.topic, step]));

const query = {
  search: search.value, sort: sort.value, limit: Number(grid.dataset.limit) || 24, cursor: grid.dataset.cursor || null,
  next: grid.dataset.next || null, total: Number(grid.dataset.total) || 0, shown: 0,
  /** Cursors of the pages before this one, for 'Previous'; unknown when the page was opened at a cursor. */
  back: [], offset: grid.dataset.cursor ? null : 0,
};
/** The cards of the page: cell -> { element, visible, pending: topic -> event, series: suffix -> numbers, seenAt }. */
let cards = new Map();
let stream = null;
/** Bumped by every page turn, search or sort: an answer for an older one is dropped. */
let request = 0;
/** Bumped by every refresh of the same page; a redraw asked for carries over to the refresh that answers last. */
let refreshRequest = 0;
let redrawWanted = false;

const seen = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const card = cards.get(entry.target.dataset.cell);
    if (!card || card.element !== entry.target) continue;
    card.visible = entry.isIntersecting;
    if (card.visible) drawPending(card);
  }
}, { rootMargin: '200px 0px' });

function adopt(element) {
  const card = { element, visible: false, pending: new Map(), series: new Map(), seenAt: new Map() };
  for (const reading of element.querySelectorAll('.reading')) {
    const svg = reading.querySelector('svg');
    const values = (svg.dataset.points || '').split(' ').filter(Boolean).map(Number);
    card.series.set(reading.dataset.suffix, values);
    sparkline(svg, values);
  }
  cards.set(element.dataset.cell, card);
  seen.observe(element);
  return card;
}

/** A card for a page read from /api/cells, made from the server's own card template. */
function cardElement(cell) {
  const element = template.content.firstElementChild.cloneNode(true);
  element.dataset.cell = cell.name;
  element.dataset.state = cell.state;
  element.querySelector('h2').textContent = cell.name;
  const status = element.querySelector('[data-role=status]');
  status.textContent = cell.status;
  status.className = `status ${cell.state}`;
  const seenTime = element.querySelector('[data-role=seen]');
  if (cell.lastSeen) setTime(seenTime, Date.parse(cell.lastSeen));
  else seenTime.textContent = 'never';
  const byLabel = new Map(cell.readings.map((r) => [r.label, r]));
  for (const reading of element.querySelectorAll('.reading')) {
    const r = byLabel.get(reading.dataset.suffix);
    reading.querySelector('dt a').href = topicHref(`${cell.name}/${reading.dataset.suffix}`);
    reading.hidden = !(r && r.shown);
    reading.querySelector('[data-role=value]').textContent = r?.value ?? '–';
    reading.querySelector('svg').dataset.points = r?.points ?? '';
  }
  const joints = element.querySelector('[data-role=joints]');
  for (const joint of cell.joints) joints.append(jointElement(joint.index, joint.angle));
  return element;
}

function jointElement(index, angle) {
  const joint = el('div', { class: 'joint', 'data-joint': index }, el('span', { text: `J${index}` }),
    el('meter', { min: 0, max: 360 }), el('span', { class: 'deg' }));
  joint.querySelector('meter').value = angle;
  joint.querySelector('.deg').textContent = `${angle}°`;
  return joint;
}

function showPage(page) {
  for (const card of cards.values()) seen.unobserve(card.element);
  cards = new Map();
  const elements = page.items.map(cardElement);
  if (elements.length) grid.replaceChildren(...elements);
  else grid.replaceChildren(el('p', { class: 'empty', id: 'no-cells', text: query.search
    ? `No cell name contains “${query.search}”.` : 'No cells yet.' }));
  elements.forEach(adopt);
  query.next = page.next;
  query.total = page.total;
  query.shown = page.items.length;
  showRange();
  followPage();
}

function showRange() {
  const from = query.offset;
  range.replaceChildren(from === null ? `${grouped(query.shown)} of ` : `${grouped(query.shown ? from + 1 : 0)}–${grouped(from + query.shown)} of `,
    el('b', { text: grouped(query.total) }), ' cells');
  prevButton.disabled = query.cursor === null;
  nextLink.classList.toggle('disabled', query.next === null);
  nextLink.setAttribute('aria-disabled', String(query.next === null));
  nextLink.href = query.next === null ? '#' : pageUrl('/', query.next);
}

function pageUrl(path, cursor) {
  const params = new URLSearchParams();
  if (query.search) params.set('search', query.search);
  if (query.sort !== 'name') params.set('sort', query.sort);
  if (cursor) params.set('cursor', cursor);
  if (path === '/api/cells') params.set('limit', String(query.limit));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function loadPage(cursor) {
  const mine = ++request;
  try {
    const page = await getJson(pageUrl('/api/cells', cursor));
    if (mine !== request) return;
    query.cursor = cursor;
    history.replaceState(null, '', pageUrl('/', cursor));
    showPage(page);
  } catch (e) {
    if (mine === request) range.textContent = e.message;
  }
}

function restart() {
  query.back = [];
  query.offset = 0;
  loadPage(null);
}

search.addEventListener('input', () => {
  clearTimeout(search.cellhubTyped);
  search.cellhubTyped = setTimeout(() => {
    if (search.value.trim() === query.search) return;
    query.search = search.value.trim();
    restart();
  }, 250);
});
sort.addEventListener('change', () => {
  query.sort = sort.value;
  restart();
});
document.getElementById('cell-query').addEventListener('submit', (e) => {
  e.preventDefault();
  query.search = search.value.trim();
  restart();
});
nextLink.addEventListener('click', (e) => {
  e.preventDefault();
  if (query.next === null) return;
  query.back.push(query.cursor);
  if (query.offset !== null) query.offset += query.shown;
  loadPage(query.next);
  document.querySelector('main').scrollIntoView();
});
prevButton.addEventListener('click', () => {
  if (query.back.length) {
    const cursor = query.back.pop();
    if (query.offset !== null) query.offset = Math.max(0, query.offset - query.limit);
    loadPage(cursor);
  } else {
    restart();
  }
});

/** The stream follows the cells on this page and the chains' topics. */
function followPage() {
  const filters = [...cards.keys()].map((cell) => `${cell}/#`).concat([...steps.keys()]);
  stream?.close();
  stream = filters.length ? follow(filters, { onEvent, onReset: () => refreshPage(true) }) : null;
}

/**
 * The page read again: a different set of cells is shown anew; the same set is redrawn only after a
 * reconnect or a resync (`redraw`), when values may have been missed.
 */
async function refreshPage(redraw = false) {
  redrawWanted ||= redraw;
  const mine = ++refreshRequest;
  const shownPage = request;
  try {
    const page = await getJson(pageUrl('/api/cells', query.cursor));
    if (mine !== refreshRequest || shownPage !== request) return;
    redraw = redrawWanted;
    redrawWanted = false;
    const known = [...cards.keys()].join('\n');
    if (page.items.map((c) => c.name).join('\n') !== known) {
      showPage(page);
      return;
    }
    query.total = page.total;
    showRange();
    if (!redraw) return;
    for (const cell of page.items) {
      const card = cards.get(cell.name);
      const fresh = cardElement(cell);
      card.element.replaceWith(fresh);
      seen.unobserve(card.element);
      cards.delete(cell.name);
      adopt(fresh);
    }
  } catch {
    // the stream keeps the page current; the next reconnect tries again
  }
}

function onEvent(event) {
  const step = steps.get(event.topic);
  if (step) showStep(step, event);
  const flat = /^(.+)\/joints\/(\d+)$/.exec(event.topic);
  let cell;
  let suffix;
  if (flat) {
    cell = flat[1];
    suffix = 'joints/' + flat[2];
  } else {
    suffix = readings.concat(['status', 'joints'])
      .find((s) => event.topic.endsWith('/' + s) && event.topic.length > s.length + 1);
    if (!suffix) return;
    cell = event.topic.slice(0, -suffix.length - 1);
  }
  const card = cards.get(cell);
  if (!card) return;
  if (card.seenAt.get(event.topic) >= event.ts) return;
  card.seenAt.set(event.topic, event.ts);
  if (typeof event.number === 'number' && readings.includes(suffix)) {
    const values = card.series.get(suffix) ?? [];
    values.push(event.number);
    if (values.length > HISTORY) values.splice(0, values.length - HISTORY);
    card.series.set(suffix, values);
  }
  if (card.visible) draw(card, suffix, event, true);
  else card.pending.set(event.topic, { suffix, event });
}

/** What arrived while the card was off screen, drawn at once, without flashing. */
function drawPending(card) {
  const pending = [...card.pending.values()].sort((a, b) => a.event.ts - b.event.ts);
  card.pending.clear();
  for (const { suffix, event } of pending) draw(card, suffix, event, false);
  for (const reading of card.element.querySelectorAll('.reading')) {
    sparkline(reading.querySelector('svg'), card.series.get(reading.dataset.suffix) ?? []);
  }
}

function draw(card, suffix, event, live) {
  const element = card.element;
  if (suffix === 'status') showStatus(element, event);
  else if (suffix === 'joints') showCompactJoints(element, event);
  else if (suffix.startsWith('joints/')) showJoint(element, Number(suffix.slice(7)), event.number);
  else showReading(card, suffix, event, live);
  const seenTime = element.querySelector('[data-role=seen]');
  if (!(Date.parse(seenTime.getAttribute('datetime')) >= event.ts)) setTime(seenTime, event.ts);
  if (element.dataset.state === 'stale' && Date.now() - event.ts < STALE_AFTER_MS) showState(element);
}

/** The status badge's colour: the status it says, or stale once the cell has been silent for cellhub.dashboard.stale-after. */
function showState(element) {
  const status = element.querySelector('[data-role=status]');
  const text = status.textContent.trim().toLowerCase();
  let state = text === 'online' || text === 'offline' ? text : 'unknown';
  const seen = Date.parse(element.querySelector('[data-role=seen]').getAttribute('datetime'));
  if (state !== 'offline' && (Number.isNaN(seen) || Date.now() - seen >= STALE_AFTER_MS)) state = 'stale';
  status.className = `status ${state}`;
  element.dataset.state = state;
}

function showReading(card, suffix, event, live) {
  const reading = [...card.element.querySelectorAll('.reading')].find((r) => r.dataset.suffix === suffix);
  if (!reading) return;
  for (const row of card.element.querySelectorAll('.reading')) {
    if (row.dataset.rule === reading.dataset.rule) row.hidden = false;
  }
  const value = reading.querySelector('[data-role=value]');
  const text = shownValue(event);
  if (value.textContent !== text) {
    value.textContent = text;
    if (live) flash(reading);
  }
  if (live && typeof event.number === 'number') sparkline(reading.querySelector('svg'), card.series.get(suffix) ?? []);
}

function showStatus(element, event) {
  element.querySelector('[data-role=status]').textContent = (event.payload ?? 'unknown').trim();
  showState(element);
}

function showJoint(element, index, angle) {
  if (typeof angle !== 'number' || !Number.isFinite(angle)) return;
  const joints = element.querySelector('[data-role=joints]');
  let joint = [...joints.children].find((j) => j.dataset.joint === String(index));
  if (!joint) {
    joint = jointElement(index, angle);
    const after = [...joints.children].find((j) => Number(j.dataset.joint) > index);
    joints.insertBefore(joint, after || null);
    return;
  }
  joint.querySelector('meter').value = angle;
  joint.querySelector('.deg').textContent = `${angle}°`;
}

function showCompactJoints(element, event) {
  let joints;
  try { joints = JSON.parse(event.payload); } catch { return; }
  if (!joints || typeof joints !== 'object' || Array.isArray(joints)) return;
  Object.entries(joints).forEach(([name, angle], position) => {
    const index = /^\D*(\d+)$/.exec(name);
    showJoint(element, index ? Number(index[1]) : position, angle);
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

/**
 * The summary and the rules' last outputs, every few seconds; and a page with room left is read again,
 * so cells that appear (or come to match the search) join it.
 */
async function refreshSummary() {
  if (document.hidden) return;
  if (query.shown < query.limit) refreshPage();
  for (const card of cards.values()) if (card.visible) showState(card.element);
  try {
    const summary = await getJson('/api/cells/summary');
    for (const name of ['cells', 'online', 'stale', 'offline', 'unknown']) {
      const tile = document.querySelector(`[data-fleet="${name}"]`);
      if (tile) tile.textContent = grouped(summary[name]);
    }
    for (const rule of summary.rules) {
      const item = [...document.querySelectorAll('#rule-list li[data-rule]')].find((li) => li.dataset.rule === rule.name);
      if (!item) continue;
      item.querySelector('[data-stat=received]').textContent = grouped(rule.stats.received);
      item.querySelector('[data-stat=published]').textContent = grouped(rule.stats.published);
      if (rule.last) {
        const time = el('time');
        setTime(time, Date.parse(rule.last.at));
        item.querySelector('[data-stat=last]').replaceChildren(el('code', { text: rule.last.topic }), ' = ',
          el('span', { class: 'value-inline', text: rule.last.payload ?? '' }), ' ', time);
      }
    }
  } catch {
    // the next refresh tries again
  }
}

for (const element of grid.querySelectorAll('article.cell')) adopt(element);
query.shown = cards.size;
showRange();
followPage();
setInterval(refreshSummary, SUMMARY_MS);
markRendered();
