// The what-if page: reads the state from the URL into the form, sends the changes
// to the server, follows the request's progress and shows the answer. Plain
// JavaScript, no libraries; every text from the server is set as text, except the
// overview tables, which the server writes as escaped HTML.
(function () {
  'use strict';
  const form = document.getElementById('levers');
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const controls = () => Array.from(form.querySelectorAll('[data-key]'));
  const settings = () => Array.from(form.querySelectorAll('[data-setting]'));
  const SETTINGS = ['replications', 'days', 'seed', 'draws'];
  let current = null;
  let started = 0;
  let pause = null;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) e.setAttribute(k, v);
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The URL holds the state: scenario, each change as a set=KEY=VALUE, the run
  // settings that differ from the scenario's. Returns whether it asks for a run.
  function readUrl() {
    const q = new URLSearchParams(location.search);
    const extra = [];
    for (const set of q.getAll('set')) {
      const at = set.indexOf('=');
      const key = (at < 0 ? set : set.slice(0, at)).trim();
      const control = controls().find((c) => c.dataset.key === key);
      if (control && at >= 0) control.value = set.slice(at + 1);
      else extra.push(set);
    }
    $('extra').value = extra.join('\n');
    if (extra.length) $('more').open = true;
    for (const s of settings()) {
      const v = q.get(s.dataset.setting);
      if (v === null) continue;
      if (s.type === 'checkbox') s.checked = v === '1';
      else s.value = v;
    }
    return q.getAll('set').length > 0 || SETTINGS.some((k) => q.has(k)) ||
      q.has('police_only') || q.has('run');
  }

  function changes() {
    const sets = [];
    for (const c of controls()) {
      const v = c.value.trim();
      if (v !== c.dataset.base) sets.push(c.dataset.key + '=' + v);
    }
    for (const line of $('extra').value.split('\n')) {
      if (line.trim()) sets.push(line.trim());
    }
    return sets;
  }

  function request() {
    const r = { scenario: form.dataset.scenario, sets: changes() };
    for (const s of settings()) {
      const name = s.dataset.setting;
      if (s.type === 'checkbox') {
        if (s.checked) r[name] = true;
      } else if (s.value.trim() !== s.dataset.base && s.value.trim() !== '') {
        // Seeds go as text: a browser's numbers stop short of the largest.
        r[name] = name === 'seed' ? s.value.trim() : Number(s.value);
      }
    }
    return r;
  }

  function writeUrl(r) {
    const q = new URLSearchParams();
    q.set('scenario', r.scenario);
    for (const s of r.sets) q.append('set', s);
    for (const k of SETTINGS) if (r[k] !== undefined) q.set(k, r[k]);
    if (r.police_only) q.set('police_only', '1');
    if (!r.sets.length && !SETTINGS.some((k) => r[k] !== undefined) && !r.police_only) {
      q.set('run', '1');
    }
    history.replaceState(null, '', '?' + q.toString());
  }

  function busy(on, text) {
    $('run').disabled = false;
    $('cancel').disabled = !on;
    $('progress').hidden = !on;
    $('status').textContent = text;
  }

  function clearProblems() {
    for (const p of form.querySelectorAll('.problem')) p.textContent = '';
    for (const c of form.querySelectorAll('.bad')) c.classList.remove('bad');
  }

  function showProblems(body) {
    let placed = false;
    for (const p of body.problems || []) {
      const control = controls().find((c) => c.dataset.key === p.key);
      if (control) {
        control.classList.add('bad');
        const slot = form.querySelector('.problem[data-for="' + CSS.escape(p.key) + '"]');
        if (slot) { slot.textContent = p.message; placed = true; continue; }
      }
      $('problems').appendChild(el('p', {}, p.message));
      placed = true;
    }
    if (!placed) $('problems').textContent = body.error || 'refused';
  }

  async function run() {
    clearTimeout(pause);
    clearProblems();
    const r = request();
    writeUrl(r);
    busy(true, 'Starting…');
    let res, body;
    try {
      res = await fetch('/api/run', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(r),
      });
      body = await res.json();
    } catch (e) {
      busy(false, 'The server did not answer: ' + e);
      return;
    }
    if (!res.ok) {
      showProblems(body);
      busy(false, 'Not run: see the message beside the control.');
      return;
    }
    current = body.id;
    started = performance.now();
    poll(body.id, '');
  }

  async function poll(id, mark) {
    let s;
    try {
      const res = await fetch('/api/jobs/' + id + '?after=' + encodeURIComponent(mark));
      s = await res.json();
    } catch (e) {
      if (id === current) busy(false, 'Lost the server: ' + e);
      return;
    }
    if (id !== current) return;
    const bar = $('progress');
    bar.max = Math.max(1, s.total);
    bar.value = s.done;
    if (s.phase === 'done') {
      show(s.answer);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      busy(false, 'Answered in ' + secs + ' s (request ' + id + ').');
      return;
    }
    if (s.phase === 'failed' || s.phase === 'cancelled') {
      busy(false, (s.phase === 'failed' ? 'Failed: ' : 'Stopped: ') + s.error);
      return;
    }
    const what = {
      queued: 'Waiting for the run before it to finish…',
      running: 'Simulating: ' + s.done + ' of ' + s.total + ' replications…',
      drawing: 'Drawing the charts…',
    }[s.phase] || s.phase;
    busy(true, what);
    poll(id, s.mark);
  }

  function cell(run, shown, cls) {
    const td = el('td', { class: cls || 'n', 'data-run': run });
    if (!shown) { td.textContent = '–'; return td; }
    td.setAttribute('data-mean', shown.mean);
    td.appendChild(el('span', { class: 'v' }, shown.text));
    if (shown.interval) td.appendChild(el('span', { class: 'ci muted' }, shown.interval));
    return td;
  }

  function headline(a) {
    const table = $('headline');
    table.textContent = '';
    const police = a.runs.find((r) => r.role === 'police_only');
    const name = (role) => (a.runs.find((r) => r.role === role) || {}).name;
    const head = el('tr');
    head.appendChild(el('th', {}, 'a year of the city'));
    if (police) head.appendChild(el('th', {}, police.name));
    head.appendChild(el('th', {}, name('unchanged') + ' (as it is)'));
    head.appendChild(el('th', {}, 'with your changes'));
    head.appendChild(el('th', {}, 'difference, paired 95 % CI'));
    table.appendChild(head);
    for (const row of a.headline) {
      const tr = el('tr', { 'data-metric': row.metric });
      tr.appendChild(el('td', {}, row.label));
      if (police) tr.appendChild(cell('police_only', row.police_only));
      tr.appendChild(cell('unchanged', row.unchanged));
      tr.appendChild(cell('changed', row.changed));
      const d = row.difference;
      tr.appendChild(cell('difference', d, d.resolved ? 'n sig' : 'n'));
      table.appendChild(tr);
    }
  }

  function show(a) {
    $('answer').hidden = false;
    const words = $('paragraph');
    words.textContent = '';
    for (const [who, what] of a.paragraphs) words.appendChild(el('p', {}, who + ': ' + what));
    headline(a);
    $('overview').innerHTML = a.overview;
    $('zones').innerHTML = a.zones;
    const charts = $('charts');
    charts.textContent = '';
    for (const c of a.charts) charts.appendChild(el('img', { src: c.src, alt: c.src, loading: 'lazy' }));
    $('command').textContent = a.command;
    const links = $('links');
    links.textContent = '';
    links.appendChild(el('a', { href: a.report, id: 'report-link' }, 'the full comparison report'));
    for (const r of a.runs) {
      links.appendChild(document.createTextNode(' · '));
      links.appendChild(el('a', { href: r.report }, 'report of ' + r.name));
    }
    links.appendChild(document.createTextNode(' · '));
    links.appendChild(el('a', { href: a.toml, download: '', id: 'toml-link' }, 'the changed scenario (TOML)'));
    const warnings = $('warnings');
    warnings.textContent = '';
    for (const w of a.warnings) warnings.appendChild(el('li', {}, 'warning: ' + w));
    uncertainty(a.uncertainty);
  }

  function uncertainty(u) {
    const box = $('uncertainty');
    box.textContent = '';
    if (!u) return;
    box.appendChild(el('h2', {}, 'With uncertain inputs (' + u.draws + ' draws)'));
    const table = el('table', { id: 'saving' });
    const head = el('tr');
    for (const h of ['a year of the city', 'difference across draws [2.5 %, 97.5 %]', 'P(lower with your changes)']) {
      head.appendChild(el('th', {}, h));
    }
    table.appendChild(head);
    for (const row of u.rows) {
      const tr = el('tr', { 'data-metric': row.metric });
      tr.appendChild(el('td', {}, row.label));
      tr.appendChild(el('td', { class: 'n' }, row.spread));
      tr.appendChild(el('td', { class: 'n', 'data-p': row.p_lower }, row.p_text));
      table.appendChild(tr);
    }
    box.appendChild(table);
    box.appendChild(el('p', { class: 'muted' }, u.note));
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  form.addEventListener('input', () => {
    clearTimeout(pause);
    if ($('auto').checked) pause = setTimeout(run, 1200);
  });
  $('cancel').addEventListener('click', async () => {
    clearTimeout(pause);
    if (current === null) return;
    await fetch('/api/jobs/' + current + '/cancel', { method: 'POST' }).catch(() => {});
  });
  if (readUrl()) run();
})();
