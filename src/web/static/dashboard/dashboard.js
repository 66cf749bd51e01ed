// devenv-scaler dashboard: polls GET /api/v1/dashboard (ETag / If-None-Match, so an unchanged cluster costs a
// 304) every `refresh` seconds (default 15, `?refresh=N` with N >= 2), pauses while the tab is hidden, and
// renders with DOM calls only (no innerHTML: names come from the cluster). Optional sections (AWS resources,
// support pods) appear only when the server sends them.
"use strict";

(() => {
  const params = new URLSearchParams(window.location.search);
  const refreshSeconds = Math.max(2, Number(params.get("refresh")) || 15);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  const $ = (id) => document.getElementById(id);

  let etag = "";
  let timer = 0;
  let inFlight = false;
  let lastStates = null; // name -> state, to announce changes

  function token() {
    return window.sessionStorage.getItem("devenv-dashboard-token") || "";
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === undefined || c === null) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });

  // "19:00" today, "Thu 27 Nov, 19:00" on another day, in the browser's zone.
  function localTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    const now = new Date();
    const sameDay = d.toDateString() === now.toDateString();
    return sameDay ? timeFormat.format(d) : `${dayFormat.format(d)}, ${timeFormat.format(d)}`;
  }

  function timeElement(iso) {
    return el("time", { datetime: iso, title: iso }, localTime(iso));
  }

  function stateClass(state) {
    return "state state-" + String(state || "unknown").replace(/[^a-z]+/gi, "-").toLowerCase();
  }

  function cell(label, ...children) {
    return el("td", { "data-label": label, role: "cell" }, ...children);
  }

  function shutdownCell(next) {
    if (!next) return cell("Next shutdown", el("span", { class: "secondary" }, "not scheduled here"));
    if (!next.time) return cell("Next shutdown", next.description || "none");
    const parts = [timeElement(next.time)];
    if (next.relative) parts.push(", ", next.relative);
    if (next.local) parts.push(el("span", { class: "secondary" }, `${next.local} (cluster time)`));
    return cell("Next shutdown", ...parts);
  }

  function prolongedCell(next) {
    if (!next || !next.prolongedUntil) return cell("Prolonged", "no");
    const by = next.prolongedBy ? ` by ${next.prolongedBy}` : "";
    return cell("Prolonged", "until ", timeElement(next.prolongedUntil), by);
  }

  function lastActionCell(last) {
    if (!last || !last.action) return cell("Last action", "none recorded");
    const outcome = last.outcome && last.outcome !== "ok" ? ` (${last.outcome})` : "";
    return cell("Last action", `${last.action} by ${last.actor || "unknown"}${outcome}`,
      last.time ? el("span", { class: "secondary" }, timeElement(last.time)) : null);
  }

  function workloadsCell(env) {
    const list = Array.isArray(env.workloads) ? env.workloads : [];
    if (env.error) return cell("Workloads ready / desired", "unknown");
    const summary = el("summary", {}, `${env.ready} / ${env.desired}`,
      el("span", { class: "secondary" }, `${list.length} workload${list.length === 1 ? "" : "s"}`));
    const items = list.map((w) => {
      let text = `${w.kind}/${w.name}: ${w.ready} / ${w.desired}`;
      if (w.saved !== null && w.saved !== undefined) text += `, restores ${w.saved}`;
      if (w.excluded) text += ", excluded";
      return el("li", {}, text);
    });
    if (items.length === 0) return cell("Workloads ready / desired", "0 / 0");
    return cell("Workloads ready / desired", el("details", {}, summary, el("ul", {}, ...items)));
  }

  // aws: {resources: [{kind, id, type, state}], ageSeconds, stale, error} from the inventory cache.
  function awsCell(aws) {
    const resources = aws && Array.isArray(aws.resources) ? aws.resources : [];
    const notes = [];
    if (aws && aws.stale) notes.push(`inventory stale${aws.error ? `: ${aws.error}` : ""}`);
    else if (aws && aws.error) notes.push(aws.error);
    if (aws && typeof aws.ageSeconds === "number") notes.push(`seen ${Math.round(aws.ageSeconds / 60)} min ago`);
    const list = resources.length
      ? el("ul", { class: "plain" }, ...resources.map((r) => el("li", {}, `${r.kind} ${r.id}`,
        el("span", { class: "secondary" }, [r.state, r.type].filter(Boolean).join(" · ")))))
      : "none";
    return cell("AWS resources", list, notes.length ? el("span", { class: "secondary" }, notes.join("; ")) : null);
  }

  function renderEnvironments(data) {
    const table = $("environments");
    const body = table.tBodies[0];
    const envs = Array.isArray(data.environments) ? data.environments : [];
    const showAws = envs.some((e) => e.aws && typeof e.aws === "object");
    for (const th of table.querySelectorAll(".aws-column")) th.hidden = !showAws;
    const rows = envs.map((env) => {
      const state = env.error ? "error" : env.state;
      const row = el("tr", { role: "row", "data-environment": env.name },
        el("th", { scope: "row", role: "rowheader" }, env.name),
        cell("State", el("span", { class: stateClass(state) }, state),
          env.error ? el("span", { class: "secondary" }, env.error) : null,
          env.scheduler && env.scheduler !== "enabled"
            ? el("span", { class: "secondary" }, `scheduler: ${env.scheduler}`) : null),
        workloadsCell(env),
        shutdownCell(env.nextShutdown),
        prolongedCell(env.nextShutdown),
        lastActionCell(env.lastAction));
      if (showAws) row.append(awsCell(env.aws));
      return row;
    });
    // A refresh must not close what someone opened nor take the keyboard focus away from them.
    const open = new Set([...body.querySelectorAll("details[open]")]
      .map((d) => d.closest("tr").dataset.environment));
    const active = document.activeElement;
    const focused = active && active.tagName === "SUMMARY" && body.contains(active)
      ? active.closest("tr").dataset.environment : null;
    for (const row of rows) {
      const details = row.querySelector("details");
      if (details && open.has(row.dataset.environment)) details.open = true;
    }
    body.replaceChildren(...rows);
    if (focused !== null) {
      const summary = body.querySelector(`tr[data-environment="${CSS.escape(focused)}"] summary`);
      if (summary) summary.focus();
    }
    table.hidden = envs.length === 0;
    $("empty").hidden = envs.length !== 0;
    return envs;
  }

  function renderSupportPods(data) {
    const section = $("support");
    const present = Array.isArray(data.supportPods) || Boolean(data.supportPodsError);
    section.hidden = !present;
    if (!present) return;
    const pods = Array.isArray(data.supportPods) ? data.supportPods : [];
    const err = $("support-error");
    err.hidden = !data.supportPodsError;
    err.textContent = data.supportPodsError ? `Support pods: ${data.supportPodsError}` : "";
    const label = (l, ...c) => el("td", { "data-label": l, role: "cell" }, ...c);
    $("support-pods").tBodies[0].replaceChildren(...pods.map((p) => el("tr", { role: "row" },
      el("th", { scope: "row", role: "rowheader" }, p.name),
      label("Owner", p.owner || "unknown"),
      label("Size", p.size || ""),
      label("Phase", p.phase || ""),
      label("Expires", p.expires ? timeElement(p.expires) : "never"))));
    $("support-pods").hidden = pods.length === 0;
    $("support-empty").hidden = pods.length !== 0;
  }

  function renderZones(data) {
    const cluster = data.timezone ? ` The cluster schedules shutdowns in ${data.timezone}.` : "";
    $("zones").textContent = `Times are shown in your time zone (${browserZone}).${cluster}`;
  }

  // Announces only what changed, so screen readers are not read the whole table every 15 seconds.
  function announce(envs) {
    const states = new Map(envs.map((e) => [e.name, e.error ? "error" : e.state]));
    const changes = [];
    if (lastStates) {
      for (const [name, state] of states) {
        if (lastStates.get(name) !== state) changes.push(`${name} is ${state}`);
      }
      for (const name of lastStates.keys()) if (!states.has(name)) changes.push(`${name} is gone`);
    }
    const first = lastStates === null;
    lastStates = states;
    const count = `${envs.length} environment${envs.length === 1 ? "" : "s"}`;
    if (first) $("status").textContent = `${count} shown.`;
    else if (changes.length) $("status").textContent = `${changes.join(", ")}.`;
  }

  // Not a live region: a clock that ticks every poll would be read out every poll.
  function checked(what) {
    const when = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" }).format(new Date());
    $("checked").textContent = `${what} ${when}; refreshes every ${refreshSeconds} s.`;
  }

  function showError(message) {
    const e = $("error");
    e.hidden = !message;
    e.textContent = message || "";
  }

  async function load() {
    if (inFlight) return;
    inFlight = true;
    try {
      const headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      if (token()) headers.Authorization = `Bearer ${token()}`;
      const response = await fetch("/api/v1/dashboard", { headers, cache: "no-store" });
      if (response.status === 401) {
        const rejected = Boolean(token());
        window.sessionStorage.removeItem("devenv-dashboard-token");
        $("token-form").hidden = false;
        $("environments").hidden = true;
        $("status").textContent = rejected
          ? "That token was not accepted; enter another."
          : "A token is needed to see the environments.";
        return;
      }
      if (response.status === 304) {
        checked("No changes at");
        showError("");
        return;
      }
      if (!response.ok) {
        let message = `${response.status} ${response.statusText}`;
        try {
          const problem = await response.json();
          if (problem && problem.message) message = problem.message;
        } catch (_) { /* not JSON */ }
        showError(`Could not load the environments: ${message}`);
        return;
      }
      const data = await response.json();
      etag = response.headers.get("ETag") || "";
      $("token-form").hidden = true;
      showError("");
      renderZones(data);
      const envs = renderEnvironments(data);
      renderSupportPods(data);
      announce(envs);
      checked("Updated");
    } catch (err) {
      showError(`Could not reach devenv-scaler (${err.message}); retrying.`);
    } finally {
      inFlight = false;
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    if (document.hidden) return;
    timer = window.setTimeout(async () => {
      await load();
      schedule();
    }, refreshSeconds * 1000);
  }

  async function refreshNow() {
    window.clearTimeout(timer);
    await load();
    schedule();
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      window.clearTimeout(timer);
      $("checked").textContent = "Updates paused while this tab is hidden.";
    } else {
      refreshNow();
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    // Explicit roles: the phone layout displays the tables as blocks, which would drop their semantics.
    for (const table of [$("environments"), $("support-pods")]) {
      table.setAttribute("role", "table");
      for (const group of table.querySelectorAll("thead, tbody")) group.setAttribute("role", "rowgroup");
      for (const row of table.querySelectorAll("thead tr")) row.setAttribute("role", "row");
      for (const th of table.querySelectorAll("thead th")) th.setAttribute("role", "columnheader");
    }
    $("refresh").addEventListener("click", refreshNow);
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      window.sessionStorage.setItem("devenv-dashboard-token", $("token").value.trim());
      $("token").value = "";
      etag = "";
      refreshNow();
    });
    refreshNow();
  });
})();
