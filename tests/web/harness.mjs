// Shared by the Chromium checks: starts kube-sim (seeded with the demo cluster) and devenv-scaler on port 0
// in a temporary folder, waits for the files they write once listening (polled with a deadline, never a
// fixed sleep), runs kubectl against kube-sim, launches Debian's chromium through playwright-core (never a
// downloaded browser), and stops everything on exit.
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export function parseArgs(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  for (const key of ["kube-sim", "scaler", "out"]) {
    if (!out[key]) throw new Error(`missing --${key}`);
  }
  return out;
}

async function waitForFile(file, child, what, deadlineMs = 30000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (existsSync(file) && statSync(file).size > 0) return readFileSync(file, "utf8").trim();
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not write ${file} within ${deadlineMs} ms`);
}

// Polls `probe` (async, returns a truthy value when done) until it succeeds or the deadline passes.
export async function until(probe, what, deadlineMs = 30000) {
  const end = Date.now() + deadlineMs;
  let last;
  while (Date.now() < end) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export class Cluster {
  constructor(args) {
    this.args = args;
    this.dir = mkdtempSync(join(tmpdir(), "devenv-web-"));
    this.children = [];
    this.token = "web-test-token-0123456789";
  }

  async start(extraEnv = {}) {
    const simArgs = ["--listen", "127.0.0.1:0", "--data-dir", join(this.dir, "kube-sim"), "--seed",
      "tools/kube-sim/seeds/demo.yaml", "--ready-delay", "0ms"];
    // tests/deploy checks the chart's RBAC against every call recorded here (as tests/support does).
    const logDir = process.env.DEVENV_REQUEST_LOG_DIR;
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      simArgs.push("--request-log", join(logDir, `kube-sim-web-${process.pid}-${Date.now()}.jsonl`));
    }
    const sim = this.spawn(this.args["kube-sim"], simArgs, "kube-sim.log");
    await waitForFile(join(this.dir, "kube-sim", "ready"), sim, "kube-sim");
    this.kubeconfig = join(this.dir, "kube-sim", "kubeconfig");
    this.url = await this.startScaler("devenv-scaler", extraEnv);
    return this;
  }

  // Another devenv-scaler against the same kube-sim (e.g. with other settings); returns its URL.
  async startScaler(name, extraEnv = {}) {
    const portFile = join(this.dir, `${name}.port`);
    const scaler = this.spawn(this.args.scaler,
      ["serve", "--listen", "127.0.0.1:0", "--kubeconfig", this.kubeconfig, "--port-file", portFile],
      `${name}.log`,
      { DEVENV_API_TOKENS: `web:${this.token}`, DEVENV_LOG_FORMAT: "text", DEVENV_TIMEZONE: "Europe/Berlin",
        DEVENV_RECONCILE: name === "devenv-scaler" ? "true" : "false", ...extraEnv });
    const port = await waitForFile(portFile, scaler, name);
    return `http://127.0.0.1:${port}`;
  }

  spawn(binary, args, log, env = {}) {
    const fd = openSync(join(this.dir, log), "w");
    const child = spawn(binary, args, { stdio: ["ignore", fd, fd], env: { ...process.env, ...env } });
    this.children.push(child);
    return child;
  }

  log(name) {
    try {
      return readFileSync(join(this.dir, name), "utf8");
    } catch {
      return "";
    }
  }

  async kubectl(...args) {
    const { stdout } = await execFileAsync("kubectl", ["--kubeconfig", this.kubeconfig, ...args],
      { maxBuffer: 16 << 20 });
    return stdout;
  }

  async api(method, path, body) {
    const response = await fetch(this.url + path, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async stop() {
    for (const child of this.children.reverse()) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// A persistent context on a fresh profile folder: Playwright's way to pass --user-data-dir.
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "devenv-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Runs `body` with a started cluster and browser; prints the logs when it fails; exits non-zero on failure.
export async function run(name, body, extraEnv = {}) {
  const args = parseArgs(process.argv);
  mkdirSync(args.out, { recursive: true });
  const cluster = new Cluster(args);
  let chromium;
  try {
    await cluster.start(extraEnv);
    chromium = await launchChromium();
    await body({ cluster, context: chromium.context, out: args.out });
    console.log(`${name}: OK`);
  } catch (err) {
    console.error(`${name}: FAILED: ${err.stack || err}`);
    console.error("--- devenv-scaler.log (tail) ---\n" + cluster.log("devenv-scaler.log").slice(-4000));
    console.error("--- kube-sim.log (tail) ---\n" + cluster.log("kube-sim.log").slice(-2000));
    process.exitCode = 1;
  } finally {
    if (chromium) await chromium.close().catch(() => {});
    await cluster.stop().catch(() => {});
  }
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}
