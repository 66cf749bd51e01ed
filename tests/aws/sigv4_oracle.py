#!/usr/bin/env python3
"""SigV4 oracle: signs a table of requests with botocore's SigV4Auth at a fixed time.

Usage: sigv4_oracle.py REQUESTS.json
REQUESTS.json is a list of objects:
  {"method", "host", "path", "params": [[k, v], ...], "headers": [[k, v], ...], "body",
   "access_key", "secret_key", "token", "region", "service", "time": "20150830T123600Z"}
Prints a JSON list of {"authorization", "canonical_request", "string_to_sign", "headers"} in the same order.
The C++ tests (tests/aws/sigv4_test.cc) compare our signer with this byte for byte.
"""
import datetime
import json
import sys
import types

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


_fixed_now = [None]


class _fixed_datetime(datetime.datetime):
    """Stands in for datetime.datetime inside botocore.auth so signing uses the table's time."""

    @classmethod
    def utcnow(cls):
        return _fixed_now[0]

    @classmethod
    def now(cls, tz=None):
        return _fixed_now[0] if tz is None else _fixed_now[0].replace(tzinfo=tz)


_fixed_clock = types.SimpleNamespace(datetime=_fixed_datetime, timezone=datetime.timezone)


def sign(case):
    _fixed_now[0] = datetime.datetime.strptime(case["time"], "%Y%m%dT%H%M%SZ")
    body = case.get("body", "").encode("utf-8")
    request = AWSRequest(
        method=case["method"],
        url="https://" + case["host"] + case["path"],
        params=[tuple(p) for p in case.get("params", [])] or None,
        data=body,
    )
    for name, value in case.get("headers", []):
        # HTTPHeaders is an email.message.Message: assignment appends, so repeated names are kept.
        request.headers[name] = value
    request.context = {}
    creds = Credentials(case["access_key"], case["secret_key"], case.get("token") or None)
    signer = botocore.auth.SigV4Auth(creds, case["service"], case["region"])
    signer.add_auth(request)
    authorization = request.headers["Authorization"]
    # Recompute the intermediate strings as add_auth saw them (before the Authorization header existed).
    del request.headers["Authorization"]
    canonical = signer.canonical_request(request)
    return {
        "authorization": authorization,
        "canonical_request": canonical,
        "string_to_sign": signer.string_to_sign(request, canonical),
    }


def main():
    botocore.auth.datetime = _fixed_clock
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    json.dump([sign(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
