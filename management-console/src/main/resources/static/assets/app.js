'use strict';
// The admin page: polls the console's API every second and redraws. Text is always set with textContent,
// never parsed as HTML. Actions send the session's CSRF token; the server enforces roles either way.
const REFRESH_MS = 1000;
const HEADERS = {'X-Requested-With': 'console'};
let me = null;
const samples = [];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return node;
}
const badge = (text) => el('span', {class: 'badge ' + (text || '')}, text || '—');
const time = (millis) => new Date(millis).toLocaleTimeString();
const isOperator = () => me && me.roles.includes('OPERATOR');

async function api(path, options = {}) {
  const response = await fetch(path, {...options, headers: {...HEADERS, ...(options.headers || {})}});
  if (response.status === 401) { window.location.replace('/login.html'); throw new Error('signed out'); }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error((body && body.detail) || response.statusText), {status: response.status});
  return body;
}

async function act(path, body, what) {
  try {
    const answer = await api(path, {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf},
      body: JSON.stringify(body || {})});
    notify(what + ': done' + (answer && answer.pauseMs !== undefined ? ' (write pause ' + answer.pauseMs + ' ms)' : ''));
  } catch (e) {
    notify(what + ' failed: ' + e.message, true);
  }
  refresh();
}

function notify(text, bad = false) {
  const n = document.getElementById('notice');
  n.textContent = text; n.className = 'notice' + (bad ? ' bad' : ''); n.hidden = false;
}

function fill(id, rows) {
  const body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren(...rows);
}

// Rows whose content did not change are kept as they are, so a button is never replaced under the pointer.
function fillKeeping(id, items, signature, render, update) {
  const body = document.querySelector('#' + id + ' tbody');
  const old = new Map([...body.children].map(r => [r.dataset.sig, r]));
  body.replaceChildren(...items.map(item => {
    const sig = signature(item);
    const row = old.get(sig) || render(item);
    row.dataset.sig = sig;
    if (update) update(row, item);
    return row;
  }));
}

function drawNodes(table) {
  const groups = [...new Set(table.nodes.filter(n => n.group && n.kind === 'worker').map(n => n.group))];
  const bar = document.getElementById('groups');
  if (bar.dataset.sig === groups.join(',')) {
    drawNodeRows(table);
    return;
  }
  bar.dataset.sig = groups.join(',');
  bar.replaceChildren(...groups.map(g => el('div', {class: 'group-actions ops'},
    el('strong', {}, 'Group ' + g), el('button', {class: 'primary', 'data-action': 'switchover', 'data-group': g,
      onclick: () => act('/api/v1/groups/' + encodeURIComponent(g) + '/switchover', {}, 'Switchover of ' + g)},
    'Switch over to quasi-primary'))));
  drawNodeRows(table);
}

function drawNodeRows(table) {
  const signature = n => JSON.stringify([n.nodeId, n.kind, n.group, n.role, n.epoch, n.lastSeq, n.commitSeq, n.lag, n.health, n.inFlight]);
  const age = (row, n) => { row.querySelector('td.age').textContent = (n.heartbeatAgeMs / 1000).toFixed(1) + ' s ago'; };
  fillKeeping('nodes', table.nodes, signature, n => {
    const member = n.kind === 'worker' && n.group;
    const actions = el('td', {class: 'ops'});
    if (member && n.role !== 'PRIMARY') {
      const path = '/api/v1/groups/' + encodeURIComponent(n.group) + '/members/' + encodeURIComponent(n.nodeId) + '/availability';
      const out = n.role === 'UNAVAILABLE';
      actions.append(el('button', {'data-action': out ? 'available' : 'unavailable', 'data-node': n.nodeId,
        onclick: () => act(path, {available: out}, (out ? 'Return ' : 'Take out ') + n.nodeId)}, out ? 'Mark available' : 'Mark unavailable'));
      if (!out) {
        actions.append(' ', el('button', {'data-action': 'switch-to', 'data-node': n.nodeId,
          onclick: () => act('/api/v1/groups/' + encodeURIComponent(n.group) + '/switchover', {target: n.nodeId}, 'Switchover to ' + n.nodeId)},
        'Make primary'));
      }
    }
    return el('tr', {'data-node': n.nodeId}, el('td', {}, n.nodeId), el('td', {}, n.kind), el('td', {}, n.group || ''),
      el('td', {class: 'role'}, member || n.role ? badge(n.role) : ''), el('td', {}, member ? String(n.epoch) : ''),
      el('td', {}, String(n.lastSeq)), el('td', {}, String(n.commitSeq)), el('td', {}, n.lag == null ? '' : String(n.lag)),
      el('td', {class: 'age'}), el('td', {}, badge(n.health)),
      el('td', {}, String(n.inFlight)), actions);
  }, age);
}

function drawQueues(q) {
  const figures = ['pending', 'working', 'delay', 'dead'].map(k => el('div', {}, el('dt', {}, k), el('dd', {id: 'q-' + k}, String(q[k]))));
  const rate = samples.length ? Math.max(0, (q.completed - samples[samples.length - 1].completed) /
    ((Date.now() - samples[samples.length - 1].at) / 1000)) : 0;
  figures.push(el('div', {}, el('dt', {}, 'completed/s'), el('dd', {}, q.completed == null ? '—' : rate.toFixed(1))));
  document.getElementById('queues').replaceChildren(...figures);
  samples.push({at: Date.now(), pending: q.pending, working: q.working, completed: q.completed, rate});
  if (samples.length > 120) samples.shift();
  drawChart();
}

function drawChart() {
  const canvas = document.getElementById('chart');
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const series = [['pending', '#f59e0b'], ['working', '#2563eb'], ['rate', '#16a34a']];
  const max = Math.max(1, ...samples.flatMap(s => series.map(([k]) => s[k] || 0)));
  const step = canvas.width / 119;
  for (const [key, color] of series) {
    ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
    samples.forEach((s, i) => {
      const x = (120 - samples.length + i) * step, y = canvas.height - 4 - (s[key] || 0) / max * (canvas.height - 8);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
}

function progressBar(p) {
  const fraction = p && p.totalBytes > 0 ? Math.min(1, p.bytesDone / p.totalBytes) : 0;
  const bar = el('div', {class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': String(Math.round(fraction * 100))}, el('span'));
  bar.firstChild.style.width = (fraction * 100).toFixed(1) + '%';
  return el('td', {}, bar, el('small', {}, (fraction * 100).toFixed(0) + '%'));
}

function drawTransfers(list) {
  fill('transfers', list.tasks.map(t => el('tr', {'data-task': t.taskId}, el('td', {class: 'detail'}, t.objectKey),
    el('td', {}, (t.progress && t.progress.workerId) || ''), progressBar(t.progress))));
}

function drawDead(list) {
  fillKeeping('dead', list.tasks, t => t.taskId + '/' + t.attempts, t => el('tr', {'data-task': t.taskId}, el('td', {class: 'detail'}, t.objectKey),
    el('td', {}, String(t.attempts)), el('td', {class: 'detail'}, t.lastError || ''),
    el('td', {class: 'ops'}, el('button', {'data-action': 'retry', onclick: () => act('/api/v1/dashboard/tasks/' + t.taskId + '/retry', {}, 'Retry')}, 'Retry'))));
}

function drawHistory(list) {
  fill('history', list.slice(0, 30).map(h => el('tr', {}, el('td', {}, time(h.at)), el('td', {}, h.group), el('td', {}, h.event),
    el('td', {}, h.nodeId || ''), el('td', {}, String(h.epoch)), el('td', {class: 'detail'}, h.detail || ''))));
}

function drawAudit(list) {
  fill('audit', list.slice(0, 30).map(a => el('tr', {}, el('td', {}, time(a.at)), el('td', {}, a.who), el('td', {}, a.action),
    el('td', {}, a.target), el('td', {class: 'detail'}, a.outcome + (a.detail ? ' · ' + a.detail : '')))));
}

async function refresh() {
  const parts = [['/api/v1/nodes', drawNodes], ['/api/v1/dashboard/queues', drawQueues], ['/api/v1/dashboard/transfers', drawTransfers],
    ['/api/v1/dashboard/dead', drawDead], ['/api/v1/roles/history', drawHistory], ['/api/v1/audit', drawAudit]];
  const results = await Promise.allSettled(parts.map(([path, draw]) => api(path).then(draw)));
  const failed = results.filter(r => r.status === 'rejected').length;
  document.getElementById('live').textContent = failed ? failed + ' source(s) unavailable · ' + new Date().toLocaleTimeString()
    : 'live · ' + new Date().toLocaleTimeString();
}

async function start() {
  me = await api('/api/v1/session');
  document.getElementById('who').textContent = me.user + ' (' + (isOperator() ? 'operator' : 'viewer') + ')';
  document.body.classList.toggle('viewer', !isOperator());
  document.getElementById('logout').addEventListener('click', async () => {
    await fetch('/api/v1/session', {method: 'DELETE', headers: {...HEADERS, 'X-CSRF-Token': me.csrf}});
    window.location.replace('/login.html');
  });
  await refresh();
  document.body.dataset.loaded = 'true';
  setInterval(refresh, REFRESH_MS);
}

start().catch(() => {});
