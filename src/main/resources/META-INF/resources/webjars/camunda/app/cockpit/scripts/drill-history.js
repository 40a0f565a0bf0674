/**
 * Cockpit plugin "Drill history" (Camunda 7 frontend plugin API, loaded through customScripts in config.js).
 *
 * Why: Cockpit CE shows a drill as a process instance with raw variables; operators and auditors need the drills
 * themselves — verdict, failed step, RTO/RPO against their limits, reviewer, evidence — and their trend. Everything
 * is read from the engine's history REST API as the logged-in user (Cockpit's session and CSRF token), so the
 * user's authorizations decide what is shown; the evidence files come from the server's /drills/{runId}/.
 *
 * Plugins: a header link (cockpit.navigation), two routes (cockpit.route: #/drill-history, the list and trends,
 * and #/drill-history/<run id>, one drill), and a tab on the dr-drill definition page
 * (cockpit.processDefinition.runtime.tab). Data from variables reaches the page through textContent and DOM
 * properties only. No framework, no build step; bpmn-js' NavigatedViewer is vendored in ./vendor/.
 */
import {
  PROCESS_KEY, STATUS_FILTERS, chartModel, drillPageHref, drillStatus, durationWords, engineDate,
  evidenceHref, evidenceListingHref, isRunId, markSteps, overLimit, parseEngineDate, parseRoute, rpoWords, rtoWords,
  statusWord, stepStateWords, stepWords, timeWords, variablesByInstance,
} from './drill-history-core.js';

const VIEWER_VERSION = '18.31.1';
const VIEWER_URL = new URL('./vendor/bpmn-navigated-viewer.production.min.js', import.meta.url).href;
const STYLE_URL = new URL('./drill-history.css', import.meta.url).href;
const PAGE_SIZE = 20;
const TREND_DEFAULT = 20;
const LIST_VARIABLES = ['manifest', 'runId', 'drillStatus', 'failedStage', 'errorMessage', 'rtoSeconds', 'rpoMinutes',
  'maxRtoSeconds', 'maxRpoMinutes', 'reviewer'];
const TREND_VARIABLES = ['runId', 'drillStatus', 'rtoSeconds', 'rpoMinutes', 'maxRtoSeconds', 'maxRpoMinutes'];

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers: elements are built with properties and textContent, never from HTML strings.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

function ensureStyles() {
  if (document.getElementById('drh-styles')) return;
  document.head.append(el('link', { id: 'drh-styles', rel: 'stylesheet', type: 'text/css', href: STYLE_URL }));
}

function statusBadge(verdict, ended, note) {
  const status = drillStatus(verdict, ended);
  return el('span', { class: `drh-status drh-status-${status.key} drh-tone-${status.tone}`, 'data-status': status.key },
    status.word, note ? el('span', { class: 'drh-status-note', text: ` ${note}` }) : null);
}

function notice(text, kind = 'info') {
  return el('p', { class: `drh-notice drh-notice-${kind}`, text });
}

// ---------------------------------------------------------------------------------------------------------------
// The engine's REST API as Cockpit's user: the session cookie, and Cockpit's CSRF token on every POST.

class HttpError extends Error {
  constructor(status, message) {
    super(message || `HTTP ${status}`);
    this.status = status;
  }
}

function csrfToken(api) {
  const match = /(?:^|;\s*)XSRF-TOKEN=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : api.CSRFToken;
}

function engine(api, signal) {
  const base = api.engineApi;
  async function call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') {
      const token = csrfToken(api);
      if (token) headers['X-XSRF-TOKEN'] = token;
    }
    const response = await fetch(base + path, {
      method, headers, credentials: 'same-origin', signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!response.ok) throw new HttpError(response.status, json?.message || `HTTP ${response.status}`);
    return json;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
  };
}

function errorText(what, error) {
  if (error?.status === 403 || error?.status === 401) return `${what}: not permitted for your user (HTTP ${error.status}).`;
  return `${what}: ${error?.message || error}`;
}

async function variablesOf(rest, processInstanceIds, names) {
  if (!processInstanceIds.length) return new Map();
  const body = { processInstanceIdIn: processInstanceIds };
  if (names) body.variableNameIn = names;
  return variablesByInstance(await rest.post('/history/variable-instance?deserializeValues=false', body));
}

async function knownManifests(rest) {
  try {
    const found = await rest.get(`/history/variable-instance?variableName=manifest&processDefinitionKey=${PROCESS_KEY}`
      + '&deserializeValues=false&maxResults=2000');
    return [...new Set(found.map((v) => v.value).filter((v) => typeof v === 'string' && v))].sort();
  } catch {
    return [];
  }
}

/** Mounted views keep their teardown here: Cockpit calls a plugin's unmount() without arguments. */
function mounts() {
  let current = null;
  return {
    start() {
      current?.dispose();
      const controller = new AbortController();
      const cleanups = [];
      current = {
        signal: controller.signal,
        onDispose: (fn) => cleanups.push(fn),
        dispose() {
          controller.abort();
          for (const fn of cleanups.splice(0)) { try { fn(); } catch { /* already gone */ } }
        },
      };
      return current;
    },
    stop() { current?.dispose(); current = null; },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The history list (route #/drill-history and the definition tab).

function historyQuery(filter) {
  const body = { processDefinitionKey: PROCESS_KEY, sorting: [{ sortBy: 'startTime', sortOrder: 'desc' }] };
  const variables = [];
  if (filter.manifest) variables.push({ name: 'manifest', operator: 'eq', value: filter.manifest });
  if (filter.status === 'running') body.unfinished = true;
  else if (filter.status) variables.push({ name: 'drillStatus', operator: 'eq', value: filter.status });
  if (variables.length) body.variables = variables;
  if (filter.startedAfter) body.startedAfter = engineDate(filter.startedAfter);
  if (filter.startedBefore) body.startedBefore = engineDate(filter.startedBefore);
  return body;
}

function dateInputValue(text) {
  return /^\d{4}-\d{2}-\d{2}$/.test(text ?? '') ? text : '';
}

function renderHistory(node, api, mount, { embedded = false, initial = {} } = {}) {
  ensureStyles();
  const rest = engine(api, mount.signal);
  const filter = {
    manifest: initial.manifest ?? '',
    status: STATUS_FILTERS.includes(initial.status) ? initial.status : '',
    after: dateInputValue(initial.after),
    before: dateInputValue(initial.before),
  };
  let page = 0;

  const manifestList = el('datalist', { id: `drh-manifests-${Math.random().toString(36).slice(2)}` });
  const manifestInput = el('input', { type: 'text', class: 'form-control drh-filter-manifest', name: 'manifest',
    placeholder: 'any manifest', value: filter.manifest, list: manifestList.id });
  const statusSelect = el('select', { class: 'form-control drh-filter-status', name: 'status' },
    el('option', { value: '', text: 'any status' }),
    STATUS_FILTERS.map((s) => el('option', { value: s, text: statusWord(s), selected: s === filter.status })));
  const afterInput = el('input', { type: 'date', class: 'form-control drh-filter-after', name: 'after', value: filter.after });
  const beforeInput = el('input', { type: 'date', class: 'form-control drh-filter-before', name: 'before', value: filter.before });
  const form = el('form', { class: 'drh-filters form-inline', onsubmit: (e) => { e.preventDefault(); apply(); } },
    el('label', {}, 'Manifest ', manifestInput), manifestList,
    el('label', {}, 'Status ', statusSelect),
    el('label', {}, 'Started after ', afterInput),
    el('label', {}, 'Started before ', beforeInput),
    el('button', { type: 'submit', class: 'btn btn-default', text: 'Apply' }),
    el('button', { type: 'button', class: 'btn btn-link', text: 'Clear', onclick: () => {
      manifestInput.value = ''; statusSelect.value = ''; afterInput.value = ''; beforeInput.value = ''; apply();
    } }));

  const tableBody = el('tbody');
  const table = el('table', { class: 'table table-condensed drh-table' },
    el('thead', {}, el('tr', {}, ['Started', 'Manifest', 'Status', 'Failed step', 'RTO', 'RPO', 'Reviewer', 'Run id']
      .map((h) => el('th', { text: h })))), tableBody);
  const message = el('div', { class: 'drh-list-message' });
  const pagerText = el('span', { class: 'drh-pager-text' });
  const previous = el('button', { type: 'button', class: 'btn btn-default btn-sm drh-previous', text: '‹ Newer',
    onclick: () => { if (page > 0) { page -= 1; load(); } } });
  const next = el('button', { type: 'button', class: 'btn btn-default btn-sm drh-next', text: 'Older ›',
    onclick: () => { page += 1; load(); } });
  const pager = el('div', { class: 'drh-pager' }, previous, ' ', pagerText, ' ', next);

  const trendSelect = el('select', { class: 'form-control drh-trend-manifest', name: 'trendManifest' });
  const trendCount = el('input', { type: 'number', class: 'form-control drh-trend-count', min: '2', max: '200',
    value: String(TREND_DEFAULT) });
  const trendHost = el('div', { class: 'drh-trend-host' });
  const trends = el('section', { class: 'drh-trends' },
    el('h3', { text: 'Trends' }),
    el('form', { class: 'form-inline drh-trend-form', onsubmit: (e) => { e.preventDefault(); showTrends(); } },
      el('label', {}, 'Manifest ', trendSelect), el('label', {}, 'Last ', trendCount, ' finished drills'),
      el('button', { type: 'submit', class: 'btn btn-default', text: 'Show' })),
    trendHost);

  const root = el('div', { class: `drh drh-history${embedded ? ' drh-embedded' : ''}` },
    embedded ? null : el('h1', { class: 'drh-title', text: 'Drill history' }),
    embedded ? el('p', {}, el('a', { href: '#/drill-history', text: 'Open the full drill history and trends' })) : null,
    form, message, table, pager, trends);
  node.append(root);

  function apply() {
    filter.manifest = manifestInput.value.trim();
    filter.status = statusSelect.value;
    filter.after = afterInput.value;
    filter.before = beforeInput.value;
    page = 0;
    load();
    if (filter.manifest && [...trendSelect.options].some((o) => o.value === filter.manifest)) {
      trendSelect.value = filter.manifest;
      showTrends();
    }
  }

  async function load() {
    const query = historyQuery({
      manifest: filter.manifest, status: filter.status,
      startedAfter: filter.after ? new Date(`${filter.after}T00:00:00`) : null,
      startedBefore: filter.before ? new Date(`${filter.before}T23:59:59.999`) : null,
    });
    message.replaceChildren(notice('Loading drills…'));
    try {
      const [{ count }, drills] = await Promise.all([
        rest.post('/history/process-instance/count', query),
        rest.post(`/history/process-instance?firstResult=${page * PAGE_SIZE}&maxResults=${PAGE_SIZE}`, query),
      ]);
      const vars = await variablesOf(rest, drills.map((d) => d.id), LIST_VARIABLES);
      tableBody.replaceChildren(...drills.map((d) => historyRow(d, vars.get(d.id) ?? {})));
      message.replaceChildren(count === 0 ? notice('No drill matches.') : '');
      const from = count === 0 ? 0 : page * PAGE_SIZE + 1;
      pagerText.textContent = `Drills ${from}–${page * PAGE_SIZE + drills.length} of ${count}`;
      previous.disabled = page === 0;
      next.disabled = (page + 1) * PAGE_SIZE >= count;
    } catch (error) {
      if (error?.name === 'AbortError') return;
      tableBody.replaceChildren();
      message.replaceChildren(notice(errorText('The drill history could not be read', error), 'error'));
    }
  }

  async function showTrends() {
    const manifest = trendSelect.value;
    trendHost.replaceChildren();
    if (!manifest) { trendHost.append(notice('No drill has run yet.')); return; }
    const count = Math.min(200, Math.max(2, Number.parseInt(trendCount.value, 10) || TREND_DEFAULT));
    await renderTrends(trendHost, rest, manifest, count);
  }

  knownManifests(rest).then((manifests) => {
    manifestList.replaceChildren(...manifests.map((m) => el('option', { value: m })));
    trendSelect.replaceChildren(...manifests.map((m) => el('option', { value: m, text: m })));
    if (filter.manifest && manifests.includes(filter.manifest)) trendSelect.value = filter.manifest;
    return manifests.length ? firstManifest(rest, filter.manifest, manifests) : null;
  }).then((preferred) => {
    if (mount.signal.aborted) return;
    if (preferred) trendSelect.value = preferred;
    showTrends();
  }).catch(() => {});
  load();
}

async function firstManifest(rest, wanted, manifests) {
  if (wanted && manifests.includes(wanted)) return wanted;
  // the manifest of the newest drill
  const [newest] = await rest.post('/history/process-instance?maxResults=1', historyQuery({}));
  if (!newest) return manifests[0];
  const vars = await variablesOf(rest, [newest.id], ['manifest']);
  return vars.get(newest.id)?.manifest ?? newest.businessKey ?? manifests[0];
}

function historyRow(drill, v) {
  const ended = Boolean(drill.endTime);
  const status = drillStatus(v.drillStatus, ended);
  const awaitingReview = !ended && (status.key === 'failed' || status.key === 'policy_violation');
  const manifest = drill.businessKey || v.manifest || '—';
  const runText = v.runId || drill.id;
  return el('tr', { class: `drh-row drh-row-${status.key}`, 'data-process-instance-id': drill.id, 'data-run-id': v.runId ?? '' },
    el('td', { class: 'drh-started', text: timeWords(drill.startTime) }),
    el('td', { class: 'drh-manifest', text: manifest }),
    el('td', {}, statusBadge(v.drillStatus, ended, awaitingReview ? '(awaiting review)' : null)),
    el('td', { class: 'drh-failed-step', text: v.failedStage ? stepWords(v.failedStage) : '—', title: v.errorMessage ?? null }),
    el('td', { class: `drh-rto${overLimit(v.rtoSeconds, v.maxRtoSeconds) ? ' drh-over' : ''}`,
      text: rtoWords(v.rtoSeconds, v.maxRtoSeconds) }),
    el('td', { class: `drh-rpo${overLimit(v.rpoMinutes, v.maxRpoMinutes) ? ' drh-over' : ''}`,
      text: rpoWords(v.rpoMinutes, v.maxRpoMinutes) }),
    el('td', { class: 'drh-reviewer', text: v.reviewer || (awaitingReview ? 'pending' : '—') }),
    el('td', { class: 'drh-run-id' }, el('a', { href: drillPageHref(v.runId, drill.id), text: runText })));
}

// ---------------------------------------------------------------------------------------------------------------
// Trends: the last N finished drills of a manifest, RTO and RPO against their limits, as inline SVG.

async function renderTrends(host, rest, manifest, count) {
  host.replaceChildren(notice(`Loading the last ${count} drills of ${manifest}…`));
  try {
    const query = historyQuery({ manifest });
    query.finished = true;
    const drills = (await rest.post(`/history/process-instance?maxResults=${count}`, query)).reverse();
    const vars = await variablesOf(rest, drills.map((d) => d.id), TREND_VARIABLES);
    const rows = drills.map((d) => ({ drill: d, v: vars.get(d.id) ?? {} }));
    const seconds = (m) => (m === null || m === undefined ? null : Number(m) * 60);
    const rto = rows.map(({ drill, v }) => ({ label: timeWords(drill.startTime), value: v.rtoSeconds, limit: v.maxRtoSeconds,
      href: drillPageHref(v.runId, drill.id) }));
    const rpo = rows.map(({ drill, v }) => ({ label: timeWords(drill.startTime), value: seconds(v.rpoMinutes),
      limit: seconds(v.maxRpoMinutes), href: drillPageHref(v.runId, drill.id) }));
    host.replaceChildren(
      el('p', { class: 'drh-trend-caption', text: `${manifest}: ${drills.length} finished drill${drills.length === 1 ? '' : 's'}`
        + ' (oldest left). Red points are over their limit; the dashed line is the limit.' }),
      el('div', { class: 'drh-charts' }, trendChart('RTO', rto), trendChart('RPO', rpo)));
  } catch (error) {
    if (error?.name === 'AbortError') return;
    host.replaceChildren(notice(errorText('The trend could not be read', error), 'error'));
  }
}

function trendChart(title, points) {
  const model = chartModel(points);
  const figure = el('figure', { class: `drh-chart-figure drh-chart-${title.toLowerCase()}` },
    el('figcaption', { text: points.length === 1 ? `${title} of the last drill` : `${title} of the last ${points.length} drills` }));
  if (!model.circles.length) {
    figure.append(notice(`No ${title} recorded for these drills.`));
    return figure;
  }
  const { plot } = model;
  const chart = svg('svg', { class: `drh-chart drh-chart-${title.toLowerCase()}`, width: model.width, height: model.height,
    viewBox: `0 0 ${model.width} ${model.height}`, role: 'img', 'aria-label': `${title} trend` });
  for (const tick of model.ticks) {
    chart.append(svg('line', { class: 'drh-grid', x1: plot.left, x2: plot.left + plot.width, y1: tick.y, y2: tick.y }),
      svg('text', { class: 'drh-tick', x: plot.left - 6, y: tick.y + 4, 'text-anchor': 'end',
        text: durationWords(tick.value) }));
  }
  chart.append(
    svg('line', { class: 'drh-axis', x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.top + plot.height }),
    svg('line', { class: 'drh-axis', x1: plot.left, x2: plot.left + plot.width, y1: plot.top + plot.height,
      y2: plot.top + plot.height }),
    svg('text', { class: 'drh-axis-label', x: 12, y: plot.top + plot.height / 2, 'text-anchor': 'middle',
      transform: `rotate(-90 12 ${plot.top + plot.height / 2})`, text: title }));
  if (model.limitPath) chart.append(svg('path', { class: 'drh-limit', d: model.limitPath }));
  const first = model.circles[0];
  const last = model.circles[model.circles.length - 1];
  chart.append(svg('text', { class: 'drh-tick', x: plot.left, y: model.height - 8, 'text-anchor': 'start', text: first.label }));
  if (last !== first) {
    chart.append(svg('text', { class: 'drh-tick', x: plot.left + plot.width, y: model.height - 8, 'text-anchor': 'end',
      text: last.label }));
  }
  const shown = points.filter((p) => p.value !== null && p.value !== undefined && Number.isFinite(Number(p.value)));
  model.circles.forEach((c, i) => {
    const words = `${c.label}: ${title} ${durationWords(c.value)}${c.limit === null ? '' : ` (limit ${durationWords(c.limit)})`}`;
    const dot = svg('circle', { class: `drh-point${c.over ? ' drh-point-over' : ''}`, cx: c.cx, cy: c.cy, r: 4,
      'data-value': c.value }, svg('title', { text: words }));
    const href = shown[i]?.href;
    chart.append(href ? svg('a', { href }, dot) : dot);
  });
  figure.append(chart);
  return figure;
}

// ---------------------------------------------------------------------------------------------------------------
// One drill: details, the diagram with its steps marked, the step timeline, evidence, trends of its manifest.

let viewerLoading = null;
function loadViewer() {
  if (window.BpmnJS) return Promise.resolve(window.BpmnJS);
  if (!viewerLoading) {
    viewerLoading = new Promise((resolve, reject) => {
      // Cockpit ships an AMD loader; the UMD build would register itself there instead of as window.BpmnJS.
      const amd = typeof window.define === 'function' ? window.define : null;
      if (amd) window.define = undefined;
      const restore = () => { if (amd) window.define = amd; };
      const script = el('script', { src: `${VIEWER_URL}?v=${VIEWER_VERSION}`, async: true });
      script.addEventListener('load', () => { restore(); window.BpmnJS ? resolve(window.BpmnJS) : reject(new Error('bpmn-js did not load')); });
      script.addEventListener('error', () => { restore(); viewerLoading = null; reject(new Error('bpmn-js could not be loaded')); });
      document.head.append(script);
    });
  }
  return viewerLoading;
}

async function findDrill(rest, id) {
  if (isRunId(id)) {
    const [drill] = await rest.post('/history/process-instance?maxResults=1', {
      processDefinitionKey: PROCESS_KEY, variables: [{ name: 'runId', operator: 'eq', value: id }],
    });
    return drill ?? null;
  }
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) return null;
  try {
    const drill = await rest.get(`/history/process-instance/${encodeURIComponent(id)}`);
    return drill?.processDefinitionKey === PROCESS_KEY ? drill : null;
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

function renderDrill(node, api, mount, id) {
  ensureStyles();
  const rest = engine(api, mount.signal);
  const root = el('div', { class: 'drh drh-drill' },
    el('p', { class: 'drh-back' }, el('a', { href: '#/drill-history', text: '‹ Drill history' })));
  const body = el('div', { class: 'drh-drill-body' }, notice('Loading the drill…'));
  root.append(body);
  node.append(root);

  let viewer = null;
  let timer = null;
  mount.onDispose(() => { clearTimeout(timer); viewer?.destroy(); });

  const sections = {
    header: el('div', { class: 'drh-drill-header' }),
    details: el('dl', { class: 'drh-details' }),
    error: el('div', { class: 'drh-error-host' }),
    diagram: el('div', { class: 'drh-diagram' }),
    legend: el('p', { class: 'drh-legend' }, ['passed', 'failed', 'running', 'not-reached']
      .map((s) => el('span', { class: `drh-legend-item drh-legend-${s}`, text: stepStateWords(s) }))),
    timeline: el('div', { class: 'drh-timeline-host' }),
    evidence: el('div', { class: 'drh-evidence-host' }),
    trends: el('div', { class: 'drh-trend-host' }),
  };

  async function load(first) {
    let drill;
    try {
      drill = await findDrill(rest, id);
    } catch (error) {
      if (error?.name === 'AbortError') return;
      body.replaceChildren(notice(errorText('The drill could not be read', error), 'error'));
      return;
    }
    if (!drill) { body.replaceChildren(notice(`No drill ${id} in the history you may read.`, 'error')); return; }
    try {
      const [varsById, activities] = await Promise.all([
        variablesOf(rest, [drill.id], null),
        rest.get(`/history/activity-instance?processInstanceId=${encodeURIComponent(drill.id)}&sortBy=startTime&sortOrder=asc&maxResults=1000`),
      ]);
      if (mount.signal.aborted) return;
      const v = varsById.get(drill.id) ?? {};
      const ended = Boolean(drill.endTime);
      const steps = markSteps(activities, { ended, verdict: v.drillStatus ?? null, failedStage: v.failedStage ?? null });
      if (first) {
        body.replaceChildren(sections.header, sections.details, sections.error,
          el('h3', { text: 'Steps' }), sections.legend, sections.diagram,
          el('h3', { text: 'Timeline' }), sections.timeline,
          el('h3', { text: 'Evidence' }), sections.evidence,
          el('h3', { text: 'Trends of this manifest' }), sections.trends);
      }
      showHeader(drill, v, ended);
      showError(v, steps);
      showTimeline(activities, steps);
      await showDiagram(drill, steps, v, activities);
      if (first) {
        showEvidence(v.runId);
        const manifest = drill.businessKey || v.manifest;
        if (manifest) {
          sections.trends.replaceChildren(el('p', {}, el('a', {
            href: `#/drill-history?manifest=${encodeURIComponent(manifest)}`, text: `All drills of ${manifest}` })));
          const charts = el('div');
          sections.trends.append(charts);
          renderTrends(charts, rest, manifest, TREND_DEFAULT);
        } else {
          sections.trends.replaceChildren(notice('No manifest recorded.'));
        }
      }
      // a running drill is read again until it ends
      if (!ended && !mount.signal.aborted) timer = setTimeout(() => load(false), 10000);
    } catch (error) {
      if (error?.name === 'AbortError') return;
      body.replaceChildren(notice(errorText('The drill could not be read', error), 'error'));
    }
  }

  function showHeader(drill, v, ended) {
    const awaitingReview = !ended && ['failed', 'policy_violation'].includes(v.drillStatus);
    sections.header.replaceChildren(
      el('h1', { class: 'drh-title' }, 'Drill ', el('span', { class: 'drh-run-id', text: v.runId || drill.id }), ' ',
        statusBadge(v.drillStatus, ended, awaitingReview ? '(awaiting review)' : null)));
    const rows = [
      ['Manifest', drill.businessKey || v.manifest || '—'],
      ['Run id', v.runId || '—'],
      ['Started', timeWords(drill.startTime)],
      ['Ended', ended ? timeWords(drill.endTime) : 'not yet'],
      ['Duration', durationWords((drill.durationInMillis ?? (Date.now() - parseEngineDate(drill.startTime))) / 1000) ?? '—'],
      ['Started by', v.startedBy === 'scheduler' ? 'the scheduler' : (drill.startUserId || v.initiator || '—')],
      ['Failed step', v.failedStage ? stepWords(v.failedStage) : '—'],
      ['RTO', rtoWords(v.rtoSeconds, v.maxRtoSeconds)],
      ['RPO', rpoWords(v.rpoMinutes, v.maxRpoMinutes)],
      ['Reviewer', v.reviewer || (awaitingReview ? 'pending' : '—')],
    ];
    if (v.reviewedAt) rows.push(['Reviewed', timeWords(v.reviewedAt)]);
    if (v.reviewNote) rows.push(['Review note', v.reviewNote]);
    if (v.note) rows.push(['Note', v.note]);
    if (drill.superProcessInstanceId) rows.push(['Called by', 'a release sign-off']);
    sections.details.replaceChildren(...rows.flatMap(([term, value]) => [
      el('dt', { text: term }), el('dd', { class: `drh-detail-${term.toLowerCase().replace(/\W+/g, '-')}`, text: String(value) })]));
    if (!ended) {
      sections.details.append(el('dt', { text: 'In Cockpit' }),
        el('dd', {}, el('a', { href: `#/process-instance/${encodeURIComponent(drill.id)}/runtime`, text: 'the running instance' })));
    }
  }

  function showError(v, steps) {
    const failed = steps.find((s) => s.state === 'failed');
    sections.error.replaceChildren();
    if (!v.errorMessage) return;
    sections.error.append(el('div', { class: 'drh-error', role: 'alert' },
      el('strong', { text: failed ? `${failed.words} failed: ` : 'Error: ' }),
      el('span', { class: 'drh-error-message', text: v.errorMessage })));
  }

  function showTimeline(activities, steps) {
    const rows = steps.map((s) => ({ words: s.words, start: s.startTime, millis: s.durationMillis, state: s.state, step: true }));
    for (const a of activities) {
      if (!['serviceTask', 'userTask', 'callActivity'].includes(a.activityType)) continue;
      if (steps.some((s) => s.element === a.activityId)) continue;
      rows.push({ words: a.activityName || stepWords(a.activityId), start: a.startTime,
        millis: a.durationInMillis ?? null, state: a.canceled ? 'canceled' : (a.endTime ? 'done' : 'running'), step: false });
    }
    const order = (r) => parseEngineDate(r.start) ?? Number.MAX_SAFE_INTEGER;
    rows.sort((a, b) => order(a) - order(b));
    const resultWords = { done: 'Done', canceled: 'Canceled' };
    sections.timeline.replaceChildren(el('table', { class: 'table table-condensed drh-timeline' },
      el('thead', {}, el('tr', {}, ['Step', 'Start', 'Duration', 'Result'].map((h) => el('th', { text: h })))),
      el('tbody', {}, rows.map((r) => el('tr', { class: `drh-timeline-${r.state}${r.step ? '' : ' drh-timeline-other'}` },
        el('td', { text: r.words }),
        el('td', { text: r.start ? timeWords(r.start) : '—' }),
        el('td', { text: r.millis === null || r.millis === undefined ? (r.state === 'running' ? 'running' : '—') : durationWords(r.millis / 1000) }),
        el('td', {}, el('span', { class: `drh-step-state drh-step-state-${r.state}`,
          text: resultWords[r.state] ?? stepStateWords(r.state) })))))));
  }

  async function showDiagram(drill, steps, v, activities) {
    try {
      if (!viewer) {
        const [BpmnJS, xml] = await Promise.all([loadViewer(),
          rest.get(`/process-definition/${encodeURIComponent(drill.processDefinitionId)}/xml`)]);
        if (mount.signal.aborted) return;
        const canvasHost = el('div', { class: 'drh-canvas' });
        sections.diagram.replaceChildren(canvasHost);
        viewer = new BpmnJS({ container: canvasHost });
        await viewer.importXML(xml.bpmn20Xml);
        viewer.get('canvas').zoom('fit-viewport');
      }
      const canvas = viewer.get('canvas');
      const overlays = viewer.get('overlays');
      const registry = viewer.get('elementRegistry');
      overlays.remove({ type: 'drh-error' });
      // what the drill does besides its steps (alerts, the review task): running while it has no end
      for (const a of activities) {
        if (steps.some((s) => s.element === a.activityId) || !registry.get(a.activityId)) continue;
        canvas.removeMarker(a.activityId, 'drh-step-running');
        if (!a.endTime) canvas.addMarker(a.activityId, 'drh-step-running');
      }
      for (const step of steps) {
        if (!registry.get(step.element)) continue;
        for (const s of ['passed', 'failed', 'running', 'not-reached']) canvas.removeMarker(step.element, `drh-step-${s}`);
        canvas.addMarker(step.element, `drh-step-${step.state}`);
        if (step.state === 'failed' && v.errorMessage) {
          const text = v.errorMessage.length > 110 ? `${v.errorMessage.slice(0, 107)}…` : v.errorMessage;
          overlays.add(step.element, 'drh-error', {
            position: { top: -48, left: -30 },
            html: el('div', { class: 'drh-overlay-error', title: v.errorMessage, text }),
          });
        }
      }
    } catch (error) {
      if (error?.name === 'AbortError') return;
      sections.diagram.replaceChildren(notice(errorText('The diagram could not be shown', error), 'error'));
      viewer = null;
    }
  }

  async function showEvidence(runId) {
    const host = sections.evidence;
    const listing = evidenceListingHref(runId);
    if (!listing) { host.replaceChildren(notice('Evidence not available: the drill has no run id yet.')); return; }
    host.replaceChildren(notice('Loading the evidence…'));
    try {
      const response = await fetch(listing, { credentials: 'same-origin', headers: { Accept: 'application/json' },
        signal: mount.signal });
      const type = response.headers.get('Content-Type') ?? '';
      if (!response.ok || !type.includes('json')) {
        const why = response.status === 403 ? ': your user may not read it' : response.ok ? ': not a listing' : '';
        host.replaceChildren(notice(`Evidence not available (HTTP ${response.status}${why}).`, 'muted'));
        return;
      }
      const listed = await response.json();
      const files = Array.isArray(listed?.files) ? listed.files : [];
      const items = files.map((f) => ({ name: String(f.name ?? ''), size: f.size, href: evidenceHref(runId, f.name) }))
        .filter((f) => f.href);
      if (!items.length) { host.replaceChildren(notice('Evidence not available (the folder is empty).', 'muted')); return; }
      host.replaceChildren(el('ul', { class: 'drh-evidence' }, items.map((f) => el('li', {},
        el('a', { href: f.href, target: '_blank', rel: 'noopener', class: 'drh-evidence-link', text: f.name }),
        Number.isFinite(f.size) ? el('span', { class: 'drh-size', text: ` ${sizeWords(f.size)}` }) : null))));
    } catch (error) {
      if (error?.name === 'AbortError') return;
      host.replaceChildren(notice(`Evidence not available (${error.message}).`, 'muted'));
    }
  }

  load(true);
}

function sizeWords(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

// ---------------------------------------------------------------------------------------------------------------
// The plugins.

const routeMount = mounts();
const drillMount = mounts();
const tabMount = mounts();

function renderRoute(node, { api }) {
  const route = parseRoute(window.location.hash) ?? { view: 'list', query: {} };
  if (route.view === 'drill') renderDrill(node, api, drillMount.start(), route.drill);
  else renderHistory(node, api, routeMount.start(), { initial: route.query });
}

export default [
  {
    id: 'drill-history-navigation',
    pluginPoint: 'cockpit.navigation',
    priority: 5,
    properties: { label: 'Drill history', pagePath: '#/drill-history' },
    checkActive: (url) => /#!?\/drill-history(?:[/?]|$)/.test(url),
    render(node) {
      node.append(el('a', { href: '#/drill-history', text: 'Drill history', class: 'drh-nav-link' }));
    },
  },
  {
    id: 'drill-history-route',
    pluginPoint: 'cockpit.route',
    priority: 0,
    properties: { path: '/drill-history', label: 'Drill history' },
    render: renderRoute,
    unmount: () => routeMount.stop(),
  },
  {
    id: 'drill-history-drill-route',
    pluginPoint: 'cockpit.route',
    priority: 0,
    properties: { path: '/drill-history/:drill', label: 'Drill' },
    render: renderRoute,
    unmount: () => drillMount.stop(),
  },
  {
    id: 'drill-history-definition-tab',
    pluginPoint: 'cockpit.processDefinition.runtime.tab',
    priority: -10,
    properties: { label: 'Drill history' },
    render(node, { api, processDefinitionId }) {
      const mount = tabMount.start();
      engine(api, mount.signal).get(`/process-definition/${encodeURIComponent(processDefinitionId)}`).then((definition) => {
        if (mount.signal.aborted) return;
        if (definition?.key === PROCESS_KEY) renderHistory(node, api, mount, { embedded: true });
        else node.append(notice('Drill history is kept for the DR drill process (dr-drill) only.', 'muted'));
      }).catch((error) => {
        if (error?.name !== 'AbortError') node.append(notice(errorText('The process definition could not be read', error), 'error'));
      });
    },
    unmount: () => tabMount.stop(),
  },
];
