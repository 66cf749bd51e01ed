// The dashboard in a real headless Chromium against kube-sim (demo seed) and the devenv-scaler binary:
// - the rows match what kubectl reads from kube-sim (names, workload counts, ready/desired totals) and the
//   states the API reports;
// - a stop made through the REST API shows up after the page refreshes itself (no reload), and the live
//   region announces it;
// - accessibility basics: a caption and column headers on every table, names on buttons and links, labels on
//   inputs, WCAG AA contrast of every text, a visible keyboard focus, no console errors, a strict CSP;
// - the phone viewport (375 px) has no horizontal scroll;
// - hidden tabs stop polling and resume when visible;
// - optional sections (AWS, support pods) render when the document carries them and are absent otherwise;
// - with dashboard.public=false the page asks for a token and shows the rows once it is valid.
// Screenshots go to --out (dashboard.png, dashboard-phone.png); docs/dashboard.png is a copy of one.
import { join } from "node:path";
import { check, run, until } from "./harness.mjs";

const protectedName = (name) => name === "default" || name.startsWith("kube-") || name === "devenv-scaler";

async function expectedFromKubectl(cluster) {
  const namespaces = JSON.parse(await cluster.kubectl("get", "namespaces", "-o", "json")).items
    .map((item) => item.metadata.name).filter((name) => !protectedName(name)).sort();
  const totals = Object.fromEntries(namespaces.map((name) => [name, { desired: 0, ready: 0, count: 0 }]));
  const workloads = JSON.parse(await cluster.kubectl("get", "deployments,statefulsets", "-A", "-o", "json")).items;
  for (const w of workloads) {
    const t = totals[w.metadata.namespace];
    if (!t) continue;
    t.desired += w.spec.replicas ?? 1;
    t.ready += (w.status && w.status.readyReplicas) || 0;
    t.count += 1;
  }
  return { namespaces, totals };
}

// What the page shows, read from the DOM as a person would read it.
function readRows(page) {
  return page.$$eval("#environments tbody tr", (rows) => rows.map((tr) => {
    const summary = tr.querySelector("details summary");
    const totals = summary ? summary.firstChild.textContent.trim() : tr.cells[2].textContent.trim();
    return {
      name: tr.querySelector("th").textContent.trim(),
      state: tr.querySelector(".state").textContent.trim(),
      totals,
      workloads: tr.querySelectorAll("details li").length,
      shutdown: tr.cells[3].textContent.trim(),
    };
  }));
}

async function checkMatchesCluster(page, cluster, label) {
  const listed = await cluster.api("GET", "/api/v1/environments");
  const states = Object.fromEntries(listed.environments.map((e) => [e.name, e.state]));
  const { namespaces, totals } = await expectedFromKubectl(cluster);
  const rows = await readRows(page);
  const problems = [];
  if (JSON.stringify(rows.map((r) => r.name)) !== JSON.stringify(namespaces)) {
    problems.push(`names ${JSON.stringify(rows.map((r) => r.name))} != kube-sim ${JSON.stringify(namespaces)}`);
  }
  for (const row of rows) {
    const t = totals[row.name];
    if (!t) continue;
    if (row.totals !== `${t.ready} / ${t.desired}`) problems.push(`${row.name}: shows ${row.totals}, kube-sim ${t.ready} / ${t.desired}`);
    if (row.workloads !== t.count) problems.push(`${row.name}: lists ${row.workloads} workloads, kube-sim has ${t.count}`);
    if (row.state !== states[row.name]) problems.push(`${row.name}: shows ${row.state}, API says ${states[row.name]}`);
  }
  return problems.length ? `${label}: ${problems.join("; ")}` : "";
}

// WCAG 2.x relative luminance contrast of every visible text against its effective background.
function contrastFailures(page) {
  return page.evaluate(() => {
    const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const failures = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const el = n.parentElement;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (style.visibility === "hidden" || style.display === "none" || box.width === 0 || box.right < 0) continue;
      const [l1, l2] = [lum(parse(style.color)), lum(background(el))].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`"${n.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return failures;
  });
}

function accessibilityProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    if (!document.documentElement.lang) problems.push("html has no lang");
    if (!document.querySelector("h1")) problems.push("no h1");
    if (!document.querySelector("main")) problems.push("no main landmark");
    for (const table of document.querySelectorAll("table")) {
      if (!table.caption || !table.caption.textContent.trim()) problems.push(`table #${table.id} has no caption`);
      const headers = table.querySelectorAll("thead th[scope=col]");
      if (headers.length === 0) problems.push(`table #${table.id} has no column headers`);
      for (const row of table.tBodies[0].rows) {
        if (!row.querySelector("th[scope=row]")) problems.push(`a row of #${table.id} has no row header`);
      }
    }
    for (const el of document.querySelectorAll("button, a[href], summary")) {
      const name = (el.getAttribute("aria-label") || el.textContent || "").trim();
      if (!name) problems.push(`${el.tagName.toLowerCase()} without a name`);
    }
    for (const input of document.querySelectorAll("input, select, textarea")) {
      if (!input.labels || input.labels.length === 0) problems.push(`input #${input.id} has no label`);
    }
    const live = document.querySelector("[aria-live]");
    if (!live) problems.push("no aria-live region for updates");
    return problems;
  });
}

await run("dashboard in Chromium", async ({ cluster, context, out }) => {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  let polls = 0;
  page.on("request", (r) => { if (r.url().includes("/api/v1/dashboard")) polls += 1; });

  const response = await page.goto(`${cluster.url}/?refresh=2`);
  check(response.status() === 200, `GET / answered ${response.status()}`);
  const csp = response.headers()["content-security-policy"] || "";
  check(csp.includes("script-src 'self'") && csp.includes("default-src 'none'") && !csp.includes("unsafe"),
    `weak or missing Content-Security-Policy: "${csp}"`);
  await page.waitForSelector("#environments tbody tr[data-environment]");

  // kube-sim marks pods ready asynchronously: the page must converge to what kubectl reads.
  await until(async () => !(await checkMatchesCluster(page, cluster, "initial")), "the page to match kube-sim")
    .catch(async () => { throw new Error(await checkMatchesCluster(page, cluster, "initial")); });
  const rows = await readRows(page);
  check(rows.length === 3, `expected dev1..dev3, got ${JSON.stringify(rows)}`);
  check(rows.every((r) => r.state === "running"), `not all running: ${JSON.stringify(rows)}`);
  const dev1 = rows.find((r) => r.name === "dev1");
  check(/cluster time/.test(dev1.shutdown) && /19:00/.test(dev1.shutdown),
    `dev1's next shutdown does not show 19:00 cluster time: "${dev1.shutdown}"`);
  const zones = await page.textContent("#zones");
  check(zones.includes("Europe/Berlin"), `the cluster's zone is not named: "${zones}"`);
  // Not configured on this server: no AWS column, no support pods section.
  check(await page.isHidden("th.aws-column"), "AWS column shown without AWS");
  check(await page.isHidden("#support"), "support pods shown without support pods");

  const a11y = await accessibilityProblems(page);
  check(a11y.length === 0, `accessibility: ${a11y.join("; ")}`);
  const contrast = await contrastFailures(page);
  check(contrast.length === 0, `contrast below WCAG AA: ${contrast.join("; ")}`);
  await page.keyboard.press("Tab");
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return { tag: el.tagName, text: el.textContent.trim(), outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  check(focus.tag === "A" && focus.outline !== "none" && focus.width >= 2,
    `keyboard focus is not visible: ${JSON.stringify(focus)}`);

  // A stop through the API appears without reloading the page; what someone opened stays open and the
  // keyboard focus stays where it was.
  await page.evaluate(() => { window.notReloaded = true; });
  await page.click('tr[data-environment="dev2"] summary');
  await page.focus('tr[data-environment="dev3"] summary');
  await cluster.api("POST", "/api/v1/environments/dev1/stop", { reason: "dashboard test" });
  await page.waitForFunction(() => {
    const row = document.querySelector('tr[data-environment="dev1"] .state');
    return row && row.textContent.trim() === "stopped";
  }, null, { timeout: 30000 });
  check(await page.evaluate(() => window.notReloaded === true), "the page reloaded instead of updating itself");
  check(await page.evaluate(() => document.querySelector('tr[data-environment="dev2"] details').open),
    "a refresh closed the workloads someone had opened");
  check(await page.evaluate(() => document.activeElement.closest('tr[data-environment="dev3"]') !== null),
    "a refresh took the keyboard focus away");
  const announced = await page.textContent("#status");
  check(announced.includes("dev1 is stopped"), `the live region did not announce the stop: "${announced}"`);
  await until(async () => !(await checkMatchesCluster(page, cluster, "after stop")), "the page to match kube-sim")
    .catch(async () => { throw new Error(await checkMatchesCluster(page, cluster, "after stop")); });
  const lastAction = await page.textContent('tr[data-environment="dev1"] td[data-label="Last action"]');
  check(lastAction.includes("stop by api:web"), `last action not shown: "${lastAction}"`);

  // Open dev1's workloads for the screenshot: what a start will restore.
  await page.click('tr[data-environment="dev1"] summary');
  await page.screenshot({ path: join(out, "dashboard.png"), fullPage: true });

  // Phone: no horizontal scroll at 375 px, every row still readable.
  await page.setViewportSize({ width: 375, height: 812 });
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    viewport: window.innerWidth,
  }));
  check(widths.scroll <= 375 && widths.body <= 375, `horizontal scroll on a phone: ${JSON.stringify(widths)}`);
  const phoneContrast = await contrastFailures(page);
  check(phoneContrast.length === 0, `phone contrast below WCAG AA: ${phoneContrast.join("; ")}`);
  await page.screenshot({ path: join(out, "dashboard-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Hidden tab: polling pauses; visible again: it refreshes at once.
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  const pausedAt = polls;
  await page.waitForTimeout(5000); // two and a half refresh periods: an absence cannot be awaited
  check(polls === pausedAt, `polled ${polls - pausedAt} times while hidden`);
  check((await page.textContent("#checked")).includes("paused"), "no paused note while hidden");
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await until(async () => polls > pausedAt, "a poll after the tab became visible", 5000);

  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(" | ")}`);

  // Optional sections render when the document carries them (the document's shape is tested in C++).
  const fixture = await (await fetch(`${cluster.url}/api/v1/dashboard`)).json();
  fixture.environments[0].aws = {
    resources: [{ kind: "ec2", id: "i-0abc", type: "t3.medium", state: "running" }],
    ageSeconds: 120, stale: false,
  };
  fixture.environments[1].aws = { resources: [], ageSeconds: 120, stale: true, error: "throttled" };
  fixture.supportPods = [{ name: "manage1", namespace: "support", size: "XL", owner: "U0ALICE", phase: "Running",
    created: "2026-11-25T08:00:00Z", expires: "2026-11-25T20:00:00Z" }];
  const second = await context.newPage();
  second.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  await second.route("**/api/v1/dashboard", (route) => route.fulfill({
    status: 200, contentType: "application/json", body: JSON.stringify(fixture) }));
  await second.goto(`${cluster.url}/`);
  await second.waitForSelector("#support-pods tbody tr");
  check(await second.isVisible("th.aws-column"), "AWS column hidden although environments carry aws");
  const awsCells = await second.$$eval('td[data-label="AWS resources"]', (tds) => tds.map((td) => td.textContent));
  check(awsCells[0].includes("ec2 i-0abc") && awsCells[0].includes("running"), `AWS cell: ${awsCells[0]}`);
  check(awsCells[1].includes("none") && awsCells[1].includes("stale"), `AWS cell: ${awsCells[1]}`);
  const pod = await second.textContent("#support-pods tbody tr");
  check(pod.includes("manage1") && pod.includes("U0ALICE") && pod.includes("XL"), `support pod row: ${pod}`);
  const a11yFull = await accessibilityProblems(second);
  check(a11yFull.length === 0, `accessibility with every section: ${a11yFull.join("; ")}`);
  const contrastFull = await contrastFailures(second);
  check(contrastFull.length === 0, `contrast with every section: ${contrastFull.join("; ")}`);
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(" | ")}`);

  // dashboard.public=false: the page asks for a token, keeps it for the tab only, and then shows the rows.
  const privateUrl = await cluster.startScaler("private-scaler", { DEVENV_DASHBOARD_PUBLIC: "false" });
  const third = await context.newPage();
  const thirdErrors = [];
  // The first, tokenless request is refused by design; Chromium logs that 401 as a failed resource.
  third.on("console", (m) => { if (m.type() === "error" && !m.text().includes("401")) thirdErrors.push(m.text()); });
  third.on("pageerror", (e) => thirdErrors.push(String(e)));
  await third.goto(`${privateUrl}/`);
  await third.waitForSelector("#token-form:not([hidden])");
  check(await third.isHidden("#environments"), "environments shown without a token");
  await third.fill("#token", "wrong-token-0123456789");
  const [refused] = await Promise.all([
    third.waitForResponse((r) => r.url().endsWith("/api/v1/dashboard")),
    third.click('#token-form button[type="submit"]'),
  ]);
  check(refused.status() === 401, `a wrong token got ${refused.status()}`);
  await third.waitForFunction(() => /not accepted/.test(document.getElementById("status").textContent));
  check(await third.isHidden("#environments"), "environments shown with a wrong token");
  await third.fill("#token", cluster.token);
  await third.click('#token-form button[type="submit"]');
  await third.waitForSelector("#environments tbody tr[data-environment]");
  check(await third.isHidden("#token-form"), "the token form stays after a valid token");
  check(!third.url().includes(cluster.token), "the token went into the URL");
  check(await third.evaluate(() => document.getElementById("token").value === ""), "the token stays in the input");
  check(thirdErrors.length === 0, `console errors with a token: ${thirdErrors.join(" | ")}`);
});
