// The topic tree, lazy and virtualised: the server sends one level at a time (GET /api/tree) with
// child, topic and message counts; only opened levels are loaded, a long level a page at a time as it
// scrolls into view, and only the rows in the viewport exist in the DOM. The stream follows the opened
// levels ('<level>/+'), so live values reach the rows on screen; counts below them refresh every few
// seconds for the visible rows only.
import {
  el, flash, follow, filterError, getJson, grouped, markRendered, naturalCompare, setTime, shownValue, topicHref,
  topicMatches,
} from './common.js';

const ROW = 28;
const OVERSCAN = 10;
const PAGE = 200;
/** A level this small opens its children by itself (the demo fleet opens like a file tree). */
const AUTO_OPEN = 10;
const AUTO_ROWS = 300;
const REFRESH_MS = 3000;
/** More open levels than this and the stream follows only the ones with rows on screen. */
const MAX_FOLLOWED = 100;

const viewport = document.getElementById('tree-viewport');
const list = document.getElementById('tree');
const form = document.getElementById('filter-form');
const input = document.getElementById('filter');
const error = document.getElementById('filter-error');
const empty = document.getElementById('tree-empty');
const shown = document.getElementById('tree-count');

let filter = list.dataset.filter || '#';
/** Bumped on every reset, so answers for an older tree are dropped. */
let generation = 0;
/** Nodes by path, for the stream's events. */
let nodes = new Map();
let root;
let rows = [];
let layoutDue = true;
let frame = 0;
/** The rendered rows: key -> element. */
const rendered = new Map();
let source = null;
let followed = '';

function level(prefix, depth, owner) {
  return { prefix, depth, owner, items: [], children: 0, topics: 0, next: null, loaded: false, loading: false, failed: null };
}

function node(branch, depth, parent) {
  return {
    name: branch.name, path: branch.path, depth, parent, children: branch.children, topics: branch.topics,
    messages: branch.messages, topic: branch.topic ? asEvent(branch.topic) : null, retained: branch.retained,
    open: false, level: null, version: 0, toggled: false,
  };
}

function asEvent(view) {
  return {
    payload: view.payload, payloadBase64: view.payloadBase64, qos: view.qos, retained: view.retained,
    ts: Date.parse(view.updatedAt), count: view.count,
  };
}

function reset() {
  generation++;
  nodes = new Map();
  root = level(null, 0, null);
  for (const element of rendered.values()) element.remove();
  rendered.clear();
  viewport.scrollTop = 0;
  empty.hidden = true;
  shown.textContent = '0';
  relayout();
  load(root);
}

function treeUrl(lvl, cursor, limit) {
  const params = new URLSearchParams({ filter, limit: String(limit) });
  if (lvl.prefix !== null) params.set('prefix', lvl.prefix);
  if (cursor !== null && cursor !== undefined) params.set('cursor', cursor);
  return '/api/tree?' + params;
}

/** Loads a level's next page. */
async function load(lvl) {
  if (lvl.loading || (lvl.loaded && lvl.next === null)) return;
  lvl.loading = true;
  const mine = generation;
  relayout();
  try {
    const page = await getJson(treeUrl(lvl, lvl.loaded ? lvl.next : null, PAGE));
    if (mine !== generation) return;
    lvl.failed = null;
    merge(lvl, page, lvl.loaded ? lvl.next : null, true);
    lvl.loaded = true;
    lvl.next = page.next;
    if (lvl === root) {
      shown.textContent = grouped(page.topics);
      empty.hidden = page.children > 0;
    }
    autoOpen(lvl);
  } catch (e) {
    if (mine !== generation) return;
    lvl.failed = e.message;
    error.textContent = e.message;
  } finally {
    if (mine === generation) {
      lvl.loading = false;
      relayout();
      if (lvl === root) markRendered();
      followLevels();
    }
  }
}

/**
 * Takes a page of a level into the model: updates the nodes it has, inserts the new ones in order.
 * A page read from the first child (`after` null) or after a known one covers that stretch entirely.
 */
function merge(lvl, page, after, appending) {
  lvl.children = page.children;
  lvl.topics = page.topics;
  if (lvl.owner) {
    lvl.owner.children = page.children;
    lvl.owner.version++;
  }
  for (const branch of page.items) {
    const known = nodes.get(branch.path);
    if (known && known.parent === lvl.owner) {
      known.children = branch.children;
      known.topics = branch.topics;
      known.messages = branch.messages;
      known.retained = branch.retained;
      if (branch.topic && (!known.topic || known.topic.ts <= Date.parse(branch.topic.updatedAt))) known.topic = asEvent(branch.topic);
      known.version++;
      continue;
    }
    const added = node(branch, lvl.depth, lvl.owner);
    nodes.set(added.path, added);
    if (appending) lvl.items.push(added);
    else insert(lvl, added);
  }
  relayout();
}

function insert(lvl, added) {
  let low = 0;
  let high = lvl.items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (naturalCompare(lvl.items[mid].name, added.name) < 0) low = mid + 1;
    else high = mid;
  }
  lvl.items.splice(low, 0, added);
}

/**
 * Small levels open their children by themselves (also children that appear later), as long as the
 * tree stays under AUTO_ROWS rows with them; a node the user opened or closed stays as they left it.
 * So the demo fleet opens like a file tree, and a plant's ten lines of 1,000 sensors stay closed.
 */
function autoOpen(lvl) {
  if (lvl.children > AUTO_OPEN || lvl.depth > 8) return;
  let room = AUTO_ROWS - (layoutDue ? flatten().length : rows.length);
  for (const child of lvl.items) {
    if (child.children > 0 && !child.open && !child.toggled && child.children <= room) {
      room -= child.children;
      open(child);
    }
  }
}

function open(n) {
  n.open = true;
  n.version++;
  if (!n.level) n.level = level(n.path, n.depth + 1, n);
  relayout();
  load(n.level);
  followLevels();
}

function toggle(n) {
  if (n.children === 0 && !n.open) return;
  n.toggled = true;
  if (n.open) {
    n.open = false;
    n.version++;
    relayout();
    followLevels();
  } else {
    open(n);
  }
}

function relayout() {
  layoutDue = true;
  schedule();
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(render);
}

/** The opened tree as a list of rows: nodes, and a 'more' row where a level has further pages. */
function flatten() {
  const out = [];
  const walk = (lvl) => {
    for (const n of lvl.items) {
      out.push({ key: 'n:' + n.path, node: n });
      if (n.open && n.level) walk(n.level);
    }
    if (lvl.loading || lvl.next !== null || lvl.failed) out.push({ key: 'm:' + (lvl.prefix ?? '\u0000root'), more: lvl });
  };
  walk(root);
  return out;
}

function render() {
  frame = 0;
  if (layoutDue) {
    rows = flatten();
    list.style.height = `${rows.length * ROW}px`;
    layoutDue = false;
  }
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW) + OVERSCAN);
  const keep = new Set();
  for (let i = first; i < last; i++) {
    const row = rows[i];
    keep.add(row.key);
    let element = rendered.get(row.key);
    if (!element) {
      element = row.node ? nodeRow(row.node) : moreRow();
      rendered.set(row.key, element);
      list.append(element);
    }
    if (element.cellhubTop !== i) {
      element.style.transform = `translateY(${i * ROW}px)`;
      element.cellhubTop = i;
    }
    if (row.node) {
      if (element.cellhubVersion !== row.node.version) fillNode(element, row.node);
    } else {
      fillMore(element, row.more);
      if (!row.more.loading && !row.more.failed && row.more.next !== null) load(row.more);
    }
  }
  for (const [key, element] of rendered) {
    if (!keep.has(key)) {
      element.remove();
      rendered.delete(key);
    }
  }
}

function nodeRow(n) {
  const toggleButton = el('button', { class: 'toggle', type: 'button', 'aria-label': 'expand or collapse' });
  toggleButton.addEventListener('click', () => {
    const current = nodes.get(element.dataset.topic);
    if (current) toggle(current);
  });
  const row = el('div', { class: 'node-row' },
    el('span', { class: 'node-name' }, toggleButton, el('span', { class: 'label' }), el('span', { class: 'children-count' })),
    el('span', { class: 'node-value' }),
    el('span', { class: 'node-qos' }),
    el('span', { class: 'node-count' }),
    el('span', { class: 'node-age' }));
  const element = el('li', { role: 'treeitem', 'data-topic': n.path }, row);
  return element;
}

function fillNode(element, n) {
  element.cellhubVersion = n.version;
  element.dataset.topic = n.path;
  element.setAttribute('aria-level', String(n.depth + 1));
  if (n.children > 0) element.setAttribute('aria-expanded', String(n.open));
  else element.removeAttribute('aria-expanded');
  const [name, value, qos, count, age] = element.firstChild.children;
  name.style.setProperty('--depth', String(n.depth));
  const [toggleButton, , children] = name.children;
  toggleButton.textContent = n.children > 0 ? (n.open ? '▾' : '▸') : '';
  const text = n.name === '' ? '(empty)' : n.name;
  let label = name.children[1];
  const wantsLink = n.topic !== null;
  if (wantsLink !== (label.tagName === 'A')) {
    const replacement = wantsLink ? el('a', { class: 'label' }) : el('span', { class: 'label' });
    label.replaceWith(replacement);
    label = replacement;
  }
  if (wantsLink) label.href = topicHref(n.path);
  if (label.textContent !== text) label.textContent = text;
  label.title = n.path;
  children.textContent = n.children > 0 ? `(${grouped(n.children)})` : '';
  if (n.topic) {
    const shownText = shownValue(n.topic);
    value.dataset.value = shownText;
    value.title = shownText;
    value.replaceChildren(shownText,
      ...(n.topic.retained || n.retained ? [' ', el('span', { class: 'badge retained', text: 'retained' })] : []));
    qos.textContent = `QoS ${n.topic.qos}`;
    let time = age.firstChild;
    if (!time) { time = el('time'); age.append(time); }
    setTime(time, n.topic.ts);
  } else {
    value.replaceChildren(el('span', { class: 'below', text: `${grouped(n.topics)} ${n.topics === 1 ? 'topic' : 'topics'} below` }));
    delete value.dataset.value;
    value.removeAttribute('title');
    qos.textContent = '';
    age.replaceChildren();
  }
  count.textContent = grouped(n.messages);
  count.title = n.topics > 1 ? `${grouped(n.topics)} topics, ${grouped(n.messages)} messages below` : '';
}

function moreRow() {
  return el('li', { class: 'more-row', role: 'treeitem' }, el('div', { class: 'node-row' }, el('span', { class: 'node-name' })));
}

function fillMore(element, lvl) {
  const name = element.firstChild.firstChild;
  name.style.setProperty('--depth', String(lvl.depth));
  const text = lvl.failed ? `could not load: ${lvl.failed}`
    : lvl.loading ? (lvl.loaded ? `loading more… (${grouped(lvl.items.length)} of ${grouped(lvl.children)})` : 'loading…')
      : `${grouped(lvl.children - lvl.items.length)} more`;
  if (name.textContent !== text) name.textContent = text;
}

/** A live value: the row's own, if it is on screen; a new topic joins its open level. */
function onEvent(event) {
  if (!topicMatches(filter, event.topic)) return;
  const known = nodes.get(event.topic);
  if (known) {
    if (known.topic && known.topic.ts > event.ts) return;
    const changed = !known.topic || shownValue(known.topic) !== shownValue(event);
    known.topic = event;
    if (known.children === 0 && typeof event.count === 'number') known.messages = event.count;
    known.version++;
    const element = rendered.get('n:' + known.path);
    if (element) {
      fillNode(element, known);
      if (changed) flash(element.firstChild);
    }
    return;
  }
  const slash = event.topic.lastIndexOf('/');
  const parentPath = slash < 0 ? null : event.topic.slice(0, slash);
  const parent = parentPath === null ? null : nodes.get(parentPath);
  const lvl = parentPath === null ? root : parent?.level;
  if (!lvl || !lvl.loaded) return;
  const name = event.topic.slice(slash + 1);
  const lastLoaded = lvl.items[lvl.items.length - 1];
  // Past the pages read so far the topic may be one the server has had all along: leave it and the
  // counts to that page and to the refresh of the visible rows.
  if (lvl.next !== null && lastLoaded && naturalCompare(name, lastLoaded.name) > 0) return;
  lvl.children++;
  if (parent) {
    parent.children = lvl.children;
    parent.version++;
  }
  // One topic more in every level and branch above it.
  lvl.topics++;
  for (let above = parent; above; above = above.parent) {
    above.topics++;
    above.version++;
    (above.parent ? above.parent.level : root).topics++;
  }
  shown.textContent = grouped(root.topics);
  empty.hidden = true;
  const added = node({ name, path: event.topic, children: 0, topics: 1, messages: event.count ?? 1, topic: null, retained: false },
    lvl.depth, lvl.owner);
  added.topic = event;
  nodes.set(added.path, added);
  insert(lvl, added);
  relayout();
}

/** The open levels the stream follows: all of them, or those with rows on screen when there are many. */
function followLevels() {
  const open = [];
  const walk = (lvl) => {
    if (!lvl.loaded && !lvl.loading) return;
    open.push(lvl);
    for (const n of lvl.items) if (n.open && n.level) walk(n.level);
  };
  walk(root);
  let levels = open;
  if (levels.length > MAX_FOLLOWED) {
    const visible = visibleLevels();
    levels = open.filter((lvl) => visible.has(lvl));
  }
  const filters = [...new Set(levels.map((lvl) => (lvl.prefix === null ? '+' : `${lvl.prefix}/+`)))].sort();
  const key = filters.join('\n');
  if (key === followed) return;
  followed = key;
  clearTimeout(followLevels.timer);
  // Opening several levels at once (auto-open) makes one new stream, not one each.
  followLevels.timer = setTimeout(() => {
    source?.close();
    source = follow(filters.length ? filters : ['+'], { onEvent, onReset: refreshVisible, onFailure });
  }, 150);
}

function onFailure() {
  error.textContent = `The server refused the stream for '${filter}'.`;
}

function visibleLevels() {
  const first = Math.floor(viewport.scrollTop / ROW);
  const last = Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW);
  const out = new Set();
  for (let i = first; i < Math.min(rows.length, last); i++) {
    const row = rows[i];
    out.add(row.more ?? (row.node.parent ? row.node.parent.level : root));
  }
  return out;
}

/**
 * The counts below the rows on screen change with every message; each visible stretch of a level is
 * read again (one request per level, only as many children as show), with any new children in it.
 */
async function refreshVisible() {
  const first = Math.floor(viewport.scrollTop / ROW);
  const last = Math.min(rows.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW));
  const stretches = new Map();
  for (let i = first; i < last; i++) {
    const n = rows[i].node;
    if (!n) continue;
    const lvl = n.parent ? n.parent.level : root;
    const stretch = stretches.get(lvl) ?? { count: 0, firstIndex: lvl.items.indexOf(n) };
    stretch.count++;
    stretches.set(lvl, stretch);
  }
  if (!stretches.size && root.loaded) stretches.set(root, { count: 0, firstIndex: 0 });
  const mine = generation;
  await Promise.all([...stretches].map(async ([lvl, stretch]) => {
    const after = stretch.firstIndex > 0 ? lvl.items[stretch.firstIndex - 1].name : null;
    try {
      const page = await getJson(treeUrl(lvl, after, stretch.count ? Math.min(1000, stretch.count + 1) : PAGE));
      if (mine !== generation) return;
      merge(lvl, page, after, false);
      autoOpen(lvl);
      if (lvl === root) {
        shown.textContent = grouped(page.topics);
        empty.hidden = page.children > 0;
      }
    } catch {
      // The next refresh tries again.
    }
  }));
}

viewport.addEventListener('scroll', () => {
  schedule();
  clearTimeout(viewport.cellhubScrolled);
  viewport.cellhubScrolled = setTimeout(followLevels, 300);
}, { passive: true });
const head = document.querySelector('.tree-head');
new ResizeObserver(() => {
  // The header lines up with the rows, which the viewport's scrollbar makes narrower.
  head.style.paddingRight = `calc(.4rem + ${viewport.offsetWidth - viewport.clientWidth}px)`;
  schedule();
}).observe(viewport);

setInterval(() => {
  if (!document.hidden) refreshVisible();
}, REFRESH_MS);

function apply(value) {
  const problem = filterError(value);
  error.textContent = problem ?? '';
  if (problem || value === filter) return;
  filter = value;
  list.dataset.filter = value;
  history.replaceState(null, '', '/topics?filter=' + encodeURIComponent(value));
  followed = '';
  reset();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  apply(input.value.trim());
});

// The filter applies as it is typed, once the typing pauses.
input.addEventListener('input', () => {
  clearTimeout(input.cellhubTyped);
  input.cellhubTyped = setTimeout(() => {
    const value = input.value.trim();
    if (value) apply(value);
  }, 300);
});

document.getElementById('collapse-all').addEventListener('click', () => {
  for (const n of nodes.values()) {
    if (n.open) {
      n.open = false;
      n.toggled = true;
      n.version++;
    }
  }
  viewport.scrollTop = 0;
  relayout();
  followLevels();
});

reset();
