// Shared by every CellHub page. Device payloads are untrusted: text only ever goes in through
// textContent or text nodes, never innerHTML.

/** Creates an element; children may be elements or strings (added as text). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

/** A topic as a URL path below /topics, each level percent-encoded. */
export function topicHref(topic) {
  return '/topics/' + topic.split('/').map(encodeURIComponent).join('/');
}

/** What a stream event or API entry shows as its value. */
export function shownValue(entry) {
  if (entry.payload !== null && entry.payload !== undefined) return entry.payload;
  if (entry.payloadBase64) return 'base64:' + entry.payloadBase64;
  return '';
}

/** Turns a GET /api/topics entry into the shape of a stream event. */
export function asEvent(view) {
  return {
    topic: view.topic, payload: view.payload, payloadBase64: view.payloadBase64, number: view.number,
    qos: view.qos, retained: view.retained, ts: Date.parse(view.updatedAt), count: view.count,
  };
}

const FLASH = [{ backgroundColor: 'rgba(45, 212, 191, 0.35)' }, { backgroundColor: 'rgba(45, 212, 191, 0)' }];

/**
 * Highlights an element whose value just changed (Web Animations: no class juggling and no forced
 * layout, which at a few hundred changes a second would each cost a reflow).
 */
export function flash(element) {
  element.cellhubFlash?.cancel();
  element.cellhubFlash = element.animate(FLASH, { duration: 1200, easing: 'ease-out' });
}

/** Draws numbers as a polyline in a 100×28 SVG. */
export function sparkline(svg, values) {
  const line = svg.querySelector('polyline');
  if (!line) return;
  if (values.length < 2) { line.setAttribute('points', ''); return; }
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = 100 / (values.length - 1);
  line.setAttribute('points', values.map((v, i) => `${(i * step).toFixed(2)},${(26 - ((v - min) / span) * 24).toFixed(2)}`).join(' '));
}

/** Checks an MQTT 3.1.1 filter as the server does; returns an error message or null. */
export function filterError(filter) {
  if (!filter) return 'The filter is empty.';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return "'#' must be a whole level, and the last.";
    if (level.includes('+') && level !== '+') return "'+' must be a whole level.";
  }
  return null;
}

/** Reads an error response as a sentence, from its problem detail when it has one. */
export async function problemText(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status} ${response.statusText}`;
  }
}

/** Fetches the current state of the topics matching a filter (the first page, up to `limit`), as stream events. */
export async function currentTopics(filter, limit = 1000) {
  const response = await fetch(`/api/topics?filter=${encodeURIComponent(filter)}&limit=${limit}`,
    { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(await problemText(response));
  return (await response.json()).map(asEvent);
}

/** GETs JSON from the API; throws with the problem's detail on an error answer. */
export async function getJson(url, options = {}) {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, ...options });
  if (!response.ok) throw new Error(await problemText(response));
  return response.json();
}

/** Orders names as the server's NaturalOrder does: runs of digits by value ('line2' before 'line10'). */
export function naturalCompare(a, b) {
  let i = 0;
  let j = 0;
  const digit = (c) => c >= 48 && c <= 57;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (digit(ca) && digit(cb)) {
      let si = i;
      let sj = j;
      while (si < a.length - 1 && a.charCodeAt(si) === 48 && digit(a.charCodeAt(si + 1))) si++;
      while (sj < b.length - 1 && b.charCodeAt(sj) === 48 && digit(b.charCodeAt(sj + 1))) sj++;
      let ei = si;
      let ej = sj;
      while (ei < a.length && digit(a.charCodeAt(ei))) ei++;
      while (ej < b.length && digit(b.charCodeAt(ej))) ej++;
      if (ei - si !== ej - sj) return (ei - si) - (ej - sj);
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
    } else {
      if (ca !== cb) return ca - cb;
      i++;
      j++;
    }
  }
  const rest = (a.length - i) - (b.length - j);
  if (rest !== 0) return rest;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether an MQTT 3.1.1 filter matches a topic, as the server's TopicFilter does. */
export function topicMatches(filter, topic) {
  const f = filter.split('/');
  const t = topic.split('/');
  if ((f[0] === '+' || f[0] === '#') && topic.startsWith('$')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** 10000 as "10,000". */
export function grouped(number) {
  return Number(number).toLocaleString('en-US');
}

let rendered = false;

/**
 * Marks the page's first render of its content (User Timing 'cellhub:rendered', after the frame
 * that shows it), for anyone profiling the dashboard; the fleet-scale browser test reads it.
 */
export function markRendered() {
  if (rendered) return;
  rendered = true;
  requestAnimationFrame(() => setTimeout(() => performance.mark('cellhub:rendered'), 0));
}

const linkState = document.getElementById('link-state');

function showLink(state, text) {
  if (!linkState) return;
  linkState.dataset.state = state;
  linkState.textContent = text;
}

/**
 * Follows /api/stream for one filter or an array of them (a topic matching any is sent). onReset runs
 * on every (re)connect and whenever the server says values were dropped: the page then reloads its
 * state, so it never shows stale values.
 */
export function follow(filter, handlers) {
  const stream = {
    source: null,
    closed: false,
    close() {
      this.closed = true;
      this.source?.close();
      window.removeEventListener('pagehide', hide);
      window.removeEventListener('pageshow', show);
    },
  };
  // Opened after 'load': a stream opened earlier would keep the page loading forever.
  const open = () => { if (!stream.closed && !stream.source) stream.source = openStream(filter, handlers); };
  // A page left for another (and perhaps kept in the back/forward cache) closes its stream: Chromium
  // keeps at most six connections per server, and each abandoned stream would hold one until the
  // dashboard's own requests had none left. Coming back reopens it, which reloads the page's state.
  const hide = () => { stream.source?.close(); stream.source = null; };
  const show = (event) => { if (event.persisted) open(); };
  window.addEventListener('pagehide', hide);
  window.addEventListener('pageshow', show);
  if (document.readyState === 'complete') open();
  else window.addEventListener('load', open, { once: true });
  return stream;
}

function openStream(filter, { onEvent, onReset, onFailure }) {
  const filters = Array.isArray(filter) ? filter : [filter];
  showLink('reconnecting', 'connecting…');
  const source = new EventSource('/api/stream?' + filters.map((f) => 'filter=' + encodeURIComponent(f)).join('&'));
  source.onopen = () => {
    showLink('live', 'live');
    onReset?.();
  };
  source.onmessage = (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    onEvent(event);
  };
  source.addEventListener('resync', () => onReset?.());
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      showLink('reconnecting', 'stream refused');
      onFailure?.();
    } else {
      showLink('reconnecting', 'reconnecting…');
    }
  };
  return source;
}

/** "3 s ago" for every <time datetime> on the page, refreshed each second. */
function ageText(ms) {
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(ms).toLocaleString();
}

export function refreshTimes(root = document) {
  for (const time of root.querySelectorAll('time[datetime]')) {
    const ms = Date.parse(time.getAttribute('datetime'));
    if (Number.isNaN(ms)) continue;
    time.textContent = ageText(ms);
    time.title = new Date(ms).toLocaleString();
  }
}

export function setTime(time, ms) {
  time.setAttribute('datetime', new Date(ms).toISOString());
  time.textContent = ageText(ms);
}

function markCurrentPage() {
  const path = location.pathname === '/' ? '/' : '/' + location.pathname.split('/')[1];
  for (const link of document.querySelectorAll('nav.main a')) {
    if (link.getAttribute('href') === path) link.classList.add('active');
  }
}

/** The cluster panel (cluster mode): replicas, the partitions each owns, each part's lag. */
function showCluster(cluster) {
  const panel = document.getElementById('cluster-panel');
  if (!panel) return;
  const list = (partitions) => (partitions.length ? partitions.join(' ') : '–');
  const state = panel.querySelector('[data-cluster="state"]');
  if (state) state.textContent = cluster.rulesState;
  const rows = panel.querySelector('[data-cluster="replicas"]');
  if (rows) {
    rows.replaceChildren(...cluster.replicas.map((replica) => {
      const tr = document.createElement('tr');
      if (replica.id === cluster.replica) tr.className = 'self';
      for (const text of [replica.id, list(replica.rules), list(replica.egress), list(replica.journal), list(replica.ingestSpaces)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }));
  }
  const lag = panel.querySelector('[data-cluster="lag"]');
  if (lag) lag.textContent = Object.entries(cluster.lag).map(([part, records]) => `${part} ${records}`).join(' · ');
}

/** Header counters: rates from the totals in /api/status, every two seconds. */
function followCounters() {
  const counters = document.getElementById('counters');
  if (!counters) return;
  let last = { received: Number(counters.dataset.received), published: Number(counters.dataset.published), at: performance.now() };
  const show = (name, value) => {
    for (const b of document.querySelectorAll(`[data-counter="${name}"]`)) b.textContent = value;
  };
  const rate = (now, before, seconds) => Math.max(0, Math.round((now - before) / seconds)).toLocaleString();
  const tick = async () => {
    try {
      const response = await fetch('/api/status', { headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      const status = await response.json();
      const at = performance.now();
      const seconds = (at - last.at) / 1000;
      show('rate-in', rate(status.received, last.received, seconds));
      show('rate-out', rate(status.published, last.published, seconds));
      show('topics', status.topics.toLocaleString());
      show('clients', status.streamClients.toLocaleString());
      if (status.cluster && status.cluster.enabled) showCluster(status.cluster);
      last = { received: status.received, published: status.published, at };
    } catch {
      // The next tick tries again; the link badge already says when the server is away.
    }
  };
  setTimeout(tick, 1000);
  setInterval(tick, 2000);
}

markCurrentPage();
refreshTimes();
setInterval(() => refreshTimes(), 1000);
followCounters();
