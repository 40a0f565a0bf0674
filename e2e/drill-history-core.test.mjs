// Unit tests of the pure part of the Cockpit "Drill history" plugin (drill-history-core.js, shipped in the jar):
// the words the operators read and the step marking the diagram shows. Run by .ci/run with `node --test e2e/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const core = await import(pathToFileURL(path.join(ROOT,
  'src/main/resources/META-INF/resources/webjars/camunda/app/cockpit/scripts/drill-history-core.js')).href);

test('durations read in the largest two units, dropping a zero second unit', () => {
  // Given durations across the four ranges, When put in words, Then each reads as the contract says
  assert.equal(core.durationWords(12.34), '12.3 s');
  assert.equal(core.durationWords(12), '12 s');
  assert.equal(core.durationWords(245), '4 min 5 s');
  assert.equal(core.durationWords(300), '5 min');
  assert.equal(core.durationWords(3 * 3600 + 12 * 60), '3 h 12 min');
  assert.equal(core.durationWords(3 * 3600), '3 h');
  assert.equal(core.durationWords(11 * 86400 + 13 * 3600), '11 d 13 h');
  assert.equal(core.durationWords(7 * 86400), '7 d');
});

test('a duration rounded up to the next unit reads in that unit', () => {
  // Given values just under a unit's end, When rounded, Then they move to the next unit instead of "60 s"
  assert.equal(core.durationWords(59.97), '1 min');
  assert.equal(core.durationWords(3599.6), '1 h');
  assert.equal(core.durationWords(86399), '1 d');
});

test('a moment too short for a tenth and no value at all read differently', () => {
  // Given 0.03 s, 0 s and no value, When put in words, Then "< 0.1 s", "0 s" and null
  assert.equal(core.durationWords(0.03), '< 0.1 s');
  assert.equal(core.durationWords(0), '0 s');
  assert.equal(core.durationWords(null), null);
  assert.equal(core.durationWords(undefined), null);
  assert.equal(core.durationWords('not a number'), null);
});

test('RTO and RPO read beside their limits, RPO converted from minutes', () => {
  // Given an RTO in seconds and an RPO in minutes with limits, When put in words, Then "x (limit y)"
  assert.equal(core.rtoWords(11 * 86400 + 13 * 3600, 7 * 86400), '11 d 13 h (limit 7 d)');
  assert.equal(core.rtoWords(42.5, null), '42.5 s');
  assert.equal(core.rpoWords(30, 60), '30 min (limit 1 h)');
  assert.equal(core.rpoWords(17017.506, 10080), '11 d 20 h (limit 7 d)');
  assert.equal(core.rpoWords(null, 10080), '— (limit 7 d)');
  assert.equal(core.rtoWords(null, null), '—');
});

test('statuses have words and colours: red for failures, orange for invalid, blue while running', () => {
  // Given each verdict, When its status is asked, Then word and tone match
  assert.deepEqual(core.drillStatus('passed', true), { key: 'passed', word: 'Passed', tone: 'green' });
  assert.deepEqual(core.drillStatus('failed', true), { key: 'failed', word: 'Failed', tone: 'red' });
  assert.deepEqual(core.drillStatus('policy_violation', false), { key: 'policy_violation', word: 'Policy violation', tone: 'red' });
  assert.deepEqual(core.drillStatus('invalid', true), { key: 'invalid', word: 'Invalid', tone: 'orange' });
  assert.deepEqual(core.drillStatus(null, false), { key: 'running', word: 'Running', tone: 'blue' });
  assert.equal(core.drillStatus(null, true).key, 'unknown');
  // a variable that claims "running" or something else is no verdict
  assert.equal(core.drillStatus('running', true).key, 'unknown');
  assert.equal(core.drillStatus('<b>x</b>', false).key, 'running');
});

test('steps read as words, known ones from the table and others from their id', () => {
  // Given step ids and element ids, When put in words, Then as the forms say them
  assert.equal(core.stepWords('verify_backup_digest'), 'Verify backup digest');
  assert.equal(core.stepWords('validate_sbom'), 'Validate SBOM');
  assert.equal(core.stepWords('Task_EnforcePolicies'), 'Enforce policies');
  assert.equal(core.stepWords('Task_SendAlertOnFailure'), 'Send alert on failure');
  assert.equal(core.stepWords('some_new_step'), 'Some new step');
  assert.equal(core.elementOfStage('load_manifest'), 'Task_LoadManifest');
  assert.equal(core.elementOfStage('unknown'), null);
});

const at = (s) => `2025-01-01T10:00:${String(s).padStart(2, '0')}.000+0000`;
function done(activityId, start, end, extra = {}) {
  return { activityId, startTime: at(start), endTime: at(end), durationInMillis: (end - start) * 1000, canceled: false, ...extra };
}

test('a drill that failed its digest step: earlier steps passed, that step failed, later ones not reached', () => {
  // Given the activity instances of a tampered drill (the digest step canceled by the error boundary)
  const activities = [
    done('StartEvent_DrillRequested', 0, 0), done('SubProcess_Drill', 0, 3, { canceled: true }),
    done('Task_LoadManifest', 1, 2), done('Task_VerifyBackupDigest', 2, 3, { canceled: true }),
    done('BoundaryEvent_DrDrillError', 3, 3), { activityId: 'Task_ReviewDrillFailure', startTime: at(4), endTime: null },
  ];
  // When its steps are marked
  const marked = core.markSteps(activities, { ended: false, verdict: 'failed', failedStage: 'verify_backup_digest' });
  // Then
  const state = Object.fromEntries(marked.map((m) => [m.element, m.state]));
  assert.equal(state.Task_LoadManifest, 'passed');
  assert.equal(state.Task_VerifyBackupDigest, 'failed');
  assert.equal(state.Task_VerifyBackupPayload, 'not-reached');
  assert.equal(state.Task_EnforcePolicies, 'not-reached');
  assert.equal(marked.length, 7);
  assert.equal(marked[1].durationMillis, 1000);
  assert.equal(marked[1].words, 'Verify backup digest');
});

test('a policy violation marks the policy step failed even though its instance completed', () => {
  // Given all steps completed and the verdict naming the policy step
  const activities = core.STEPS.map((s, i) => done(s.element, i, i + 1));
  // When marked
  const marked = core.markSteps(activities, { ended: true, verdict: 'policy_violation', failedStage: 'enforce_policies' });
  // Then only the policy step is red
  assert.deepEqual(marked.map((m) => m.state), [...Array(6).fill('passed'), 'failed']);
});

test('both restore steps are one task of the diagram, run at the recovery site', () => {
  // Given the two restore steps, When their element is asked for, Then it is the one external task
  assert.equal(core.elementOfStage('restore_artifact'), 'Task_RestoreAtSite');
  assert.equal(core.elementOfStage('validate_restored_backup'), 'Task_RestoreAtSite');
  assert.equal(core.stepWords('validate_restored_backup'), 'Validate restored backup');
});

test('a passed drill has every step passed', () => {
  // Given a drill through all steps, When marked, Then all green
  const activities = core.STEPS.map((s, i) => done(s.element, i, i + 1));
  assert.ok(core.markSteps(activities, { ended: true, verdict: 'passed' }).every((m) => m.state === 'passed'));
});

test('a running drill marks the step in progress, or the next one while its job waits', () => {
  // Given a drill in its third step
  const inStep = [done('Task_LoadManifest', 0, 1), done('Task_VerifyBackupDigest', 1, 2),
    { activityId: 'Task_VerifyBackupPayload', startTime: at(2), endTime: null }];
  // When marked, Then that step runs and the rest are not reached
  assert.deepEqual(core.markSteps(inStep, {}).slice(0, 4).map((m) => m.state), ['passed', 'passed', 'running', 'not-reached']);
  // Given a drill between steps (the next step's asynchronous job not yet run), Then the next step is running
  const between = [done('StartEvent_DrillRequested', 0, 0), done('Task_LoadManifest', 0, 1)];
  assert.deepEqual(core.markSteps(between, {}).slice(0, 3).map((m) => m.state), ['passed', 'running', 'not-reached']);
  // Given a drill whose first job has not run, Then the first step is running
  assert.equal(core.markSteps([done('StartEvent_DrillRequested', 0, 0)], {})[0].state, 'running');
});

test('variables of many drills are grouped by drill, the drill-wide value winning over a local one', () => {
  // Given variable instances of two drills, one variable twice (a local copy and the drill's own)
  const vars = core.variablesByInstance([
    { processInstanceId: 'a', activityInstanceId: 'sub:1', name: 'errorMessage', value: 'local' },
    { processInstanceId: 'a', activityInstanceId: 'a', name: 'errorMessage', value: 'own' },
    { processInstanceId: 'a', activityInstanceId: 'a', name: 'drillStatus', value: 'failed' },
    { processInstanceId: 'b', activityInstanceId: 'b', name: 'drillStatus', value: null },
  ]);
  // Then
  assert.deepEqual(vars.get('a'), { errorMessage: 'own', drillStatus: 'failed' });
  assert.deepEqual(vars.get('b'), { drillStatus: null });
});

test('evidence addresses are built from the run id and each name segment, never from a path that leaves the folder', () => {
  const runId = 'drill-20250101T120000Z-0123456789ab';
  // Given names from a listing, When their addresses are built, Then segments are encoded and escapes refused
  assert.equal(core.evidenceHref(runId, 'dr-report.json'), `/drills/${runId}/dr-report.json`);
  assert.equal(core.evidenceHref(runId, 'restore/recall stdout.log'), `/drills/${runId}/restore/recall%20stdout.log`);
  assert.equal(core.evidenceHref(runId, '../other/dr-report.json'), null);
  assert.equal(core.evidenceHref(runId, '/etc/passwd'), null);
  assert.equal(core.evidenceHref(runId, 'a\\..\\b'), null);
  assert.equal(core.evidenceHref('../x', 'dr-report.json'), null);
  assert.equal(core.evidenceListingHref(runId), `/drills/${runId}/`);
  assert.equal(core.evidenceListingHref('javascript:alert(1)'), null);
});

test('Cockpit addresses name the list or one drill', () => {
  // Given hash addresses, When parsed, Then the view and its parameters
  assert.deepEqual(core.parseRoute('#/drill-history'), { view: 'list', drill: null, query: {} });
  assert.deepEqual(core.parseRoute('#/drill-history?manifest=good%2Fmanifest.json&status=failed'),
    { view: 'list', drill: null, query: { manifest: 'good/manifest.json', status: 'failed' } });
  assert.deepEqual(core.parseRoute('#/drill-history/drill-20250101T120000Z-0123456789ab'),
    { view: 'drill', drill: 'drill-20250101T120000Z-0123456789ab', query: {} });
  assert.equal(core.parseRoute('#/processes'), null);
  assert.equal(core.drillPageHref('drill-20250101T120000Z-0123456789ab', 'pid'), '#/drill-history/drill-20250101T120000Z-0123456789ab');
  assert.equal(core.drillPageHref(null, 'b7c1-22'), '#/drill-history/b7c1-22');
});

test('the trend chart puts drills left to right, a point over its limit marked, the limit as one path', () => {
  // Given three drills, the last over its limit of 100 s
  const model = core.chartModel([
    { label: 'one', value: 40, limit: 100 }, { label: 'none', value: null, limit: 100 },
    { label: 'two', value: 60, limit: 100 }, { label: 'three', value: 140, limit: 100 },
  ], { width: 500, height: 200, left: 50, right: 10, top: 10, bottom: 30 });
  // Then the drill without a value is left out, the points go up with the values and the last one is over
  assert.deepEqual(model.circles.map((c) => c.label), ['one', 'two', 'three']);
  assert.deepEqual(model.circles.map((c) => c.cx), [50, 270, 490]);
  assert.ok(model.circles[0].cy > model.circles[1].cy && model.circles[1].cy > model.circles[2].cy);
  assert.deepEqual(model.circles.map((c) => c.over), [false, false, true]);
  // the limit is drawn at one height across the plot, below the top tick
  const heights = new Set([...model.limitPath.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => m[1]));
  assert.equal(heights.size, 1);
  assert.ok(model.max >= 140);
  assert.equal(model.ticks[0].value, 0);
  assert.equal(model.ticks[0].y, 170);
});

test('the chart ticks step by round durations', () => {
  // Given raw tick steps in seconds, When rounded up, Then to durations that read well
  assert.equal(core.niceStep(0.03), 0.05);
  assert.equal(core.niceStep(3), 5);
  assert.equal(core.niceStep(225), 300);
  assert.equal(core.niceStep(2.1 * 3600), 3 * 3600);
  assert.equal(core.niceStep(2.52 * 86400), 7 * 86400);
  assert.equal(core.niceStep(100 * 86400), 120 * 86400);
  // Given a 15 min limit, When charted, Then the ticks are 0, 5 min, 10 min, ... in words
  const model = core.chartModel([{ label: 'a', value: 60, limit: 900 }]);
  assert.deepEqual(model.ticks.map((t) => core.durationWords(t.value)), ['0 s', '5 min', '10 min', '15 min', '20 min']);
});

test('engine dates are read and written in the engine REST API format', () => {
  // Given an engine date, When parsed and written back, Then the same instant
  const ms = core.parseEngineDate('2025-01-01T10:00:00.000+0100');
  assert.equal(new Date(ms).toISOString(), '2025-01-01T09:00:00.000Z');
  assert.equal(core.engineDate(ms), '2025-01-01T09:00:00.000+0000');
  assert.equal(core.parseEngineDate(null), null);
  assert.ok(core.isRunId('drill-20250101T120000Z-0123456789ab'));
  assert.ok(!core.isRunId('drill-20250101T120000Z-0123456789ab/../x'));
});
