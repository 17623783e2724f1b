// 智慧医院 devstack console: identities (seeded OPENIDs, sample and fresh patients to bind) and
// subscription consents. Uses app.js's helpers.
'use strict';

(function () {
  const { $, el, table, errorBox, field, api, listOf } = window.devConsole;

  async function loadIdentities() {
    try {
      const r = await api('/devstack/api/identities');
      $('#identities-body').replaceChildren(table(r.identities, { columns: ['openid', 'role', 'note'] }));
      const dl = $('#openid-list');
      dl.replaceChildren(...r.identities.map((i) => el('option', { value: i.openid }, i.role)));

      const samples = listOf(r.samplePatients).items || [];
      $('#samples-body').replaceChildren(
        r.sampleError
          ? el('p', { class: 'error' }, `HIS sandbox: ${r.sampleError}`)
          : el(
              'div',
              {},
              el('p', { class: 'muted small' }, r.samplePatientsNote),
              table(samples, {
                onRow: (p) => prefillBind(p.name, p.idNumber, p.phone),
              }),
            ),
      );
      $('#fresh-body').replaceChildren(
        el('p', { class: 'muted small' }, r.freshPeopleNote, ' Click a row to prefill a bind call.'),
        table(r.freshPeople, {
          columns: ['name', 'idNumber', 'phone', 'gender', 'birthDate'],
          onRow: (p) => prefillBind(p.name, p.idNumber, p.phone),
        }),
      );
      const sel = $('#consent-template');
      sel.replaceChildren(...(r.templates || []).map((t) => el('option', { value: t.id }, `${t.title} (${t.kind})`)));
    } catch (err) {
      errorBox($('#identities-body'), err);
    }
  }

  function prefillBind(name, idNumber, phone) {
    const form = $('#call-form');
    field(form, 'fn').value = 'patient';
    const event = {
      action: 'bind',
      name,
      idNumber,
      phone: phone && /^1\d{10}$/.test(phone) ? phone : '13800138000',
      relation: '本人',
    };
    field(form, 'event').value = JSON.stringify(event, null, 2);
    location.hash = '#call';
  }

  $('#consent-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target;
    const body = { openid: field(f, 'openid').value.trim(), templateId: field(f, 'templateId').value };
    if (field(f, 'count').value) body.count = Number(field(f, 'count').value);
    try {
      const r = await api('/devstack/api/consents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      $('#consent-out').textContent = JSON.stringify(r, null, 2);
    } catch (err) {
      $('#consent-out').textContent = `失败 ${err.message}`;
    }
  });
  $('#consent-show').addEventListener('click', async () => {
    const openid = field($('#consent-form'), 'openid').value.trim();
    try {
      const r = await api(`/devstack/api/consents?openid=${encodeURIComponent(openid)}`);
      $('#consent-out').textContent = JSON.stringify({ openid: r.openid, consents: r.consents }, null, 2);
    } catch (err) {
      $('#consent-out').textContent = `失败 ${err.message}`;
    }
  });

  window.devConsoleIdentities = { refresh: loadIdentities };
  loadIdentities();
})();
