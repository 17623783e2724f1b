// 智慧医院 devstack console. Vanilla JS, no dependencies; everything is rendered with textContent.
'use strict';

(function () {
  const $ = (sel) => document.querySelector(sel);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  async function api(path, init) {
    const res = await fetch(path, init);
    const text = await res.text();
    let body;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    if (!res.ok) {
      const msg =
        body && typeof body === 'object' ? body.error || body.message || `HTTP ${res.status}` : `HTTP ${res.status}`;
      throw new Error(typeof msg === 'string' ? msg : JSON.stringify(msg));
    }
    // HIS sandbox answers use the gateway envelope { code: 'OK', data }.
    if (body && typeof body === 'object' && body.code === 'OK' && 'data' in body) return body.data;
    return body;
  }

  /** A named control of a form (works where named form properties do not). */
  const field = (form, name) => form.elements.namedItem(name);

  function errorBox(target, err) {
    target.replaceChildren(el('p', { class: 'error' }, `加载失败 ${err && err.message ? err.message : err}`));
  }

  function cellText(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  /** A table of objects; columns = union of keys (first 12). */
  function table(rows, opts) {
    const o = opts || {};
    if (!rows.length) return el('p', { class: 'muted' }, o.empty || '(空 empty)');
    const cols = o.columns || [...new Set(rows.flatMap((r) => Object.keys(r || {})))].slice(0, 12);
    return el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          cols.map((c) => el('th', {}, c)),
        ),
      ),
      el(
        'tbody',
        {},
        rows.map((r) => {
          const tr = el(
            'tr',
            { class: o.onRow ? 'clickable' : undefined },
            cols.map((c) => {
              const cell = o.render && o.render[c] ? o.render[c](r[c], r) : cellText(r[c]);
              return el('td', {}, cell);
            }),
          );
          if (o.onRow) tr.addEventListener('click', () => o.onRow(r, tr));
          return tr;
        }),
      ),
    );
  }

  /** Finds the list in a sandbox answer: an array, or the first array-valued property. */
  function listOf(body) {
    if (Array.isArray(body)) return { items: body, meta: {} };
    if (body && typeof body === 'object') {
      const meta = {};
      let items = null;
      for (const [k, v] of Object.entries(body)) {
        if (Array.isArray(v) && items === null) items = v;
        else meta[k] = v;
      }
      if (items) return { items, meta };
    }
    return { items: null, meta: body };
  }

  function outcomeCell(v) {
    return el('span', { class: v === 'ok' || /^HTTP 2/.test(v) ? 'ok' : 'bad' }, v);
  }

  // ---------- Functions ----------
  async function loadFunctions() {
    const target = $('#functions-body');
    try {
      const { functions } = await api('/devstack/api/functions');
      fillFunctionSelect(functions.map((f) => f.name));
      if (!functions.length) {
        target.replaceChildren(el('p', { class: 'muted' }, 'No built functions. Run npm run build.'));
        return;
      }
      target.replaceChildren(
        ...functions.map((f) =>
          el(
            'div',
            { class: 'card' },
            el('h3', {}, f.name, ' ', el('span', { class: 'muted small' }, `POST /functions/${f.name}`)),
            el(
              'div',
              { class: 'row chips' },
              el('span', { class: 'muted' }, '已调用 actions seen:'),
              f.actionsSeen.length
                ? f.actionsSeen.map((a) => el('span', {}, a))
                : el('em', { class: 'muted' }, 'none yet'),
            ),
            el(
              'div',
              { class: 'row' },
              el('span', { class: 'muted' }, '定时触发器 timers:'),
              f.timers.length
                ? f.timers.map((t) =>
                    el(
                      'span',
                      {},
                      el('code', {}, `${t.name} (${t.config})`),
                      ' ',
                      el('button', { type: 'button', onclick: () => fireTimer(f.name, t.name) }, '立即触发 fire'),
                    ),
                  )
                : el('em', { class: 'muted' }, 'none'),
            ),
            table(f.recentCalls.slice(0, 20), {
              columns: ['at', 'kind', 'action', 'caller', 'outcome', 'ms'],
              render: { outcome: outcomeCell, at: (v) => new Date(v).toLocaleTimeString() },
              empty: '最近无调用 no recent calls',
            }),
          ),
        ),
      );
    } catch (err) {
      errorBox(target, err);
    }
  }

  async function fireTimer(fn, trigger) {
    try {
      const r = await api(`/timers/${encodeURIComponent(fn)}?trigger=${encodeURIComponent(trigger)}`, {
        method: 'POST',
      });
      alert(`${fn}/${trigger} fired:\n${JSON.stringify(r.result, null, 2).slice(0, 2000)}`);
    } catch (err) {
      alert(`fire failed: ${err.message}`);
    }
    loadFunctions();
    loadOutbox();
  }

  // ---------- Collections ----------
  const docsState = { name: null, skip: 0, limit: 20, total: 0 };

  async function loadCollections() {
    const target = $('#collections-list');
    try {
      const { collections } = await api('/devstack/api/collections');
      target.replaceChildren(
        table(collections, {
          columns: ['name', 'count'],
          empty: '还没有集合 no collections yet',
          onRow: (r, tr) => {
            target.querySelectorAll('tr.selected').forEach((x) => x.classList.remove('selected'));
            tr.classList.add('selected');
            docsState.name = r.name;
            docsState.skip = 0;
            loadDocs();
          },
        }),
      );
      if (docsState.name) loadDocs();
    } catch (err) {
      errorBox(target, err);
    }
  }

  async function loadDocs() {
    const out = $('#docs-body');
    try {
      const r = await api(
        `/devstack/api/collections/${encodeURIComponent(docsState.name)}?limit=${docsState.limit}&skip=${docsState.skip}`,
      );
      docsState.total = r.total;
      $('#docs-pager').hidden = false;
      $('#docs-title').textContent = r.collection;
      const end = Math.min(r.skip + r.documents.length, r.total);
      $('#docs-range').textContent = `${r.total ? r.skip + 1 : 0}–${end} / ${r.total}`;
      out.textContent = JSON.stringify(r.documents, null, 2);
    } catch (err) {
      out.textContent = `加载失败 ${err.message}`;
    }
  }

  // ---------- Outbox ----------
  async function loadOutbox() {
    const target = $('#outbox-body');
    try {
      const rows = await api('/outbox?limit=100');
      target.replaceChildren(
        table(rows, {
          columns: ['at', 'status', 'errCode', 'touser', 'templateTitle', 'page', 'data'],
          render: {
            status: (v) => el('span', { class: v === 'sent' ? 'ok' : 'bad' }, v),
            touser: (v) => `${String(v).slice(0, 4)}…`,
            data: (v) =>
              el(
                'code',
                {},
                Object.entries(v || {})
                  .map(([k, x]) => `${k}: ${x && x.value}`)
                  .join('  ·  '),
              ),
          },
          empty: '暂无订阅消息 no messages sent yet',
        }),
      );
    } catch (err) {
      errorBox(target, err);
    }
  }

  // ---------- HIS sandbox ----------
  const hisState = { tab: 'departments', limit: 20, offset: 0, q: '' };

  async function loadHisSummary() {
    const target = $('#his-summary');
    try {
      const s = await api('/devstack/api/his/summary');
      const flat = {};
      if (s && s.hospital && s.hospital.name) flat['医院 hospital'] = s.hospital.name;
      if (s && typeof s.seed !== 'undefined') flat.seed = s.seed;
      for (const [k, v] of Object.entries((s && s.counts) || {})) flat[k] = v;
      if (s && s.faults) flat.faults = s.faults;
      const entries = Object.entries(Object.keys(flat).length ? flat : s || {});
      target.replaceChildren(
        el(
          'div',
          { class: 'row chips' },
          entries.map(([k, v]) => el('span', {}, `${k}: ${cellText(v)}`)),
        ),
      );
    } catch (err) {
      errorBox(target, err);
    }
  }

  async function loadHisTab() {
    const target = $('#his-body');
    document
      .querySelectorAll('[data-his-tab]')
      .forEach((b) => b.classList.toggle('active', b.dataset.hisTab === hisState.tab));
    const paged = hisState.tab === 'patients';
    $('#his-pager').hidden = !paged;
    let path = `/devstack/api/his/${hisState.tab}`;
    if (paged) {
      const qs = new URLSearchParams({ limit: String(hisState.limit), offset: String(hisState.offset) });
      if (hisState.q) qs.set('q', hisState.q);
      path += `?${qs}`;
    }
    try {
      const body = await api(path);
      const { items, meta } = listOf(body);
      if (paged) {
        const total = meta && typeof meta.total === 'number' ? meta.total : null;
        const n = items ? items.length : 0;
        $('#his-range').textContent =
          `${n ? hisState.offset + 1 : 0}–${hisState.offset + n}${total !== null ? ` / ${total}` : ''}`;
      }
      target.replaceChildren(items ? table(items) : el('pre', { class: 'json' }, JSON.stringify(body, null, 2)));
    } catch (err) {
      errorBox(target, err);
    }
  }

  // ---------- Call a function ----------
  function fillFunctionSelect(names) {
    const sel = $('#call-fn');
    const current = sel.value;
    sel.replaceChildren(...names.map((n) => el('option', { value: n }, n)));
    if (names.includes(current)) sel.value = current;
  }

  $('#call-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target;
    const out = $('#call-out');
    const status = $('#call-status');
    let event;
    try {
      event = JSON.parse(field(f, 'event').value);
    } catch (err) {
      out.textContent = `事件不是合法 JSON: ${err.message}`;
      return;
    }
    const headers = { 'content-type': 'application/json' };
    const openid = field(f, 'openid').value.trim();
    if (openid) headers['x-wx-openid'] = openid;
    const started = performance.now();
    try {
      const res = await fetch(`/functions/${encodeURIComponent(field(f, 'fn').value)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(event),
      });
      const text = await res.text();
      status.textContent = `HTTP ${res.status} · ${Math.round(performance.now() - started)} ms`;
      try {
        out.textContent = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        out.textContent = text;
      }
    } catch (err) {
      out.textContent = `请求失败 ${err.message}`;
    }
    loadFunctions();
    loadCollections();
  });

  // ---------- wiring ----------
  $('#docs-prev').addEventListener('click', () => {
    docsState.skip = Math.max(0, docsState.skip - docsState.limit);
    loadDocs();
  });
  $('#docs-next').addEventListener('click', () => {
    if (docsState.skip + docsState.limit < docsState.total) docsState.skip += docsState.limit;
    loadDocs();
  });
  document.querySelectorAll('[data-his-tab]').forEach((b) =>
    b.addEventListener('click', () => {
      hisState.tab = b.dataset.hisTab;
      hisState.offset = 0;
      loadHisTab();
    }),
  );
  $('#his-prev').addEventListener('click', () => {
    hisState.offset = Math.max(0, hisState.offset - hisState.limit);
    loadHisTab();
  });
  $('#his-next').addEventListener('click', () => {
    hisState.offset += hisState.limit;
    loadHisTab();
  });
  $('#his-q').addEventListener('change', (e) => {
    hisState.q = e.target.value.trim();
    hisState.offset = 0;
    loadHisTab();
  });

  // Shared with the other console scripts (pay.js): loaded after this one.
  window.devConsole = {
    $,
    el,
    api,
    table,
    errorBox,
    cellText,
    field,
    listOf,
    refresh: () => (loadFunctions(), loadCollections()),
  };

  function refreshAll() {
    loadFunctions();
    loadCollections();
    loadOutbox();
    loadHisSummary();
    loadHisTab();
    window.devConsolePay?.refresh();
    window.devConsoleIdentities?.refresh();
  }
  $('#refresh-all').addEventListener('click', refreshAll);
  api('/healthz')
    .then((h) => {
      $('#his-url').textContent = h.his;
      $('#pay-url').textContent = h.pay || '';
    })
    .catch(() => {});
  refreshAll();
})();
