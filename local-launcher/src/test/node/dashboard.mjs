// Drives the dashboard in headless Debian chromium, as a person would, and prints one "ok <step>" line per
// step that passed; any failure exits 1 with the reason. Run by DashboardEndToEndTest, which starts the platform.
// env: GATEWAY (base URL), STAFF_KEY, VIEWER_KEY, SHOTS (folder for screenshots), CHROMIUM (default /usr/bin/chromium)
import { chromium } from 'playwright-core';

const gateway = process.env.GATEWAY;
const shots = process.env.SHOTS;
const started = Date.now();
const log = (step) => console.log(`ok ${step} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const problems = [];
let current = null;   // the page in use, for a screenshot of what it showed when a step failed
async function signIn(key) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  current = page;
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    console.log(`console: ${m.text()}`);
    // the gateway's Content-Security-Policy: anything the dashboard needs and the policy blocks fails the check
    if (/Content Security Policy/i.test(m.text())) problems.push(`blocked by the Content-Security-Policy: ${m.text()}`);
  });
  await page.goto(`${gateway}/dashboard/index.html`);
  await page.fill('#api-key', key);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#role');
  return page;
}

try {
  // --- ml-staff: sign in, see the role ---
  const page = await signIn(process.env.STAFF_KEY);
  const role = await page.getAttribute('#role', 'data-role');
  if (role !== 'ml-staff') throw new Error(`signed in as role '${role}', expected ml-staff`);
  log('signed in as ml-staff');

  // --- the API's field errors appear next to the field ---
  await page.waitForSelector('#start-run');
  await page.fill('#start-run input[name=iterations]', '0');
  await page.click('#start-run-button');
  await page.waitForFunction(() => document.querySelector('[data-error-for=iterations]').textContent.length > 0);
  const fieldError = await page.textContent('[data-error-for=iterations]');
  await page.waitForSelector('#errors .problem[data-status="400"]');
  log(`field error shown: iterations ${fieldError}`);
  await page.click('#errors .problem .dismiss');

  // --- start a small run ---
  await page.fill('#start-run input[name=iterations]', process.env.ITERATIONS || '4');
  await page.fill('#start-run input[name=checkpointInterval]', process.env.CHECKPOINT_INTERVAL || '2');
  await page.fill('#start-run input[name=batchSize]', process.env.BATCH_SIZE || '8');
  await page.click('#start-run-button');
  await page.waitForURL(/#\/runs\/run-/);
  const runId = decodeURIComponent(page.url().split('#/runs/')[1]);
  log(`run started: ${runId}`);

  // --- live curves and a scored checkpoint ---
  await page.waitForSelector('#loss-chart path[data-series=student]', { timeout: 180_000 });
  log('loss curve drawn');
  const scoredRow = await page.waitForSelector('#checkpoints tr[data-checkpoint] td.state.scored',
    { timeout: 480_000 });
  const checkpointId = await scoredRow.evaluate((td) => td.parentElement.dataset.checkpoint);
  const fid4 = await page.textContent(`#checkpoints tr[data-checkpoint="${checkpointId}"] td.fid-4`);
  if (!Number.isFinite(Number(fid4))) throw new Error(`FID at 4 steps of ${checkpointId} is '${fid4}'`);
  log(`checkpoint ${checkpointId} scored, FID at 4 steps ${fid4}`);
  const pass = await page.textContent(`#checkpoints tr[data-checkpoint="${checkpointId}"] td.pass`);
  if (!/^(quick|full) · n=\d+/.test(pass)) throw new Error(`the pass of ${checkpointId} reads '${pass}'`);
  log(`its score is from the ${pass.split(' ')[0]} pass`);
  const scoring = await page.textContent('#scoring');
  if (!scoring.startsWith('Scoring: ')) throw new Error(`the scoring card reads '${scoring}'`);
  await page.waitForSelector('#fid-chart path[data-series="student 4 steps"]');
  await page.waitForFunction(() => [...document.querySelectorAll('#grids img')].length >= 5
    && [...document.querySelectorAll('#grids img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 240_000 });
  log('sample grids of student and teacher shown');
  await page.waitForSelector('#run-state.completed', { timeout: 240_000 }).catch(() => {});
  await page.screenshot({ path: `${shots}/dashboard-run-detail.png`, fullPage: true });

  // --- promote it, with a reason and a confirmation; the serving panel follows inference's report ---
  await page.click(`button.promote[data-checkpoint="${checkpointId}"]`);
  await page.fill('#confirm-reason', 'best FID at 4 steps in the browser test');
  await page.click('#confirm-ok');
  await page.waitForURL(/#\/serving/, { timeout: 60_000 });
  await page.waitForFunction((id) => [...document.querySelectorAll('#serving td.served-checkpoint')]
    .some((td) => td.textContent === id), checkpointId, { timeout: 240_000 });
  await page.waitForSelector('#history td');
  log(`serving panel shows ${checkpointId}`);
  await page.screenshot({ path: `${shots}/dashboard-serving.png`, fullPage: true });

  // --- playground ---
  await page.click('a[data-nav=playground]');
  await page.fill('#prompt', 'a photo of a sneaker');
  await page.click('#generate');
  await page.waitForSelector('#generated-image', { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelector('#generated-image').naturalWidth > 0);
  const latency = await page.textContent('#latency');
  log(`image generated: ${latency}`);
  await page.screenshot({ path: `${shots}/dashboard-playground.png`, fullPage: true });

  await page.click('a[data-nav=runs]');
  await page.waitForSelector(`#runs tr[data-run="${runId}"]`);
  await page.screenshot({ path: `${shots}/dashboard-runs.png`, fullPage: true });
  log('runs page');

  // --- a viewer sees everything but cannot act, and the API refuses anyway ---
  const viewer = await signIn(process.env.VIEWER_KEY);
  if (await viewer.getAttribute('#role', 'data-role') !== 'viewer') throw new Error('viewer key not shown as viewer');
  await viewer.waitForSelector('#start-run-button');
  if (!(await viewer.isDisabled('#start-run-button'))) throw new Error('a viewer may start runs');
  await viewer.goto(`${gateway}/dashboard/index.html#/runs/${runId}`);
  const viewerPromote = await viewer.waitForSelector(`button.promote[data-checkpoint="${checkpointId}"]`);
  if (!(await viewerPromote.isDisabled())) throw new Error("the viewer's promote button is enabled");
  await viewer.goto(`${gateway}/dashboard/index.html#/serving`);
  await viewer.waitForSelector('#promote');
  if (!(await viewer.isDisabled('#promote')) || !(await viewer.isDisabled('#rollback'))) {
    throw new Error("the viewer's serving buttons are enabled");
  }
  const status = await viewer.evaluate(async ([id]) => {
    const r = await fetch('/api/v1/serving/default/promote', { method: 'POST', headers: {
      Authorization: `Bearer ${sessionStorage.getItem('ladd.apiKey')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ checkpointId: id, reason: 'a viewer tries' }) });
    return r.status;
  }, [checkpointId]);
  if (status !== 403) throw new Error(`a viewer's promote answered ${status}, expected 403`);
  log('viewer: promote disabled, API answers 403');
  if (problems.length) throw new Error(problems.join('; '));
  console.log('dashboard browser check passed');
} catch (e) {
  console.log(`FAILED: ${e.message}`);
  process.exitCode = 1;
  if (current) {
    console.log(`problems shown: ${await current.textContent('#errors').catch(() => '?')}`);
    console.log(`page shown: ${(await current.textContent('body').catch(() => '?')).replace(/\s+/g, ' ').slice(0, 2000)}`);
    await current.screenshot({ path: `${shots}/dashboard-failure.png`, fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
}
