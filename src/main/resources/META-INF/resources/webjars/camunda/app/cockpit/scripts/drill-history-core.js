/**
 * The pure part of the Cockpit "Drill history" plugin (drill-history.js): words for steps, statuses and durations,
 * the marking of a drill's steps from its activity instances, the geometry of the trend charts, the drill page's
 * address. No DOM and no network here, so that `node --test` checks them (e2e/drill-history-core.test.mjs).
 */

/** The drill's steps in the order they run: the id in the evidence, the BPMN element, the words shown. */
export const STEPS = Object.freeze([
  { stage: 'load_manifest', element: 'Task_LoadManifest', words: 'Load manifest' },
  { stage: 'verify_backup_digest', element: 'Task_VerifyBackupDigest', words: 'Verify backup digest' },
  { stage: 'verify_backup_payload', element: 'Task_VerifyBackupPayload', words: 'Verify backup payload' },
  { stage: 'validate_sbom', element: 'Task_ValidateSbom', words: 'Validate SBOM' },
  { stage: 'validate_provenance', element: 'Task_ValidateProvenance', words: 'Validate provenance' },
  // one external task runs both restore steps at the recovery site
  { stage: 'restore_artifact', element: 'Task_RestoreAtSite', words: 'Restore at the recovery site',
    alsoStages: ['validate_restored_backup'] },
  { stage: 'enforce_policies', element: 'Task_EnforcePolicies', words: 'Enforce policies' },
].map((s) => Object.freeze({ ...s, alsoStages: Object.freeze(s.alsoStages ?? []) })));

export const PROCESS_KEY = 'dr-drill';

const RUN_ID = /^drill-\d{8}T\d{6}Z-[0-9a-f]{12}$/;

/** Whether a text is a drill's run id (`drill-20250101T120000Z-0123456789ab`), the name of its evidence folder. */
export function isRunId(text) {
  return typeof text === 'string' && RUN_ID.test(text);
}

/** A step id (`verify_backup_digest`) or BPMN element id (`Task_VerifyBackupDigest`) in words. */
export function stepWords(stageOrElement) {
  if (stageOrElement === null || stageOrElement === undefined || stageOrElement === '') return '';
  if (stageOrElement === 'validate_restored_backup') return 'Validate restored backup';
  const known = STEPS.find((s) => s.stage === stageOrElement || s.element === stageOrElement);
  if (known) return known.words;
  const text = String(stageOrElement).replace(/^Task_/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The BPMN element of a step id, or null for a stage that is not a step of the diagram. */
export function elementOfStage(stage) {
  return STEPS.find((s) => s.stage === stage || (s.alsoStages ?? []).includes(stage))?.element ?? null;
}

function numberOrNull(value) {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function unitPair(big, bigUnit, small, smallUnit) {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}

/**
 * Seconds in words: "12.3 s" under a minute (a moment under 0.05 s is "< 0.1 s"), "4 min 5 s" under an hour, "3 h 12 min" under a day, "11 d 13 h"
 * beyond; a zero second unit is dropped ("5 min", "3 h", "7 d"). Null for no value.
 */
export function durationWords(seconds) {
  const s = numberOrNull(seconds);
  if (s === null) return null;
  const sign = s < 0 ? '-' : '';
  const abs = Math.abs(s);
  const tenths = Math.round(abs * 10) / 10;
  if (abs > 0 && tenths === 0) return `${sign}< 0.1 s`;
  if (tenths < 60) return `${sign}${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)} s`;
  const wholeSeconds = Math.round(abs);
  if (wholeSeconds < 3600) return sign + unitPair(Math.floor(wholeSeconds / 60), 'min', wholeSeconds % 60, 's');
  const minutes = Math.round(abs / 60);
  if (minutes < 24 * 60) return sign + unitPair(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(abs / 3600);
  return sign + unitPair(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

/** "11 d 13 h (limit 7 d)"; without a limit just the value; "—" without a value. Both in seconds. */
export function withLimitWords(seconds, limitSeconds) {
  const value = durationWords(seconds);
  const limit = durationWords(limitSeconds);
  if (value === null) return limit === null ? '—' : `— (limit ${limit})`;
  return limit === null ? value : `${value} (limit ${limit})`;
}

/** RTO in words beside its limit, both in seconds as the drill records them. */
export function rtoWords(rtoSeconds, maxRtoSeconds) {
  return withLimitWords(rtoSeconds, maxRtoSeconds);
}

/** RPO in words beside its limit; the drill records both in minutes. */
export function rpoWords(rpoMinutes, maxRpoMinutes) {
  const toSeconds = (m) => (numberOrNull(m) === null ? null : numberOrNull(m) * 60);
  return withLimitWords(toSeconds(rpoMinutes), toSeconds(maxRpoMinutes));
}

/** Whether a value is over its limit (false without either). */
export function overLimit(value, limit) {
  const v = numberOrNull(value);
  const l = numberOrNull(limit);
  return v !== null && l !== null && v > l;
}

const STATUSES = Object.freeze({
  passed: { word: 'Passed', tone: 'green' },
  failed: { word: 'Failed', tone: 'red' },
  policy_violation: { word: 'Policy violation', tone: 'red' },
  invalid: { word: 'Invalid', tone: 'orange' },
  running: { word: 'Running', tone: 'blue' },
  unknown: { word: 'No verdict', tone: 'grey' },
});

/** The status filters the history view offers: the verdicts, and "running" for drills that have not ended. */
export const STATUS_FILTERS = Object.freeze(['passed', 'failed', 'policy_violation', 'invalid', 'running']);

/**
 * A drill's status: its verdict (drillStatus) when it has one, "running" while it has none and has not ended,
 * "unknown" for one that ended without a verdict (deleted, say). Returns {key, word, tone}.
 */
export function drillStatus(verdict, ended) {
  const key = Object.hasOwn(STATUSES, verdict ?? '') && verdict !== 'running' && verdict !== 'unknown'
    ? verdict : (ended ? 'unknown' : 'running');
  return { key, ...STATUSES[key] };
}

/** The words of a status filter value. */
export function statusWord(key) {
  return STATUSES[key]?.word ?? String(key);
}

/** The engine's date ("2025-01-01T10:00:00.000+0000") as epoch milliseconds, or null. */
export function parseEngineDate(text) {
  if (!text) return null;
  const ms = Date.parse(String(text).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms;
}

/** A date as the engine's REST API takes it in queries: UTC, "2025-01-01T10:00:00.000+0000". */
export function engineDate(date) {
  return new Date(date).toISOString().replace('Z', '+0000');
}

const pad = (n) => String(n).padStart(2, '0');

/** A moment as "2025-01-01 10:00:00" in the browser's time zone; "—" for none. */
export function timeWords(value) {
  const ms = typeof value === 'number' ? value : parseEngineDate(value);
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `
    + `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The variables of many process instances from one /history/variable-instance answer: a map from process
 * instance id to {name: value}. A variable of the instance's own scope wins over a local one of the same name.
 */
export function variablesByInstance(variableInstances) {
  const byInstance = new Map();
  for (const v of variableInstances ?? []) {
    if (!byInstance.has(v.processInstanceId)) byInstance.set(v.processInstanceId, { values: {}, own: {} });
    const entry = byInstance.get(v.processInstanceId);
    const ownScope = v.activityInstanceId === v.processInstanceId;
    if (v.value === null || v.value === undefined) {
      if (!(v.name in entry.values)) entry.values[v.name] = null;
      continue;
    }
    if (ownScope || !entry.own[v.name]) {
      entry.values[v.name] = v.value;
      entry.own[v.name] = ownScope;
    }
  }
  return new Map([...byInstance].map(([id, e]) => [id, e.values]));
}

/**
 * Each step of a drill marked from its historic activity instances: passed (ended normally), failed (its instance
 * was canceled by the error boundary, or it is the recorded failedStage), running (an instance without an end, or
 * the next step of a drill that has no verdict yet and waits for its job), not reached (no instance).
 * Returns, in step order, {stage, element, words, state, startTime, endTime, durationMillis}.
 */
export function markSteps(activityInstances, drill = {}) {
  const { ended = false, verdict = null, failedStage = null } = drill;
  const failedElement = elementOfStage(failedStage);
  const latest = new Map();
  for (const a of activityInstances ?? []) {
    const previous = latest.get(a.activityId);
    if (!previous || (parseEngineDate(a.startTime) ?? 0) >= (parseEngineDate(previous.startTime) ?? 0)) {
      latest.set(a.activityId, a);
    }
  }
  const marked = STEPS.map((step) => {
    const a = latest.get(step.element);
    let state = 'not-reached';
    if (step.element === failedElement && verdict && verdict !== 'passed') state = 'failed';
    else if (a && a.canceled) state = 'failed';
    else if (a && !a.endTime) state = ended ? 'failed' : 'running';
    else if (a) state = 'passed';
    return {
      stage: step.stage, element: step.element, words: step.words, state,
      startTime: a?.startTime ?? null, endTime: a?.endTime ?? null,
      durationMillis: a?.durationInMillis ?? (a?.endTime ? (parseEngineDate(a.endTime) - parseEngineDate(a.startTime)) : null),
    };
  });
  const waiting = !ended && !verdict && !marked.some((m) => m.state === 'running' || m.state === 'failed');
  if (waiting) {
    const lastPassed = marked.map((m) => m.state).lastIndexOf('passed');
    const next = marked[lastPassed + 1];
    if (next && next.state === 'not-reached' && (lastPassed >= 0 || (activityInstances ?? []).length > 0)) {
      next.state = 'running';
    }
  }
  return marked;
}

const STATE_WORDS = Object.freeze({
  passed: 'Passed', failed: 'Failed', running: 'Running', 'not-reached': 'Not reached',
});

/** The words of a step's state. */
export function stepStateWords(state) {
  return STATE_WORDS[state] ?? String(state);
}

/**
 * The address of one evidence file of a drill, each path segment encoded; null for a run id or name that is
 * not one (a name with "..", an absolute one, an empty segment).
 */
export function evidenceHref(runId, name) {
  if (!isRunId(runId)) return null;
  const segments = String(name ?? '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\'))) return null;
  return `/drills/${encodeURIComponent(runId)}/${segments.map(encodeURIComponent).join('/')}`;
}

/** The address of a drill's evidence listing, or null for a text that is no run id. */
export function evidenceListingHref(runId) {
  return isRunId(runId) ? `/drills/${encodeURIComponent(runId)}/` : null;
}

/**
 * Which view a Cockpit address shows: "#/drill-history" (the list, filters in its query) or
 * "#/drill-history/<run id or process instance id>" (one drill). Returns {view, drill, query} or null.
 */
export function parseRoute(hash) {
  const match = /^#!?\/drill-history(?:\/([^/?#]+))?\/?(?:\?(.*))?$/.exec(hash ?? '');
  if (!match) return null;
  const query = Object.fromEntries(new URLSearchParams(match[2] ?? ''));
  if (match[1]) {
    let drill;
    try { drill = decodeURIComponent(match[1]); } catch { return null; }
    return { view: 'drill', drill, query };
  }
  return { view: 'list', drill: null, query };
}

/** The Cockpit address of a drill's page: by run id when it has one, by process instance id otherwise. */
export function drillPageHref(runId, processInstanceId) {
  return `#/drill-history/${encodeURIComponent(isRunId(runId) ? runId : processInstanceId)}`;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
/** Steps between ticks that read well as durations (seconds). */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];

/** The smallest tick step at least `raw` seconds that reads as a round duration. */
export function niceStep(raw) {
  if (!(raw > 0)) return 1;
  if (raw < 1) {
    const base = 10 ** Math.floor(Math.log10(raw));
    const fraction = raw / base;
    return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * base;
  }
  const found = TIME_STEPS.find((step) => step >= raw);
  return found ?? Math.ceil(raw / (30 * DAY)) * 30 * DAY;
}

/**
 * The geometry of a trend chart: drills left (oldest) to right (newest), each a point {cx, cy, value, limit,
 * over, label}; the limit as one dashed path through each drill's limit (a step where it changed); y ticks.
 * Points are {label, value, limit} in one unit (seconds); those without a value are left out.
 */
export function chartModel(points, { width = 560, height = 220, left = 78, right = 16, top = 14, bottom = 40 } = {}) {
  const shown = (points ?? []).filter((p) => numberOrNull(p.value) !== null);
  const values = shown.flatMap((p) => [numberOrNull(p.value), numberOrNull(p.limit)]).filter((v) => v !== null);
  const max = Math.max(0, ...values);
  const step = max > 0 ? niceStep(max / 4) : 1;
  const top_ = Math.max(step, Math.ceil((max * 1.1) / step) * step);
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const x = (i) => (shown.length === 1 ? left + plotWidth / 2 : left + (plotWidth * i) / (shown.length - 1));
  const y = (v) => top + plotHeight - (plotHeight * v) / top_;
  const circles = shown.map((p, i) => ({
    cx: round1(x(i)), cy: round1(y(numberOrNull(p.value))), value: numberOrNull(p.value), limit: numberOrNull(p.limit),
    over: overLimit(p.value, p.limit), label: p.label,
  }));
  let limitPath = '';
  const half = shown.length > 1 ? plotWidth / (shown.length - 1) / 2 : plotWidth / 2;
  let previous = null;
  circles.forEach((c, i) => {
    if (c.limit === null) { previous = null; return; }
    const from = round1(Math.max(left, c.cx - half));
    const to = round1(Math.min(left + plotWidth, c.cx + half));
    const ly = round1(y(c.limit));
    limitPath += previous === null || i === 0 ? `M${from} ${ly}` : `L${from} ${ly}`;
    limitPath += ` L${to} ${ly} `;
    previous = c.limit;
  });
  const ticks = [];
  for (let v = 0; v <= top_ + step / 2; v += step) ticks.push({ value: v, y: round1(y(v)) });
  return {
    width, height, plot: { left, top, width: plotWidth, height: plotHeight },
    circles, limitPath: limitPath.trim(), ticks, max: top_,
  };
}

function round1(n) {
  return Math.round(n * 10) / 10;
}
