// The topic tree: one node per topic level, kept live from the stream for the chosen filter.
import { el, flash, follow, currentTopics, filterError, setTime, shownValue, topicHref } from './common.js';

const tree = document.getElementById('tree');
const form = document.getElementById('filter-form');
const input = document.getElementById('filter');
const error = document.getElementById('filter-error');
const empty = document.getElementById('tree-empty');
const shown = document.getElementById('tree-count');
let root;
let topics;
let source;
/** Topics the broker holds a retained message for, from the retained mirror. */
let retainedTopics = new Set();

function reset() {
  tree.replaceChildren();
  root = { children: new Map(), list: tree, depth: -1 };
  topics = new Map();
  shown.textContent = '0';
  empty.hidden = false;
}

function toggle(node, collapsed = !node.li.classList.contains('collapsed')) {
  node.li.classList.toggle('collapsed', collapsed);
  node.li.setAttribute('aria-expanded', String(!collapsed));
  node.toggle.textContent = node.children.size ? (collapsed ? '▸' : '▾') : '';
}

function child(parent, name, path) {
  let node = parent.children.get(name);
  if (node) return node;
  const toggleButton = el('button', { class: 'toggle', type: 'button', 'aria-label': 'expand or collapse' });
  const label = el('span', { class: 'label', text: name === '' ? '(empty)' : name });
  const row = el('div', { class: 'node-row' },
    el('span', { class: 'node-name' }, toggleButton, label, el('span', { class: 'children-count' })),
    el('span', { class: 'node-value' }),
    el('span', { class: 'node-qos' }),
    el('span', { class: 'node-count' }),
    el('span', { class: 'node-age' }));
  const li = el('li', { role: 'treeitem', 'data-topic': path }, row);
  node = { name, path, li, row, label, toggle: toggleButton, children: new Map(), list: null, depth: parent.depth + 1 };
  toggleButton.addEventListener('click', () => toggle(node));
  parent.children.set(name, node);
  if (!parent.list) {
    parent.list = el('ul', { role: 'group' });
    parent.li.append(parent.list);
  }
  const after = [...parent.children.values()].filter((n) => n !== node && n.li.parentNode === parent.list)
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
    .find((n) => n.name.localeCompare(name, undefined, { numeric: true }) > 0);
  parent.list.insertBefore(li, after ? after.li : null);
  if (parent.toggle) {
    toggle(parent, parent.li.classList.contains('collapsed'));
    parent.row.querySelector('.children-count').textContent = `(${parent.children.size})`;
  }
  return node;
}

function nodeFor(topic) {
  let node = root;
  let path = '';
  for (const [i, level] of topic.split('/').entries()) {
    path = i === 0 ? level : `${path}/${level}`;
    node = child(node, level, path);
  }
  return node;
}

function onEvent(event) {
  const known = topics.get(event.topic);
  if (known && known.ts > event.ts) return;
  const node = nodeFor(event.topic);
  if (!known) {
    const link = el('a', { href: topicHref(event.topic), text: node.label.textContent });
    node.label.replaceWith(link);
    node.label = link;
    shown.textContent = String(topics.size + 1);
    empty.hidden = true;
  }
  topics.set(event.topic, event);
  const [, value, qos, count, age] = node.row.children;
  const text = shownValue(event);
  const changed = value.dataset.value !== text;
  showValue(value, text, event.retained || retainedTopics.has(event.topic));
  value.dataset.value = text;
  value.title = text;
  qos.textContent = `QoS ${event.qos}`;
  if (typeof event.count === 'number') count.textContent = event.count.toLocaleString();
  let time = age.querySelector('time');
  if (!time) { time = el('time'); age.append(time); }
  setTime(time, event.ts);
  if (changed && known) flash(node.row);
}

function showValue(value, text, retained) {
  value.replaceChildren(text, ...(retained ? [' ', el('span', { class: 'badge retained', text: 'retained' })] : []));
}

async function refreshRetained(filter) {
  const response = await fetch('/api/retained?filter=' + encodeURIComponent(filter), { headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  retainedTopics = new Set((await response.json()).map((entry) => entry.topic));
  for (const [topic, event] of topics) {
    const value = tree.querySelector(`li[data-topic="${CSS.escape(topic)}"] > .node-row .node-value`);
    if (value) showValue(value, value.dataset.value, event.retained || retainedTopics.has(topic));
  }
}

async function reload(filter) {
  try {
    await refreshRetained(filter);
    for (const event of await currentTopics(filter)) onEvent(event);
  } catch (e) {
    error.textContent = e.message;
  }
}

setInterval(() => refreshRetained(tree.dataset.filter).catch(() => {}), 5000);

function start(filter) {
  source?.close();
  reset();
  error.textContent = '';
  tree.dataset.filter = filter;
  source = follow(filter, {
    onEvent,
    onReset: () => reload(filter),
    onFailure: () => { error.textContent = `The server refused the filter '${filter}'.`; },
  });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const filter = input.value.trim();
  const problem = filterError(filter);
  error.textContent = problem ?? '';
  if (problem) return;
  history.replaceState(null, '', '/topics?filter=' + encodeURIComponent(filter));
  start(filter);
});

const all = (collapsed) => {
  const walk = (node) => node.children.forEach((n) => { if (n.children.size) toggle(n, collapsed); walk(n); });
  walk(root);
};
document.getElementById('expand-all').addEventListener('click', () => all(false));
document.getElementById('collapse-all').addEventListener('click', () => all(true));

start(tree.dataset.filter || '#');
