// End-to-end: operators in a real browser against `dr-drill serve`.
// Run by .ci/run (needs target/dr-drill.jar, Debian chromium and playwright-core):
//   node --test e2e/
// Screenshots go to target/e2e/. The Cockpit plugin "Drill history" (src/main/resources/.../cockpit/scripts/)
// is checked here against real drills; its pure functions have unit tests in drill-history-core.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SHOTS = path.join(ROOT, 'target', 'e2e');
const ADMIN_PASSWORD = crypto.randomBytes(18).toString('base64url');
const USERS = {
  olivia: { groups: ['dr-operators', 'release-approvers'], password: crypto.randomBytes(12).toString('hex') },
  adam: { groups: ['release-approvers'], password: crypto.randomBytes(12).toString('hex') },
  nina: { groups: [], password: crypto.randomBytes(12).toString('hex') },
};
let server, serverLog, base, work, browser;

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function bundle(name, tamper) {
  const dir = path.join(work, 'catalog', name);
  fs.cpSync(path.join(ROOT, 'data', 'dr'), dir, { recursive: true });
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  manifest.backup.captured_at = new Date(Date.now() - 30 * 60 * 1000).toISOString();
  manifest.restore.output_dir = 'restored';
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  if (tamper) {
    const backup = fs.readFileSync(path.join(dir, 'backup.json'));
    backup[100] ^= 0x20;
    fs.writeFileSync(path.join(dir, 'backup.json'), backup);
  }
}

async function rest(method, urlPath, body, user = 'admin', password = ADMIN_PASSWORD) {
  const response = await fetch(`${base}/engine-rest${urlPath}`, {
    method,
    headers: { Authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64'),
      ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function until(what, fn, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function historyVariable(processInstanceId, name) {
  const { json } = await rest('GET', `/history/variable-instance?processInstanceIdIn=${processInstanceId}&variableName=${name}`);
  return json.find((v) => v.value !== null)?.value;
}

async function login(app, user, viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  // A web app's first load now and then never renders its login view (seen once in CI on a busy machine): load
  // it again rather than wait out the whole timeout on a page that will not come.
  for (let attempt = 1; ; attempt++) {
    await page.goto(`${base}/camunda/app/${app}/default/`);
    try {
      await page.getByPlaceholder('Username').waitFor({ timeout: 20_000 });
      break;
    } catch (e) {
      if (attempt === 3) {
        await page.screenshot({ path: path.join(SHOTS, `login-view-missing-${app}-${user}.png`) });
        throw e;
      }
    }
  }
  const password = user === 'admin' ? ADMIN_PASSWORD : USERS[user].password;
  // The login view focuses its first field once it is ready; a fill racing that focus types into the wrong
  // field, so fill until both hold what was meant.
  await until('the login form filled', async () => {
    await page.getByPlaceholder('Username').fill(user);
    await page.getByPlaceholder('Password').fill(password);
    return (await page.getByPlaceholder('Username').inputValue()) === user
      && (await page.getByPlaceholder('Password').inputValue()) === password;
  }, 20);
  await page.getByRole('button', { name: 'Log in' }).click();
  try {
    // the login view goes away once the web app has a session
    await page.getByPlaceholder('Password').waitFor({ state: 'hidden' });
  } catch (e) {
    await page.screenshot({ path: path.join(SHOTS, `login-failed-${app}-${user}.png`) });
    throw e;
  }
  return page;
}

async function startFromTasklist(page, processName, manifest, release) {
  await page.getByText('Start process', { exact: true }).first().click();
  await page.locator('.modal').getByText(processName, { exact: true }).click();
  await page.locator('.modal .fjs-form-field-select .fjs-input-group').click();
  await page.locator('.fjs-dropdownlist-item', { hasText: manifest }).click();
  if (release) {
    await page.locator('.modal input[id$="Field_releaseName"]').fill(release.name);
    await page.locator('.modal input[id$="Field_releaseVersion"]').fill(release.version);
  }
  await page.locator('.modal textarea').fill(`e2e: ${processName} on ${manifest}`);
  await page.locator('.modal').getByRole('button', { name: 'Start', exact: true }).click();
  await page.locator('.modal').waitFor({ state: 'detached' });
}

async function openTask(page, filter, taskName) {
  await page.getByText(filter, { exact: false }).first().click();
  const task = page.locator('.task', { hasText: taskName }).first();
  await until(`task "${taskName}" in "${filter}"`, async () => {
    if (await task.count()) return true;
    await page.getByText(filter, { exact: false }).first().click();
    return false;
  });
  await task.click();
}

async function latestInstance(key, startedBy) {
  const { json } = await rest('GET', `/history/process-instance?processDefinitionKey=${key}&startedBy=${startedBy}&sortBy=startTime&sortOrder=desc&maxResults=1`);
  return json[0];
}

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dr-drill-e2e-'));
  bundle('good', false);
  bundle('tampered', true);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  serverLog = path.join(SHOTS, 'server.log');
  server = spawn('java', ['-jar', path.join(ROOT, 'target', 'dr-drill.jar'), 'serve', `--server.port=${port}`,
    `--drdrill.data-dir=${path.join(work, 'var')}`, `--drdrill.manifests-dir=${path.join(work, 'catalog')}`,
    `--drdrill.evidence-dir=${path.join(work, 'evidence')}`, '--camunda.bpm.admin-user.id=admin',
    `--camunda.bpm.admin-user.password=${ADMIN_PASSWORD}`],
  { cwd: work, stdio: ['ignore', fs.openSync(serverLog, 'w'), fs.openSync(serverLog, 'a')] });
  await until('the server', async () => {
    try { return (await fetch(`${base}/engine-rest/engine`)).ok; } catch { return false; }
  }, 180);
  for (const [id, user] of Object.entries(USERS)) {
    const created = await rest('POST', '/user/create', { profile: { id, firstName: id, lastName: 'E2E' }, credentials: { password: user.password } });
    assert.equal(created.status, 204, JSON.stringify(created.json));
    for (const group of user.groups) assert.equal((await rest('PUT', `/group/${group}/members/${id}`)).status, 204);
  }
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'] });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('an operator starts a drill on a tampered bundle in Tasklist and sees it fail', async () => {
  const page = await login('tasklist', 'olivia');
  await startFromTasklist(page, 'DR drill', 'tampered/manifest.json');

  const drill = await until('the drill', () => latestInstance('dr-drill', 'olivia'));
  assert.equal(await until('its verdict', () => historyVariable(drill.id, 'drillStatus')), 'failed');

  // The review task names the drill, and its form reads in words with the evidence one click away
  await openTask(page, 'Failed drills to review', 'Review failed drill: tampered/manifest.json (drill-');
  const failedStep = page.locator('input[id$="Field_failedStep"]');
  await until('the failed step in the form', async () => (await failedStep.inputValue()) === 'Verify backup digest');
  await page.screenshot({ path: path.join(SHOTS, '01-tasklist-failed-drill.png') });
  assert.match(await page.locator('textarea[id$="Field_errorMessage"]').inputValue(), /digest mismatch/);
  assert.equal(await page.locator('input[id$="Field_rpoText"]').inputValue(), 'not measured (limit 7 d)');
  const runId = await historyVariable(drill.id, 'runId');
  const reportLink = page.locator('a', { hasText: "the drill's report" });
  assert.equal(await reportLink.getAttribute('href'), `/drills/${runId}/dr-report.json`);
  const report = await page.context().request.get(`${base}${await reportLink.getAttribute('href')}`);
  assert.equal(report.status(), 200);
  assert.equal((await report.json()).failed_stage, 'verify_backup_digest');
});

test('the operator cannot approve their own release; a second approver does', async () => {
  const operator = await login('tasklist', 'olivia');
  await startFromTasklist(operator, 'Release sign-off', 'good/manifest.json', { name: 'shop', version: '2.4.1' });
  const release = await until('the release', () => latestInstance('release-signoff', 'olivia'));
  assert.equal(await until('the drill verdict', () => historyVariable(release.id, 'drillStatus')), 'passed');

  // The operator is in release-approvers too, sees the task, and is refused by the engine.
  await openTask(operator, 'Release approvals', 'Approve release shop 2.4.1');
  await operator.getByRole('button', { name: 'Claim' }).click();
  const refusal = operator.getByText('four-eyes rule: olivia requested this release and cannot be assigned its approval');
  await refusal.first().waitFor();
  await operator.screenshot({ path: path.join(SHOTS, '02-tasklist-four-eyes-refused.png') });
  assert.equal(await operator.getByText('ENGINE-', { exact: false }).count(), 0, 'no engine error code is shown');
  const { json: tasks } = await rest('GET', `/task?processInstanceId=${release.id}`);
  const refused = await rest('POST', `/task/${tasks[0].id}/complete`, { variables: { decision: { value: 'approve' } } },
    'olivia', USERS.olivia.password);
  assert.equal(refused.status, 403);
  assert.equal(refused.json.message, 'four-eyes rule: olivia requested this release and cannot approve or reject it');

  // A second person in release-approvers approves it.
  const approver = await login('tasklist', 'adam');
  await openTask(approver, 'Release approvals', 'Approve release shop 2.4.1');
  await approver.getByRole('button', { name: 'Claim' }).click();
  await approver.getByLabel('Approve').check();
  await approver.screenshot({ path: path.join(SHOTS, '03-tasklist-approval.png') });
  await approver.getByRole('button', { name: 'Complete' }).click();
  assert.equal(await until('the release outcome', () => historyVariable(release.id, 'releaseStatus')), 'released');
  assert.equal(await historyVariable(release.id, 'approver'), 'adam');
});

test('Cockpit shows the drills and the failed one with its error', async () => {
  const page = await login('cockpit', 'olivia');
  await page.goto(`${base}/camunda/app/cockpit/default/#/processes`);
  await page.getByText('DR drill', { exact: true }).first().waitFor();
  await page.screenshot({ path: path.join(SHOTS, '04-cockpit-processes.png') });

  const drill = await latestInstance('dr-drill', 'olivia');
  const failed = (await rest('GET', `/history/process-instance?processDefinitionKey=dr-drill&unfinished=true`)).json
    .find((p) => p.superProcessInstanceId === null);
  await page.goto(`${base}/camunda/app/cockpit/default/#/process-instance/${failed?.id ?? drill.id}/runtime?tab=variables-tab`);
  await page.getByText('errorMessage', { exact: true }).first().waitFor();
  await page.getByText('verify_backup_digest').first().waitFor();
  await page.screenshot({ path: path.join(SHOTS, '05-cockpit-failed-drill.png'), fullPage: true });
});

// Cockpit's "Drill history" plugin, on the drills the tests above left: the tampered one (failed at the digest,
// waiting for review) and the good one a release ran (passed).

const TALL = { width: 1400, height: 1800 };
const RED = 'rgb(198, 40, 40)';
const GREEN = 'rgb(46, 125, 50)';

async function drillsOf(manifest) {
  const { json } = await rest('POST', '/history/process-instance', { processDefinitionKey: 'dr-drill',
    variables: [{ name: 'manifest', operator: 'eq', value: manifest }], sorting: [{ sortBy: 'startTime', sortOrder: 'desc' }] });
  return json;
}

async function endedDrill(manifest) {
  return until(`an ended drill of ${manifest}`, async () => (await drillsOf(manifest)).find((d) => d.endTime));
}

test('the drill history lists the failed and the passed drill, each in its colour, once both ended', async () => {
  // Given the failed drill's review completed by an operator, so that it ends
  const [failed] = await drillsOf('tampered/manifest.json');
  const { json: tasks } = await rest('GET', `/task?processInstanceId=${failed.id}`);
  assert.equal(tasks.length, 1, 'the failed drill waits for its review');
  const reviewed = await rest('POST', `/task/${tasks[0].id}/complete`, { variables: {
    acknowledged: { value: true }, reviewNote: { value: 'e2e: digest mismatch seen, backup to be retaken' } } },
  'olivia', USERS.olivia.password);
  assert.equal(reviewed.status, 204, JSON.stringify(reviewed.json));
  const failedEnded = await endedDrill('tampered/manifest.json');
  const passedEnded = await endedDrill('good/manifest.json');
  assert.ok(passedEnded.superProcessInstanceId, 'the passed drill is the one the release called');

  // When the operator opens "Drill history" from Cockpit's header
  const page = await login('cockpit', 'olivia', TALL);
  await page.locator('.drh-nav-link', { hasText: 'Drill history' }).click();
  const failedRow = page.locator(`tr.drh-row[data-process-instance-id="${failedEnded.id}"]`);
  const passedRow = page.locator(`tr.drh-row[data-process-instance-id="${passedEnded.id}"]`);
  await failedRow.waitFor();
  await passedRow.waitFor();
  await page.screenshot({ path: path.join(SHOTS, '06-cockpit-drill-history.png') });

  // Then both are listed with their manifest, verdict in its colour and the failed step in words
  assert.equal(await failedRow.locator('.drh-manifest').textContent(), 'tampered/manifest.json');
  assert.equal(await failedRow.locator('.drh-status').textContent(), 'Failed');
  assert.equal(await failedRow.locator('.drh-status').evaluate((e) => getComputedStyle(e).backgroundColor), RED);
  assert.equal(await failedRow.locator('.drh-failed-step').textContent(), 'Verify backup digest');
  assert.equal(await passedRow.locator('.drh-manifest').textContent(), 'good/manifest.json');
  assert.equal(await passedRow.locator('.drh-status').textContent(), 'Passed');
  assert.equal(await passedRow.locator('.drh-status').evaluate((e) => getComputedStyle(e).backgroundColor), GREEN);
  assert.match(await passedRow.locator('.drh-rto').textContent(), / s \(limit 15 min\)$/);
  assert.match(await passedRow.locator('.drh-run-id a').textContent(), /^drill-\d{8}T\d{6}Z-[0-9a-f]{12}$/);

  // And the status filter keeps the failed drill only
  await page.locator('select.drh-filter-status').selectOption('failed');
  await page.getByRole('button', { name: 'Apply' }).click();
  await until('only failed drills listed', async () => (await passedRow.count()) === 0 && (await failedRow.count()) === 1);
  assert.deepEqual(await page.locator('tr.drh-row .drh-status').allTextContents(), ['Failed']);
});

test('the drill page marks the failed step red, shows its error and the step timeline', async () => {
  // Given the ended failed drill
  const failed = await endedDrill('tampered/manifest.json');
  const runId = (await rest('GET', `/history/variable-instance?processInstanceId=${failed.id}&variableName=runId`)).json[0].value;

  // When the operator follows its run id from the history
  const page = await login('cockpit', 'olivia', TALL);
  await page.goto(`${base}/camunda/app/cockpit/default/#/drill-history`);
  await page.locator(`tr.drh-row[data-process-instance-id="${failed.id}"] .drh-run-id a`).click();
  const digestStep = page.locator('g.djs-element[data-element-id="Task_VerifyBackupDigest"]');
  await page.locator('g.djs-element.drh-step-failed').first().waitFor();
  await page.locator('.drh-overlay-error').waitFor();
  await page.screenshot({ path: path.join(SHOTS, '07-cockpit-failed-drill-page.png') });

  // Then the page is the drill's, and in the diagram the digest step is failed, red; the step before passed; the
  // ones after it not reached
  assert.ok(page.url().endsWith(`#/drill-history/${runId}`), page.url());
  assert.match(await digestStep.getAttribute('class'), /\bdrh-step-failed\b/);
  assert.equal(await digestStep.locator('.djs-visual > rect').first().evaluate((e) => getComputedStyle(e).stroke), RED);
  assert.match(await page.locator('g.djs-element[data-element-id="Task_LoadManifest"]').getAttribute('class'), /\bdrh-step-passed\b/);
  assert.match(await page.locator('g.djs-element[data-element-id="Task_RestoreAtSite"]').getAttribute('class'), /\bdrh-step-not-reached\b/);
  assert.equal(await page.locator('g.djs-element.drh-step-failed').count(), 1);
  // its error, on the step and in the page
  assert.match(await page.locator('.drh-overlay-error').textContent(), /digest mismatch/);
  assert.match(await page.locator('.drh-error').textContent(), /^Verify backup digest failed: .*digest mismatch/);
  // the timeline in words, with the failed step's result
  const digestRow = page.locator('table.drh-timeline tr', { hasText: 'Verify backup digest' });
  assert.equal(await digestRow.locator('.drh-step-state').textContent(), 'Failed');
  assert.equal(await page.locator('table.drh-timeline tr', { hasText: 'Restore at the recovery site' }).locator('.drh-step-state')
    .textContent(), 'Not reached');
  assert.equal(await page.locator('.drh-detail-manifest').textContent(), 'tampered/manifest.json');
  assert.equal(await page.locator('.drh-detail-review-note').textContent(), 'e2e: digest mismatch seen, backup to be retaken');
});

test('the drill page links its evidence: the report opens, the review is there, and a user without read permission gets 403', async () => {
  // Given the ended failed drill, reviewed by olivia
  const failed = await endedDrill('tampered/manifest.json');
  const runId = (await rest('GET', `/history/variable-instance?processInstanceId=${failed.id}&variableName=runId`)).json[0].value;
  const review = JSON.parse(fs.readFileSync(path.join(work, 'evidence', runId, 'review.json'), 'utf8'));
  assert.equal(review.reviewer, 'olivia');
  assert.equal(review.decision, 'acknowledged');

  // When the operator opens its page and follows the report's link
  const page = await login('cockpit', 'olivia', TALL);
  await page.goto(`${base}/camunda/app/cockpit/default/#/drill-history/${runId}`);
  const reportLink = page.locator('a.drh-evidence-link', { hasText: 'dr-report.json' });
  await reportLink.waitFor();
  assert.equal(await page.locator('a.drh-evidence-link', { hasText: 'review.json' }).count(), 1);
  const [opened] = await Promise.all([page.context().waitForEvent('page'), reportLink.click()]);
  await opened.waitForLoadState();
  await opened.screenshot({ path: path.join(SHOTS, '10-evidence-report.png') });

  // Then the report is served to her, failed and linking its review
  const shown = JSON.parse(await opened.locator('pre').first().textContent());
  assert.equal(shown.run_id, runId);
  assert.equal(shown.status, 'failed');
  assert.equal(shown.review.file, 'review.json');

  // And its report.html renders in the browser: Failed, the digest step's bar red, the reviewer named
  const pageHtml = await page.context().newPage();
  const served = await pageHtml.goto(`${base}/drills/${runId}/report.html`);
  assert.equal(served.status(), 200);
  await pageHtml.locator('#timeline').waitFor();
  await pageHtml.screenshot({ path: path.join(SHOTS, '12-report-html.png'), fullPage: true });
  assert.equal(await pageHtml.locator('#status').textContent(), 'Failed');
  const failedBar = pageHtml.locator('tr.step.failure[data-step="verify_backup_digest"] .bar');
  assert.equal(await failedBar.evaluate((e) => getComputedStyle(e).backgroundColor), RED);
  assert.match(await pageHtml.locator('#people').textContent(), /Reviewed by\s*olivia \(acknowledged/);

  // And a user in no group, logged in by HTTP Basic, is refused the same file
  const stranger = await browser.newContext({ httpCredentials: { username: 'nina', password: USERS.nina.password } });
  const strangerPage = await stranger.newPage();
  const answer = await strangerPage.goto(`${base}/drills/${runId}/dr-report.json`);
  await strangerPage.screenshot({ path: path.join(SHOTS, '11-evidence-forbidden.png') });
  assert.equal(answer.status(), 403);
  assert.equal((await answer.json()).message, `nina may not read the history of drill ${runId}`);
  await stranger.close();
});

test('the trend chart of a manifest draws its drills as points against the dashed limit', async () => {
  // Given the passed drill of good/manifest.json
  await endedDrill('good/manifest.json');

  // When the history view is opened for that manifest
  const page = await login('cockpit', 'olivia', TALL);
  await page.goto(`${base}/camunda/app/cockpit/default/#/drill-history?manifest=${encodeURIComponent('good/manifest.json')}`);
  const rtoPoints = page.locator('svg.drh-chart-rto circle.drh-point');
  await rtoPoints.first().waitFor();
  await page.locator('.drh-trends').screenshot({ path: path.join(SHOTS, '08-cockpit-drill-trends.png') });

  // Then the trend is that manifest's, one point per finished drill with an RTO, the RTO and RPO limits dashed lines
  assert.equal(await page.locator('select.drh-trend-manifest').inputValue(), 'good/manifest.json');
  assert.equal(await rtoPoints.count(), 1);
  assert.equal(await page.locator('svg.drh-chart-rpo circle.drh-point').count(), 1);
  assert.equal(await page.locator('svg.drh-chart-rto path.drh-limit').count(), 1);
  assert.notEqual(await page.locator('svg.drh-chart-rto path.drh-limit').evaluate((e) => getComputedStyle(e).strokeDasharray), 'none');
  assert.match(await rtoPoints.first().locator('title').textContent(), /RTO .+ \(limit 15 min\)$/);
  assert.ok((await page.locator('svg.drh-chart-rto text.drh-tick').count()) >= 3, 'the axis has labels');
});

test('the dr-drill definition page has a "Drill history" tab listing the drills', async () => {
  // Given the dr-drill definition
  const { json: definition } = await rest('GET', '/process-definition/key/dr-drill');

  // When its page in Cockpit opens the tab
  const page = await login('cockpit', 'olivia', TALL);
  await page.goto(`${base}/camunda/app/cockpit/default/#/process-definition/${definition.id}/runtime`);
  await page.locator('.nav-tabs a', { hasText: 'Drill history' }).click();

  // Then it lists the drills (both ended ones) with a link to the full view
  await until('two drills in the tab', async () => (await page.locator('.drh-embedded tr.drh-row').count()) >= 2);
  await page.screenshot({ path: path.join(SHOTS, '09-cockpit-definition-tab.png') });
  assert.equal(await page.locator('.drh-embedded a[href="#/drill-history"]').count(), 1);
});
