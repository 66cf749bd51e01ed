#!/usr/bin/env python3
"""Stop-all / start-all benchmark: N environments x M workloads on kube-sim with added API latency.

Measures wall time of stopping and starting every environment through devenv-scaler's REST API (several
clients at once, as the per-namespace CronJobs would), the number of Kubernetes API calls devenv-scaler made
(kube-sim's request log) against the minimum needed, the time against the client rate-limit bound
(calls / QPS), and devenv-scaler's RSS idle and at peak (VmRSS / VmHWM). Prints a Markdown table.

Usage: bench/environments/run.py [--build build/bench] [--envs 200] [--workloads 10] [--latency-ms 2]
                                 [--qps 50] [--burst 100] [--clients 8]
"""
import argparse, concurrent.futures, json, os, pathlib, shutil, ssl, subprocess, sys, tempfile, time
import urllib.request

def wait_file(path, proc, what, deadline=30):
    end = time.time() + deadline
    while time.time() < end:
        if path.exists() and path.stat().st_size > 0:
            return path.read_text().strip()
        if proc.poll() is not None:
            sys.exit(f"{what} exited early")
        time.sleep(0.05)
    sys.exit(f"{what} did not start")

def rss_kib(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0

def seed(envs, workloads):
    docs = []
    for e in range(envs):
        ns = f"bench{e:03d}"
        docs.append(f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n")
        for w in range(workloads):
            kind = "StatefulSet" if w % 5 == 4 else "Deployment"
            replicas = [3, 1, 2, 0, 1][w % 5]
            docs.append(
                f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: w{w}\n  namespace: {ns}\n"
                f"spec:\n  replicas: {replicas}\n  serviceName: w{w}\n  selector:\n    matchLabels: {{app: w{w}}}\n"
                f"  template:\n    metadata:\n      labels: {{app: w{w}}}\n    spec:\n"
                f"      containers: [{{name: main, image: nginx}}]\n")
    return "---\n".join(docs)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build/bench")
    p.add_argument("--envs", type=int, default=200)
    p.add_argument("--workloads", type=int, default=10)
    p.add_argument("--latency-ms", type=int, default=2)
    p.add_argument("--qps", type=float, default=50)
    p.add_argument("--burst", type=int, default=100)
    p.add_argument("--clients", type=int, default=8)
    a = p.parse_args()
    build = pathlib.Path(a.build).resolve()
    work = pathlib.Path(tempfile.mkdtemp(prefix="devenv-bench-"))
    (work / "seed.yaml").write_text(seed(a.envs, a.workloads))
    sim = subprocess.Popen([build / "tools/kube-sim/kube-sim", "--listen", "127.0.0.1:0", "--data-dir",
                            work / "sim", "--seed", work / "seed.yaml", "--ready-delay", "0ms",
                            "--latency", f"{a.latency_ms}ms"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [sim]
    try:
        sim_port = wait_file(work / "sim/ready", sim, "kube-sim")
        token = "bench-token-0123456789"
        env = dict(os.environ, DEVENV_API_TOKENS=f"bench:{token}", DEVENV_KUBE_QPS=str(a.qps),
                   DEVENV_KUBE_BURST=str(a.burst), DEVENV_LOG_LEVEL="warn", DEVENV_WORKER_THREADS=str(a.clients))
        scaler = subprocess.Popen([build / "src/app/devenv-scaler", "serve", "--listen", "127.0.0.1:0",
                                   "--kubeconfig", work / "sim/kubeconfig", "--port-file", work / "port"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=open(work / "scaler.log", "w"))
        procs.append(scaler)
        port = wait_file(work / "port", scaler, "devenv-scaler")
        base = f"http://127.0.0.1:{port}"
        time.sleep(1)
        idle_rss = rss_kib(scaler.pid, "VmRSS")

        # kube-sim's request log tells how many calls devenv-scaler made.
        admin = (work / "sim/token").read_text().strip()
        ctx = ssl.create_default_context(cafile=str(work / "sim/ca.crt"))
        def sim_state():
            req = urllib.request.Request(f"https://127.0.0.1:{sim_port}/_sim/state",
                                         headers={"Authorization": f"Bearer {admin}"})
            return json.load(urllib.request.urlopen(req, context=ctx))["nextRequestIndex"]

        def act(action):
            def one(ns):
                req = urllib.request.Request(f"{base}/api/v1/environments/{ns}/{action}", method="POST",
                                             headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(req, timeout=600) as r:
                    body = json.load(r)
                    return body["ok"], body["counts"]["changed"]
            names = [f"bench{e:03d}" for e in range(a.envs)]
            before = sim_state()
            t0 = time.time()
            with concurrent.futures.ThreadPoolExecutor(a.clients) as pool:
                results = list(pool.map(one, names))
            wall = time.time() - t0
            calls = sim_state() - before - 0  # the state query itself is not logged before it answers
            failed = sum(1 for ok, _ in results if not ok)
            changed = sum(c for _, c in results)
            return wall, calls, failed, changed

        stop_wall, stop_calls, stop_failed, stop_changed = act("stop")
        start_wall, start_calls, start_failed, start_changed = act("start")
        peak_rss = rss_kib(scaler.pid, "VmHWM")
        # Minimum calls per environment: read namespace, list Deployments, list StatefulSets, one PATCH per
        # workload that changes, PATCH namespace record, POST Event.
        def minimum(changed):
            return a.envs * 5 + changed
        print(f"| environments x workloads | {a.envs} x {a.workloads} (kube-sim latency {a.latency_ms} ms, "
              f"QPS {a.qps:g}, burst {a.burst}, {a.clients} clients) |")
        print("|---|---|")
        for name, wall, calls, failed, changed in (("stop-all", stop_wall, stop_calls, stop_failed, stop_changed),
                                                   ("start-all", start_wall, start_calls, start_failed, start_changed)):
            bound = max(0.0, (calls - a.burst) / a.qps)
            print(f"| {name} wall time | {wall:.2f} s (rate-limit bound {bound:.2f} s, ratio "
                  f"{wall / bound if bound else float('nan'):.2f}) |")
            print(f"| {name} API calls | {calls} (minimum {minimum(changed)}, {changed} workloads changed, "
                  f"{failed} environments failed) |")
        print(f"| devenv-scaler RSS idle | {idle_rss / 1024:.1f} MiB |")
        print(f"| devenv-scaler RSS peak | {peak_rss / 1024:.1f} MiB |")
        return 0 if stop_failed == 0 and start_failed == 0 else 1
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
