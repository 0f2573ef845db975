// The LADD dashboard: plain ES modules, no build step (ADR 012). Views by location hash:
// #/runs, #/runs/{runId}, #/serving, #/playground. Live data by polling the gateway every 2 s.
import { ApiError, apiKey, get, imageUrl, post, seg, setApiKey } from './api.js';
import { lineChart } from './charts.js';

const POLL_MS = 2000;
const view = document.getElementById('view');
let me = null;          // the signed-in key: {name, role, ...}
let timers = [];        // pollers of the current view
let generation = 0;     // bumps on every view change, so late answers of the old view are dropped

// ---------- small helpers ----------
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else if (v !== false && v != null) node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) node.append(c instanceof Node ? c : String(c));
  return node;
}
/** Replaces a node's children; arrays are flattened, null/undefined/false left out. */
function fill(node, ...children) {
  node.replaceChildren(...children.flat(2).filter((c) => c != null && c !== false));
  return node;
}
const canAct = () => me && (me.role === 'ml-staff' || me.role === 'admin');
const num = (v, d = 3) => (v == null || !Number.isFinite(v) ? '–' : (+v).toPrecision(d));
const when = (t) => (t ? new Date(t).toLocaleString() : '–');
const eta = (s) => (s == null ? 'ETA –' : `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`);
/** eval-service's progress of a pass: {pass, done, total, etaSeconds, active} → "full 1536/15000 · ETA 3m05s". */
const progressText = (p) => `${p.pass} ${p.done}/${p.total}${p.active ? ` · ${eta(p.etaSeconds)}` : ' · queued'}`;

let pollers = 0;
function poll(fn) {
  const mine = generation;
  const source = `poll-${++pollers}`;
  const run = async () => {
    if (mine !== generation) return;
    try {
      await fn();
      // a poll that works again takes its earlier problem away
      for (const old of document.querySelectorAll(`#errors .problem[data-source="${source}"]`)) old.remove();
    } catch (e) { if (mine === generation) showError(e, source); }
  };
  run();
  timers.push(setInterval(run, POLL_MS));
}

/** An API error shown to the person: title, detail and any field errors (not swallowed). */
export function showError(e, source) {
  const box = document.getElementById('errors');
  const p = e instanceof ApiError ? e.problem : { title: 'Error', detail: String(e && e.message || e) };
  const item = h('div', { class: 'problem', 'data-status': p.status || '', 'data-source': source || null },
    h('strong', {}, `${p.status ? p.status + ' ' : ''}${p.title}`), p.detail ? ` — ${p.detail}` : '',
    (p.errors || []).length ? h('ul', {}, p.errors.map((f) => h('li', {}, `${f.field}: ${f.message}`))) : null,
    h('button', { class: 'dismiss', title: 'dismiss', onclick: () => item.remove() }, '×'));
  // the same problem again (a poller) replaces the old one instead of piling up
  for (const old of box.querySelectorAll('.problem')) if (old.textContent === item.textContent) old.remove();
  box.append(item);
  while (box.children.length > 4) box.firstChild.remove();
}

function confirmAction(title, text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  const reason = document.getElementById('confirm-reason');
  reason.value = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' && reason.value.trim()
      ? reason.value.trim() : null), { once: true });
  });
}

/** A button that needs ml-staff: disabled for viewers, with the reason as its title. */
function actButton(label, onclick, attrs = {}) {
  const allowed = canAct();
  return h('button', { ...attrs, disabled: !allowed, title: allowed ? '' : `needs role ml-staff; you are ${me?.role}`,
    onclick: async (ev) => {
      const b = ev.currentTarget; b.disabled = true;
      try { await onclick(); } catch (e) { showError(e); } finally { b.disabled = !canAct(); }
    } }, label);
}

/** Re-renders a node only when its data changed, so a button is not replaced under the pointer every poll. */
function fillIfChanged(node, data, render) {
  const signature = JSON.stringify(data);
  if (node.dataset.signature === signature) return;
  node.dataset.signature = signature;
  fill(node, render());
}

// ---------- sign in ----------
function renderWho() {
  const who = document.getElementById('who');
  fill(who, );
  if (me) {
    who.append(h('span', { id: 'role', 'data-role': me.role }, `${me.name} · ${me.role}`),
      h('button', { id: 'sign-out', onclick: () => { setApiKey(null); me = null; route(); } }, 'Sign out'));
  }
}

function signInView(message) {
  const key = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', placeholder: 'API key', required: true });
  const form = h('form', { id: 'sign-in', class: 'card narrow', onsubmit: async (ev) => {
    ev.preventDefault();
    setApiKey(key.value.trim());
    try { await loadMe(); location.hash = '#/runs'; route(); } catch (e) { setApiKey(null); showError(e); }
  } }, h('h2', {}, 'Sign in'), h('p', {}, message || 'With your gateway API key (kept in this tab only).'),
  key, h('button', { type: 'submit' }, 'Sign in'));
  fill(view, form);
}

async function loadMe() {
  me = await get('/api/v1/keys/me');
  renderWho();
}

// ---------- runs ----------
// Fields left empty take trainer-service's defaults, shown as placeholders from GET /api/v1/trainer/runs/defaults
// (the one place run defaults live: docs/adr/020).
const RUN_FIELDS = [
  ['teacherId', 'Teacher', 'text', 'default'],
  ['iterations', 'Iterations', 'number', ''],
  ['checkpointInterval', 'Checkpoint interval', 'number', ''],
  ['batchSize', 'Batch size', 'number', ''],
  ['studentLearningRate', 'Student LR', 'number', ''],
  ['headLearningRate', 'Head LR', 'number', ''],
  ['seed', 'Seed', 'number', ''],
  ['studentNoise', 'Student noise (fresh | shard)', 'text', ''],
  ['samplerEta', 'Sampler η', 'number', ''],
  ['renoiseStd', 'Renoise t̂ std', 'number', ''],
  ['adversarialWeight', 'Adversarial weight (0 = distillation only)', 'number', ''],
  ['adversarialRampIterations', 'Adversarial ramp (iterations)', 'number', ''],
  ['adversarialWeighting', 'Adversarial weighting (fixed | adaptive)', 'text', ''],
  ['adversarialLoss', 'Adversarial loss (hinge | softplus)', 'text', ''],
  ['sharedRenoise', 'Shared renoise (true | false)', 'boolean', ''],
  ['headLogits', 'Head logits (image | token)', 'text', ''],
  ['headNorm', 'Head norm (layer | group)', 'text', ''],
  ['wrongPromptFakes', 'Wrong-prompt fakes (true | false)', 'boolean', ''],
  ['discriminatorData', 'Discriminator data (synthetic | real)', 'text', ''],
];

// A field's text as the JSON the API takes: numbers as numbers, "true"/"false" as booleans (anything else is sent as
// typed, and the API's 400 names the field).
function fieldValue(type, v) {
  if (type === 'number') return Number(v);
  if (type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
  return v;
}

function startRunForm(onStarted) {
  const inputs = {};
  const form = h('form', { id: 'start-run', class: 'card', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
    const body = {};
    for (const [name, , type] of RUN_FIELDS) {
      const v = inputs[name].value.trim();
      if (v !== '') body[name] = fieldValue(type, v);
    }
    try {
      const run = await post('/api/v1/runs', body);
      onStarted(run);
    } catch (e) {
      if (e instanceof ApiError) {
        for (const [field, message] of Object.entries(e.fieldErrors())) {
          const slot = form.querySelector(`[data-error-for="${field}"]`);
          if (slot) slot.textContent = message;
        }
      }
      showError(e);
    }
  } }, h('h2', {}, 'Start a run'),
  h('div', { class: 'fields' }, RUN_FIELDS.map(([name, label, type, value]) => {
    inputs[name] = h('input', { name, type: 'text', inputmode: type === 'number' ? 'decimal' : null,
      value: value === '' ? null : value, placeholder: value === '' ? 'default' : null });
    return h('label', {}, label, inputs[name], h('span', { class: 'field-error', 'data-error-for': name }));
  })),
  actButton('Start run', () => form.requestSubmit(), { type: 'button', id: 'start-run-button' }));
  get('/api/v1/trainer/runs/defaults').then((defaults) => {
    for (const [name, value] of Object.entries(defaults)) {
      if (inputs[name] && !inputs[name].value) inputs[name].placeholder = String(value);
    }
  }, () => {});   // without them the placeholders just say "default"
  return form;
}

async function runsView() {
  const table = h('table', { id: 'runs' });
  fill(view, h('section', {}, h('h2', {}, 'Runs'), table),
    startRunForm((run) => { location.hash = `#/runs/${run.runId}`; }));
  poll(async () => {
    const [runs, trainerRuns] = await Promise.all([get('/api/v1/runs'),
      get('/api/v1/trainer/runs').catch((e) => { showError(e); return []; })]);
    const progress = Object.fromEntries(trainerRuns.map((r) => [r.runId, r]));
    fillIfChanged(table, [runs, trainerRuns], () => [h('tr', {}, ['Run', 'Teacher', 'State', 'Progress', 'By', 'Started', ''].map((t) => h('th', {}, t))),
      runs.map((r) => {
        const t = progress[r.runId];
        const state = t ? t.state : r.state;
        const pct = t && t.iterations ? Math.round((100 * t.iteration) / t.iterations) : 0;
        const active = ['requested', 'waiting-for-data', 'training'].includes(state);
        return h('tr', { 'data-run': r.runId },
          h('td', {}, h('a', { href: `#/runs/${r.runId}` }, r.runId)), h('td', {}, r.teacherId),
          h('td', { class: `state ${state}` }, state, r.reason ? h('small', {}, ` ${r.reason}`) : null),
          h('td', {}, t ? h('span', {}, h('progress', { max: t.iterations, value: t.iteration }), ` ${t.iteration}/${t.iterations} (${pct}%)`) : '–'),
          h('td', {}, r.requestedBy), h('td', {}, when(r.createdAt)),
          h('td', {}, active ? actButton('Cancel', async () => {
            await post(`/api/v1/trainer/runs/${seg(r.runId)}/cancel`);
          }, { class: 'cancel' }) : ''));
      })]);
  });
}

// ---------- run detail ----------
const COLORS = { 1: '#d62728', 2: '#ff7f0e', 4: '#1f77b4' };

async function runDetailView(runId) {
  const head = h('div', { class: 'card', id: 'run-head' }, 'loading…');
  const loss = h('div', { class: 'chart-box', id: 'loss-chart' });
  const disc = h('div', { class: 'chart-box', id: 'd-chart' });
  const fid = h('div', { class: 'chart-box', id: 'fid-chart' });
  const checkpoints = h('table', { id: 'checkpoints' });
  const scoring = h('div', { id: 'scoring', class: 'card' }, 'scoring: loading…');
  const grids = h('div', { id: 'grids', class: 'card' });
  fill(view, h('h2', {}, `Run ${runId}`), head,
    h('div', { class: 'charts' }, loss, disc, fid),
    h('section', {}, h('h3', {}, 'Checkpoints'), scoring, checkpoints), grids);
  const metrics = [];
  let after = 0;
  let teacherId = null;
  let baselines = [];
  let gridFor = null;
  const steps = [1, 2, 4];

  poll(async () => {
    const detail = await get(`/api/v1/trainer/runs/${seg(runId)}`).catch((e) => {
      if (e.status === 404) return null;
      throw e;
    });
    if (!detail) { fill(head, 'requested: waiting for the trainer to take the run up…'); return; }
    const r = detail.run;
    teacherId = r.teacherId;
    const active = ['requested', 'waiting-for-data', 'training'].includes(r.state);
    fill(head, 
      h('span', { class: `state ${r.state}`, id: 'run-state' }, r.state), ` teacher ${r.teacherId} · `,
      h('progress', { max: r.iterations, value: r.iteration }), ` ${r.iteration}/${r.iterations} iterations · checkpoint every ${r.checkpointInterval}`,
      r.failureReason ? h('p', { class: 'problem' }, r.failureReason) : null,
      active ? actButton('Cancel run', () => post(`/api/v1/trainer/runs/${seg(runId)}/cancel`), { id: 'cancel-run' }) : null);
    // new metrics only: ?after= the last iteration we have
    for (;;) {
      const page = await get(`/api/v1/trainer/runs/${seg(runId)}/metrics?after=${after}&limit=1000`);
      metrics.push(...page);
      if (page.length) after = page[page.length - 1].iteration;
      if (page.length < 1000) break;
    }
    fill(loss, lineChart({ title: 'Losses', xLabel: 'iteration', yLabel: 'loss', series: [
      { name: 'student', color: '#1f77b4', points: metrics.map((m) => [m.iteration, m.studentLoss]) },
      { name: 'discriminator', color: '#d62728', points: metrics.map((m) => [m.iteration, m.discriminatorLoss]) }] }));
    fill(disc, lineChart({ title: 'D(real) and D(fake)', xLabel: 'iteration', yLabel: 'logit', series: [
      { name: 'D(real)', color: '#2ca02c', points: metrics.map((m) => [m.iteration, m.dReal]) },
      { name: 'D(fake)', color: '#9467bd', points: metrics.map((m) => [m.iteration, m.dFake]) }] }));

    const scores = await get(`/api/v1/eval/runs/${seg(runId)}/scores`)
      .catch((e) => { if (e.status === 404) return { checkpoints: [] }; throw e; });   // none reached eval yet
    const cps = scores.checkpoints || [];
    // eval-service scores each checkpoint in a quick pass, then a full one; FIDs of different passes (sample
    // counts) are not comparable, so the chart shows one pass: full as soon as a checkpoint has it
    const pass = cps.some((c) => c.scoredPass === 'full') ? 'full' : 'quick';
    const passScores = (c) => (pass === 'full' ? (c.scoredPass === 'full' ? c.scores : []) : c.quickScores || []);
    if (teacherId && !baselines.some((b) => b.pass === pass)) {
      baselines = (await get(`/api/v1/eval/teachers/${seg(teacherId)}/baselines`)
        .catch((e) => { if (e.status === 404) return {}; throw e; })).baselines || [];
    }
    const teacher = baselines.filter((b) => b.pass === pass);
    const xs = cps.map((c) => c.step);
    const series = [];
    for (const s of steps) {
      series.push({ name: `student ${s} step${s > 1 ? 's' : ''}`, color: COLORS[s], points: cps
        .map((c) => [c.step, (passScores(c).find((x) => x.sampler === 'student' && x.steps === s) || {}).fid]) });
      const b = teacher.find((x) => x.sampler === 'teacher' && x.steps === s);
      if (b && xs.length) series.push({ name: `teacher ${s}`, color: COLORS[s], dashed: true,
        points: [[Math.min(...xs), b.fid], [Math.max(...xs), b.fid]] });
    }
    const full = teacher[0];
    if (full && xs.length) series.push({ name: `teacher ${full.steps}+CFG`, color: '#444', dashed: true,
      points: [[Math.min(...xs), full.fid], [Math.max(...xs), full.fid]] });
    const n = cps.flatMap(passScores)[0]?.samples;
    fill(fid, lineChart({ title: `FID vs step, ${pass} pass${n ? ` (n=${n})` : ''} (dashed: teacher baselines)`,
      xLabel: 'training step', yLabel: 'FID', series }));

    const worker = await get('/api/v1/eval/scoring').catch(() => null);
    fill(scoring, !worker ? 'scoring: eval-service does not answer'
      : [h('strong', {}, 'Scoring: '), worker.current
        ? h('span', { id: 'scoring-now' }, `${worker.current.pass} pass of ${worker.current.subject}, ${worker.current.model} · `,
          h('progress', { max: worker.current.total, value: worker.current.done }),
          ` ${worker.current.done}/${worker.current.total} samples · ${eta(worker.current.etaSeconds)}`)
        : h('span', { id: 'scoring-now' }, worker.workerEnabled ? 'idle' : 'this eval-service instance does not score'),
      ` · ${worker.queue.length} pass${worker.queue.length === 1 ? '' : 'es'} to do`
        + (worker.quickPass ? ` (quick: ${worker.quickSamples} samples first, then full: ${worker.fullSamples})` : '')]);

    fillIfChanged(checkpoints, cps, () => [h('tr', {}, ['Checkpoint', 'State', 'Pass', 'FID 1', 'FID 2', 'FID 4', 'Precision 4',
      'Recall 4', 'Adherence 4', 'ms/img 4', ''].map((t) => h('th', {}, t))),
    cps.map((c) => {
      const at = (s) => c.scores.find((x) => x.sampler === 'student' && x.steps === s) || {};
      return h('tr', { 'data-checkpoint': c.checkpointId },
        h('td', {}, h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); gridFor = c.checkpointId; showGrids(); } }, c.checkpointId)),
        h('td', { class: `state ${c.state}` }, c.state, c.refusalReason ? h('small', {}, ` ${c.refusalReason}`) : null),
        h('td', { class: `pass ${c.scoredPass || ''}`, title: 'quick: a first score over a small evaluation set; full supersedes it' },
          c.scoredPass ? `${c.scoredPass} · n=${c.scores[0]?.samples ?? '?'}` : '–',
          c.progress ? h('small', { class: 'scoring-progress' }, ` ${progressText(c.progress)}`) : null),
        h('td', { class: 'fid-1' }, num(at(1).fid)), h('td', { class: 'fid-2' }, num(at(2).fid)), h('td', { class: 'fid-4' }, num(at(4).fid)),
        h('td', {}, num(at(4).precision)), h('td', {}, num(at(4).recall)), h('td', {}, num(at(4).adherence)),
        h('td', {}, num(at(4).msPerImageBatch1)),
        h('td', {}, c.state === 'scored' ? actButton('Promote…', () => promote('default', c.checkpointId),
          { class: 'promote', 'data-checkpoint': c.checkpointId }) : ''));
    })]);
    const scored = cps.filter((c) => c.state === 'scored');
    if (!gridFor && scored.length) { gridFor = scored[scored.length - 1].checkpointId; showGrids(); }
  });

  async function showGrids() {
    const cp = gridFor;
    const fullSteps = baselines[0]?.steps || 50;   // the teacher's full step count, as its baselines were made (most steps first)
    fill(grids, h('h3', {}, `Samples: ${cp} beside the teacher (same prompts and seeds)`));
    const row = h('div', { class: 'grid-row' });
    grids.append(row);
    const sources = [
      ...steps.map((s) => [`student, ${s} step${s > 1 ? 's' : ''}`, `/api/v1/eval/checkpoints/${seg(cp)}/grid.png?steps=${s}`]),
      [`teacher, ${fullSteps} steps + CFG`, `/api/v1/eval/teachers/${seg(teacherId)}/grid.png?steps=${fullSteps}`],
      ['teacher, 4 steps', `/api/v1/eval/teachers/${seg(teacherId)}/grid.png?steps=4&cfg=1.5`]];
    for (const [label, path] of sources) {
      const img = h('img', { alt: label, class: 'sample-grid' });
      row.append(h('figure', {}, img, h('figcaption', {}, label)));
      imageUrl(path).then((url) => { img.src = url; }).catch(showError);
    }
  }
}

async function promote(alias, checkpointId) {
  const reason = await confirmAction(`Promote to '${alias}'?`, `Serve ${checkpointId} on alias '${alias}'.`);
  if (!reason) return;
  await post(`/api/v1/serving/${seg(alias)}/promote`, { checkpointId, reason });
  location.hash = '#/serving';
}

// ---------- serving ----------
async function servingView() {
  const current = h('table', { id: 'serving' });
  const replicas = h('table', { id: 'replicas' });
  const history = h('table', { id: 'history' });
  const alias = h('input', { id: 'alias', value: 'default' });
  const checkpoint = h('select', { id: 'promote-checkpoint' });
  fill(view, h('h2', {}, 'Serving'), current, h('h3', {}, 'Inference replicas'), replicas,
    h('div', { class: 'card' }, h('label', {}, 'Alias ', alias), ' ',
      h('label', {}, 'Scored checkpoint ', checkpoint), ' ',
      actButton('Promote…', () => checkpoint.value ? promote(alias.value, checkpoint.value)
        : showError(new Error('no scored checkpoint to promote')), { id: 'promote' }), ' ',
      actButton('Roll back…', async () => {
        const reason = await confirmAction(`Roll back '${alias.value}'?`, 'Serve the previous checkpoint again.');
        if (reason) await post(`/api/v1/serving/${seg(alias.value)}/rollback`, { reason });
      }, { id: 'rollback' })),
    h('h3', {}, 'History'), history);
  let loadedCheckpoints = false;
  poll(async () => {
    const [statuses, replica] = await Promise.all([get('/api/v1/serving'),
      get('/api/v1/inference/serving').catch(() => [])]);
    const desired = Object.fromEntries((replica || []).map((a) => [a.alias, a]));
    fill(current, h('tr', {}, ['Alias', 'Serving (reported)', 'Revision', 'Status', 'Desired', 'Since'].map((t) => h('th', {}, t))),
      statuses.map((s) => h('tr', { 'data-alias': s.alias },
        h('td', {}, s.alias), h('td', { class: 'served-checkpoint' }, s.checkpointId), h('td', {}, s.revision),
        h('td', { class: `state ${s.status}` }, s.status, s.reason ? h('small', {}, ` ${s.reason}`) : null),
        h('td', {}, desired[s.alias]?.desired ? `${desired[s.alias].desired.checkpointId} (rev ${desired[s.alias].desired.revision})` : '–'),
        h('td', {}, when(s.updatedAt)))));
    if (statuses.length === 0) current.append(h('tr', {}, h('td', { colspan: 6 }, 'nothing served yet')));
    const reports = await get('/api/v1/serving/replicas');
    fill(replicas, h('tr', {}, ['Alias', 'Replica', 'Serving', 'Revision', 'Status', 'Serves the desired revision'].map((t) => h('th', {}, t))),
      reports.map((r) => h('tr', { 'data-alias': r.alias, 'data-replica': r.replica },
        h('td', {}, r.alias), h('td', {}, r.replica), h('td', {}, r.checkpointId || '–'), h('td', {}, r.revision),
        h('td', { class: `state ${r.status}` }, r.status, r.reason ? h('small', {}, ` ${r.reason}`) : null),
        h('td', {}, r.current ? 'yes' : 'no'))));
    const changes = await get(`/api/v1/serving/${seg(alias.value || 'default')}/history`);
    fill(history, h('tr', {}, ['When', 'Action', 'Revision', 'From', 'To', 'By', 'Reason'].map((t) => h('th', {}, t))),
      changes.map((c) => h('tr', {}, h('td', {}, when(c.at)), h('td', {}, c.action), h('td', {}, c.revision),
        h('td', {}, c.fromCheckpointId || '–'), h('td', {}, c.toCheckpointId), h('td', {}, c.actor), h('td', {}, c.reason))));
    if (!loadedCheckpoints) {
      loadedCheckpoints = true;
      const cps = (await get('/api/v1/checkpoints')).filter((c) => c.scoreState === 'scored');
      fill(checkpoint, ...cps.map((c) => h('option', { value: c.checkpointId }, `${c.checkpointId} (${c.scorePass} score)`)));
    }
  });
}

// ---------- playground ----------
function playgroundView() {
  const prompt = h('input', { id: 'prompt', value: 'a photo of an ankle boot', size: 40 });
  const steps = h('select', { id: 'steps' }, [1, 2, 4, 8].map((s) => h('option', { value: s, selected: s === 4 }, s)));
  const seed = h('input', { id: 'seed', value: 7, size: 8 });
  const model = h('input', { id: 'model', value: 'default', size: 10 });
  const out = h('div', { id: 'generated', class: 'card' });
  const form = h('form', { id: 'playground', class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { prompt: prompt.value, n: 1, size: '128x128', steps: Number(steps.value), model: model.value,
      response_format: 'b64_json' };
    if (seed.value.trim() !== '') body.seed = Number(seed.value);
    const t0 = performance.now();
    try {
      const answer = await post('/v1/images/generations', body);
      const ms = performance.now() - t0;
      fill(out, h('img', { id: 'generated-image', src: `data:image/png;base64,${answer.data[0].b64_json}`,
        alt: prompt.value }), h('p', { id: 'latency' }, `${ms.toFixed(0)} ms round trip · ${body.steps} steps · seed ${body.seed ?? 'random'}`));
    } catch (e) { showError(e); }
  } }, h('h2', {}, 'Playground'), h('label', {}, 'Prompt ', prompt), h('label', {}, 'Steps ', steps),
  h('label', {}, 'Seed ', seed), h('label', {}, 'Model ', model), h('button', { type: 'submit', id: 'generate' }, 'Generate'));
  fill(view, form, out);
}

// ---------- routing ----------
async function route() {
  generation++;
  for (const t of timers) clearInterval(t);
  timers = [];
  if (!apiKey()) { renderWho(); signInView(); return; }
  if (!me) {
    try { await loadMe(); } catch (e) { setApiKey(null); showError(e); signInView('That key was refused.'); return; }
  }
  const path = location.hash.replace(/^#/, '') || '/runs';
  const [, page, id] = path.split('/');
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.nav === page);
  if (page === 'runs' && id) return runDetailView(decodeURIComponent(id));
  if (page === 'serving') return servingView();
  if (page === 'playground') return playgroundView();
  return runsView();
}

window.addEventListener('hashchange', route);
route();
