#!/usr/bin/env python3
"""make_fixture.py: writes a tests/aws/fake_aws.py fixture for the inventory refresh benchmark.

N EC2 instances, M RDS instances and K Aurora clusters; nine in ten are tagged for one of E environments
(`namespace=devN`, `scheduler=enabled`; ten consecutive ids share an environment, so every environment gets
instances when N >= 10 * E), the tenth carries only a Name tag and belongs to nobody (EC2 filters it
out server-side by the scheduler tag; RDS lists it and the cacher's grouping drops it). One in three EC2
instances is stopped. Pages as AWS serves them at most: 1000 EC2 instances, 100 RDS records.

Usage: make_fixture.py [--instances 5000] [--databases 300] [--clusters 30] [--envs 100] > fixture.json
"""
import argparse
import json
import sys


def tags(i, envs):
    if i % 10 == 9:
        return {"Name": f"other-{i}"}
    return {"namespace": f"dev{(i // 10) % envs}", "scheduler": "enabled", "Name": f"node-{i}"}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--instances", type=int, default=5000)
    p.add_argument("--databases", type=int, default=300)
    p.add_argument("--clusters", type=int, default=30)
    p.add_argument("--envs", type=int, default=100)
    a = p.parse_args()
    if min(a.instances, a.databases, a.clusters) < 0 or a.envs < 1:
        p.error("counts must be >= 0 and --envs >= 1")
    fixture = {
        "credentials": [{"access_key_id": "AKIDFAKE", "secret_access_key": "fake-secret", "session_token": ""}],
        "page_size": 1000,
        "ec2": {"instances": [{"id": f"i-{i:017x}", "type": "t3.micro", "state": "stopped" if i % 3 == 0 else "running",
                               "launch_time": "2026-01-01T00:00:00.000Z", "tags": tags(i, a.envs)}
                              for i in range(a.instances)]},
        "rds": {"instances": [{"id": f"db-{i}", "class": "db.t3.micro", "engine": "postgres", "status": "available",
                               "cluster": "", "tags": tags(i, a.envs)} for i in range(a.databases)],
                "clusters": [{"id": f"aurora-{i}", "engine": "aurora-postgresql", "status": "available",
                              "members": [], "tags": tags(i, a.envs)} for i in range(a.clusters)]},
    }
    json.dump(fixture, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
