#!/usr/bin/env python3
"""fake_aws.py: a fake AWS Query-API endpoint (EC2, RDS, STS) plus IMDSv2 and container-credential
endpoints, strict where it matters, for the C++ tests of src/aws and for integration tests that stop and
start EC2 instances and RDS databases.

Usage:
  fake_aws.py --fixture FIXTURE.json --port-file PORT_FILE [--host 127.0.0.1] [--port 0]

It listens on HOST:PORT (port 0: any free port) and writes the port to PORT_FILE once it accepts
connections. Point clients at it with AWS_ENDPOINT_URL=http://127.0.0.1:<port> (or the per-service
AWS_ENDPOINT_URL_EC2 / _RDS / _STS), AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:<port> and
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:<port>/v1/credentials.

What it checks on every Query request (POST form or GET query):
  - the SigV4 signature, recomputed with botocore.auth.SigV4Auth over the signed headers as received,
    for a known access key (fixture "credentials", plus every credential it has issued itself); a
    mismatch is 403 SignatureDoesNotMatch, an unknown key 403 InvalidClientTokenId (EC2: AuthFailure),
    a wrong or missing session token 403 InvalidClientTokenId; STS AssumeRoleWithWebIdentity is unsigned;
  - the parameters, against botocore's service model for the action (botocore.session
    get_service_model('ec2'|'rds'|'sts')): they are decoded by the input shape, validated with botocore's
    ParamValidator, re-serialised with botocore's serializer and must equal the received form exactly;
    otherwise 400 InvalidParameterValue / ValidationError naming the problem.

Fixture (JSON, every key optional):
  {
    "credentials": [{"access_key_id": "AKIDFAKE", "secret_access_key": "...", "session_token": ""}],
    "page_size": 2,                        # largest page served (MaxResults/MaxRecords may lower it)
    "ec2": {"instances": [{"id": "i-0a", "type": "t3.micro", "state": "running",
                           "launch_time": "2026-01-01T00:00:00Z", "tags": {"namespace": "dev1"}}]},
    "rds": {"instances": [{"id": "db1", "class": "db.t3.micro", "engine": "postgres", "status": "available",
                           "cluster": "", "tags": {"namespace": "dev1"}}],
            "clusters": [{"id": "c1", "engine": "aurora-postgresql", "status": "available",
                          "members": ["c1-a"], "tags": {}}]},
    "sts": {"roles": {"arn:aws:iam::123456789012:role/app": "<the web identity token it accepts>"},
            "expirations": ["2030-01-01T01:00:00Z", ...]},  # the Nth issued credential expires at the Nth
                                                             # entry (the last one repeats)
    "imds": {"role": "node-role", "expirations": [...]},     # IMDSv2: PUT /latest/api/token first
    "container": {"authorization": "<token>", "expirations": [...]},   # GET /v1/credentials
    "faults": [FAULT, ...]
  }
State transitions are immediate in the stored state, while the answer reports the transitional state as AWS
does: StopInstances running -> answer "stopping", stored "stopped"; StartInstances stopped -> "pending",
stored "running"; already stopped/running answers the same state. EC2 rejects the whole call when one id is
unknown (InvalidInstanceID.NotFound), malformed (InvalidInstanceID.Malformed) or in a state it cannot
leave that way (IncorrectInstanceState, e.g. terminated). RDS Stop/Start answer "stopping"/"starting" and
store "stopped"/"available"; a wrong state is InvalidDBInstanceState / InvalidDBClusterStateFault, an
unknown id DBInstanceNotFound / DBClusterNotFoundFault (404); an Aurora member instance cannot be
stopped or started alone (InvalidDBInstanceState).

FAULT: {"action": "DescribeInstances" (or "*"), "status": 503, "code": "RequestLimitExceeded",
        "message": "...", "times": 1 (how many requests it hits; -1 forever), "delay_seconds": 0}
  delay_seconds sleeps before answering (for timeouts); with "status": 0 the request then proceeds normally.

Control endpoints (JSON):
  POST /_fake/faults     body FAULT: append a fault
  GET  /_fake/requests   every Query request seen: {service, action, params, signed, access_key_id}
  GET  /_fake/state      the current EC2/RDS state
  POST /_fake/state      body {"ec2": ..., "rds": ..., "faults": [...]}: replace those parts of the state
"""
import argparse
import datetime
import json
import os
import sys
import threading
import time
import types
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer
from botocore.validate import ParamValidator

_SESSION = botocore.session.get_session()
_MODELS = {name: _SESSION.get_service_model(name) for name in ("ec2", "rds", "sts")}
_LOCK = threading.Lock()
_SIGN_LOCK = threading.Lock()  # botocore.auth.datetime is patched per verification

EC2_STATE_CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64,
                   "stopped": 80}


class AwsError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# ---- parameters against botocore's models ------------------------------------------------------------

def _serialized_name(member_name, shape, protocol):
    if protocol == "ec2":
        if "queryName" in shape.serialization:
            return shape.serialization["queryName"]
        name = shape.serialization.get("name")
        return name[0].upper() + name[1:] if name else member_name
    return shape.serialization.get("name", member_name)


def _has_prefix(form, prefix):
    return any(k == prefix or k.startswith(prefix + ".") for k in form)


def _decode(shape, form, key, protocol):
    """Builds the value of `shape` serialised under `key` from the flat form (inverse of botocore's serializer)."""
    if shape.type_name == "structure":
        out = {}
        for name, member in shape.members.items():
            sub = _serialized_name(name, member, protocol)
            full = f"{key}.{sub}" if key else sub
            if _has_prefix(form, full):
                out[name] = _decode(member, form, full, protocol)
        return out
    if shape.type_name == "list":
        if protocol == "ec2":
            item_prefix = key
        elif shape.serialization.get("flattened"):
            name = shape.member.serialization.get("name")
            item_prefix = ".".join(key.split(".")[:-1] + [name]) if name else key
        else:
            item_prefix = f"{key}.{shape.member.serialization.get('name', 'member')}"
        items, i = [], 1
        while _has_prefix(form, f"{item_prefix}.{i}"):
            items.append(_decode(shape.member, form, f"{item_prefix}.{i}", protocol))
            i += 1
        return items
    raw = form.get(key, "")
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise AwsError(400, "InvalidParameterValue", f"{key} must be an integer")
    if shape.type_name == "boolean":
        return raw == "true"
    return raw


def check_params(service, action, form):
    model = _MODELS[service]
    try:
        operation = model.operation_model(action)
    except Exception:
        raise AwsError(400, "InvalidAction", f"The action {action} is not valid for this web service.")
    if form.get("Version") != model.api_version:
        raise AwsError(400, "InvalidParameterValue", f"Version must be {model.api_version}")
    rest = {k: v for k, v in form.items() if k not in ("Action", "Version")}
    params = _decode(operation.input_shape, rest, "", model.protocol) if operation.input_shape else {}
    report = ParamValidator().validate(params, operation.input_shape) if operation.input_shape else None
    if report is not None and report.has_errors():
        raise AwsError(400, "ValidationError", report.generate_report())
    body = create_serializer(model.protocol).serialize_to_request(params, operation)["body"]
    expected = {k: str(v) for k, v in body.items()}
    if expected != form:
        extra = sorted(set(form) - set(expected))
        differs = sorted(k for k in expected if form.get(k) != expected[k])
        raise AwsError(400, "InvalidParameterValue",
                       f"parameters do not match the {service} model: unknown {extra}, different {differs}")
    return params


# ---- signatures ----------------------------------------------------------------------------------------

def _fixed_clock(now):
    class fixed(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return now

        @classmethod
        def now(cls, tz=None):
            return now if tz is None else now.replace(tzinfo=tz)

    return types.SimpleNamespace(datetime=fixed, timezone=datetime.timezone)


def verify_signature(state, method, path, query_pairs, headers, body):
    """Returns the access key id; raises AwsError when the request is not signed correctly."""
    authorization = headers.get("Authorization", "")
    if not authorization.startswith("AWS4-HMAC-SHA256 "):
        raise AwsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
    fields = dict(part.strip().split("=", 1) for part in authorization[len("AWS4-HMAC-SHA256 "):].split(","))
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise AwsError(403, "IncompleteSignature", "bad credential scope")
    access_key, _, region, service, _ = scope
    known = state["credentials"].get(access_key)
    if known is None:
        raise AwsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    if known.get("session_token", "") != headers.get("X-Amz-Security-Token", ""):
        raise AwsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    signed = fields.get("SignedHeaders", "").split(";")
    if "host" not in signed or "x-amz-date" not in signed:
        raise AwsError(403, "IncompleteSignature", "host and x-amz-date must be signed")
    amz_date = headers.get("X-Amz-Date", "")
    try:
        now = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    except ValueError:
        raise AwsError(403, "IncompleteSignature", "bad X-Amz-Date")
    if scope[1] != amz_date[:8]:
        raise AwsError(403, "SignatureDoesNotMatch", "credential scope date differs from X-Amz-Date")
    request = AWSRequest(method=method, url="http://" + headers.get("Host", "") + path,
                         params=query_pairs or None, data=body)
    for name in signed:
        for value in headers.get_all(name) or []:
            request.headers[name] = value
    creds = Credentials(access_key, known["secret_access_key"], known.get("session_token") or None)
    with _SIGN_LOCK:
        saved = botocore.auth.datetime
        botocore.auth.datetime = _fixed_clock(now)
        try:
            botocore.auth.SigV4Auth(creds, service, region).add_auth(request)
        finally:
            botocore.auth.datetime = saved
    if request.headers["Authorization"] != authorization:
        raise AwsError(403, "SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you provided.")
    return access_key, service


# ---- EC2 ------------------------------------------------------------------------------------------------

def _tag_xml(tags, item="item", key="key", value="value"):
    return "".join(f"<{item}><{key}>{escape(k)}</{key}><{value}>{escape(v)}</{value}></{item}>"
                   for k, v in tags.items())


def _matches(instance, filters):
    for f in filters:
        name, values = f.get("Name", ""), f.get("Values", [])
        if name.startswith("tag:"):
            if instance.get("tags", {}).get(name[4:]) not in values:
                return False
        elif name == "instance-state-name":
            if instance["state"] not in values:
                return False
        elif name == "tag-key":
            if not any(k in values for k in instance.get("tags", {})):
                return False
        else:
            raise AwsError(400, "InvalidParameterValue", f"The filter '{name}' is invalid")
    return True


def _page(items, token, limit, page_size):
    start = int(token) if token else 0
    size = min(limit or page_size, page_size)
    page = items[start:start + size]
    nxt = str(start + size) if start + size < len(items) else ""
    return page, nxt


def ec2_describe(state, params):
    instances = [i for i in state["ec2"]["instances"] if _matches(i, params.get("Filters", []))]
    if params.get("InstanceIds"):
        instances = [i for i in instances if i["id"] in params["InstanceIds"]]
    if "MaxResults" in params and not 5 <= params["MaxResults"] <= 1000:
        raise AwsError(400, "InvalidParameterValue", "MaxResults must be between 5 and 1000")
    page, nxt = _page(instances, params.get("NextToken"), params.get("MaxResults"), state["page_size"])
    # Two instances per reservation, so clients must flatten reservations.
    reservations = [page[i:i + 2] for i in range(0, len(page), 2)]
    xml = ["<reservationSet>"]
    for n, group in enumerate(reservations):
        xml.append(f"<item><reservationId>r-{n:04d}</reservationId><ownerId>123456789012</ownerId>"
                   "<groupSet/><instancesSet>")
        for i in group:
            xml.append(
                f"<item><instanceId>{escape(i['id'])}</instanceId><imageId>ami-0fake</imageId>"
                f"<instanceState><code>{EC2_STATE_CODES.get(i['state'], 0)}</code><name>{i['state']}</name>"
                f"</instanceState><instanceType>{escape(i.get('type', 't3.micro'))}</instanceType>"
                f"<launchTime>{i.get('launch_time', '2026-01-01T00:00:00.000Z')}</launchTime>"
                f"<tagSet>{_tag_xml(i.get('tags', {}))}</tagSet></item>")
        xml.append("</instancesSet></item>")
    xml.append("</reservationSet>")
    if nxt:
        xml.append(f"<nextToken>{nxt}</nextToken>")
    return "".join(xml)


def ec2_change(state, params, start):
    by_id = {i["id"]: i for i in state["ec2"]["instances"]}
    ids = params.get("InstanceIds", [])
    for i in ids:
        if not i.startswith("i-"):
            raise AwsError(400, "InvalidInstanceID.Malformed", f'Invalid id: "{i}"')
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise AwsError(400, "InvalidInstanceID.NotFound",
                       f"The instance ID{'s' if len(missing) > 1 else ''} '{', '.join(missing)}' "
                       f"do{'' if len(missing) > 1 else 'es'} not exist")
    allowed = ("running", "stopped") if start else ("running", "stopped", "stopping", "pending")
    for i in ids:
        if by_id[i]["state"] not in allowed:
            verb = "started" if start else "stopped"
            raise AwsError(400, "IncorrectInstanceState",
                           f"The instance '{i}' is not in a state from which it can be {verb}.")
    xml = ["<instancesSet>"]
    for i in ids:
        inst = by_id[i]
        previous = inst["state"]
        if start:
            current = "running" if previous == "running" else "pending"
            inst["state"] = "running"
        else:
            current = "stopped" if previous == "stopped" else "stopping"
            inst["state"] = "stopped"
        xml.append(f"<item><instanceId>{i}</instanceId>"
                   f"<currentState><code>{EC2_STATE_CODES[current]}</code><name>{current}</name></currentState>"
                   f"<previousState><code>{EC2_STATE_CODES[previous]}</code><name>{previous}</name>"
                   "</previousState></item>")
    xml.append("</instancesSet>")
    return "".join(xml)


# ---- RDS ------------------------------------------------------------------------------------------------

def _db_instance_xml(d):
    cluster = f"<DBClusterIdentifier>{escape(d['cluster'])}</DBClusterIdentifier>" if d.get("cluster") else ""
    return (f"<DBInstance><DBInstanceIdentifier>{escape(d['id'])}</DBInstanceIdentifier>"
            f"<DBInstanceClass>{escape(d.get('class', 'db.t3.micro'))}</DBInstanceClass>"
            f"<Engine>{escape(d.get('engine', 'postgres'))}</Engine>"
            f"<DBInstanceStatus>{d['status']}</DBInstanceStatus>{cluster}"
            f"<DBInstanceArn>arn:aws:rds:eu-west-1:123456789012:db:{escape(d['id'])}</DBInstanceArn>"
            f"<TagList>{_tag_xml(d.get('tags', {}), 'Tag', 'Key', 'Value')}</TagList></DBInstance>")


def _db_cluster_xml(c):
    members = "".join(f"<DBClusterMember><DBInstanceIdentifier>{escape(m)}</DBInstanceIdentifier>"
                      "<IsClusterWriter>true</IsClusterWriter></DBClusterMember>" for m in c.get("members", []))
    return (f"<DBCluster><DBClusterIdentifier>{escape(c['id'])}</DBClusterIdentifier>"
            f"<Engine>{escape(c.get('engine', 'aurora-postgresql'))}</Engine><Status>{c['status']}</Status>"
            f"<DBClusterArn>arn:aws:rds:eu-west-1:123456789012:cluster:{escape(c['id'])}</DBClusterArn>"
            f"<DBClusterMembers>{members}</DBClusterMembers>"
            f"<TagList>{_tag_xml(c.get('tags', {}), 'Tag', 'Key', 'Value')}</TagList></DBCluster>")


def rds_describe(state, params, clusters):
    key = "clusters" if clusters else "instances"
    items = state["rds"][key]
    ident = params.get("DBClusterIdentifier" if clusters else "DBInstanceIdentifier")
    if ident:
        items = [i for i in items if i["id"] == ident]
        if not items:
            raise (AwsError(404, "DBClusterNotFoundFault", f"DBCluster {ident} not found.") if clusters else
                   AwsError(404, "DBInstanceNotFound", f"DBInstance {ident} not found."))
    if "MaxRecords" in params and not 20 <= params["MaxRecords"] <= 100:
        raise AwsError(400, "InvalidParameterValue", "MaxRecords must be between 20 and 100")
    page, nxt = _page(items, params.get("Marker"), params.get("MaxRecords"), state["page_size"])
    marker = f"<Marker>{nxt}</Marker>" if nxt else ""
    if clusters:
        return f"{marker}<DBClusters>{''.join(_db_cluster_xml(c) for c in page)}</DBClusters>"
    return f"{marker}<DBInstances>{''.join(_db_instance_xml(d) for d in page)}</DBInstances>"


def rds_change(state, params, clusters, start):
    if clusters:
        ident = params["DBClusterIdentifier"]
        found = [c for c in state["rds"]["clusters"] if c["id"] == ident]
        if not found:
            raise AwsError(404, "DBClusterNotFoundFault", f"DBCluster {ident} not found.")
        c = found[0]
        if c["status"] != ("stopped" if start else "available"):
            raise AwsError(400, "InvalidDBClusterStateFault",
                           f"DbCluster {ident} is in {c['status']} state but expected it to be one of "
                           f"{'stopped' if start else 'available'}.")
        c["status"] = "available" if start else "stopped"
        for d in state["rds"]["instances"]:
            if d.get("cluster") == ident:
                d["status"] = c["status"]
        answer = dict(c, status="starting" if start else "stopping")
        return f"<DBCluster>{_db_cluster_xml(answer)[len('<DBCluster>'):]}"
    ident = params["DBInstanceIdentifier"]
    found = [d for d in state["rds"]["instances"] if d["id"] == ident]
    if not found:
        raise AwsError(404, "DBInstanceNotFound", f"DBInstance {ident} not found.")
    d = found[0]
    if d.get("cluster"):
        raise AwsError(400, "InvalidDBInstanceState",
                       f"Instance {ident} is part of cluster {d['cluster']}: start or stop the cluster.")
    if d["status"] != ("stopped" if start else "available"):
        raise AwsError(400, "InvalidDBInstanceState",
                       f"Instance {ident} is not in {'stopped' if start else 'available'} state.")
    d["status"] = "available" if start else "stopped"
    return _db_instance_xml(dict(d, status="starting" if start else "stopping"))


# ---- credentials issued by the fake STS, IMDS and container endpoints ----------------------------------

def issue_credentials(state, source, expirations):
    state["issued"] += 1
    n = state["issued"]
    creds = {"access_key_id": f"ASIAFAKE{source.upper()}{n}", "secret_access_key": f"secret-{source}-{n}",
             "session_token": f"token-{source}-{n}"}
    state["credentials"][creds["access_key_id"]] = creds
    expiration = expirations[min(state["counts"].get(source, 0), len(expirations) - 1)] if expirations else \
        "2099-01-01T00:00:00Z"
    state["counts"][source] = state["counts"].get(source, 0) + 1
    return dict(creds, expiration=expiration)


def sts_assume(state, params):
    roles = state["fixture"].get("sts", {}).get("roles", {})
    if params.get("RoleArn") not in roles:
        raise AwsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
    if roles[params["RoleArn"]] != params.get("WebIdentityToken"):
        raise AwsError(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")
    c = issue_credentials(state, "sts", state["fixture"].get("sts", {}).get("expirations", []))
    return (f"<Credentials><AccessKeyId>{c['access_key_id']}</AccessKeyId>"
            f"<SecretAccessKey>{c['secret_access_key']}</SecretAccessKey>"
            f"<SessionToken>{c['session_token']}</SessionToken><Expiration>{c['expiration']}</Expiration>"
            f"</Credentials><SubjectFromWebIdentityToken>system:serviceaccount:devenv:scaler"
            f"</SubjectFromWebIdentityToken><AssumedRoleUser><Arn>{escape(params['RoleArn'])}/"
            f"{escape(params.get('RoleSessionName', ''))}</Arn><AssumedRoleId>AROAFAKE:"
            f"{escape(params.get('RoleSessionName', ''))}</AssumedRoleId></AssumedRoleUser>")


def json_credentials(c):
    return {"Code": "Success", "LastUpdated": "2026-01-01T00:00:00Z", "Type": "AWS-HMAC",
            "AccessKeyId": c["access_key_id"], "SecretAccessKey": c["secret_access_key"],
            "Token": c["session_token"], "Expiration": c["expiration"]}


# ---- HTTP ----------------------------------------------------------------------------------------------

def take_fault(state, action):
    for f in state["faults"]:
        if f.get("action", "*") in ("*", action) and f.get("times", 1) != 0:
            if f.get("times", 1) > 0:
                f["times"] = f.get("times", 1) - 1
            return dict(f)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="text/xml;charset=UTF-8", extra=None):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status, value):
        self._send(status, json.dumps(value), "application/json")

    def _error(self, service, err, request_id):
        if service == "ec2":
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{err.code}</Code>'
                    f"<Message>{escape(err.message)}</Message></Error></Errors>"
                    f"<RequestID>{request_id}</RequestID></Response>")
        else:
            body = (f'<ErrorResponse xmlns="https://{service}.amazonaws.com/doc/{_MODELS[service].api_version}/">'
                    f"<Error><Type>{'Receiver' if err.status >= 500 else 'Sender'}</Type><Code>{err.code}</Code>"
                    f"<Message>{escape(err.message)}</Message></Error><RequestId>{request_id}</RequestId>"
                    "</ErrorResponse>")
        self._send(err.status, body, extra={"x-amzn-RequestId": request_id})

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_PUT(self):
        body = self._body()
        if self.path == "/latest/api/token":
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if not ttl or not 1 <= int(ttl) <= 21600:
                return self._send(400, "", "text/plain")
            token = "imds-" + uuid.uuid4().hex
            with _LOCK:
                self.state["imds_tokens"].add(token)
            return self._send(200, token, "text/plain", {"X-aws-ec2-metadata-token-ttl-seconds": ttl})
        del body
        self._send(404, "", "text/plain")

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/_fake/requests":
            with _LOCK:
                return self._json(200, self.state["requests"])
        if url.path == "/_fake/state":
            with _LOCK:
                return self._json(200, {"ec2": self.state["ec2"], "rds": self.state["rds"]})
        if url.path.startswith("/latest/"):
            return self._imds(url.path)
        if url.path == "/v1/credentials" or url.path.startswith("/v2/credentials"):
            return self._container()
        self._query("GET", url.path, parse_qsl(url.query, keep_blank_values=True), b"")

    def do_POST(self):
        url = urlsplit(self.path)
        body = self._body()
        if url.path == "/_fake/faults":
            with _LOCK:
                self.state["faults"].append(json.loads(body))
            return self._json(200, {"ok": True})
        if url.path == "/_fake/state":
            with _LOCK:
                self.state.update(json.loads(body))
            return self._json(200, {"ok": True})
        self._query("POST", url.path, parse_qsl(url.query, keep_blank_values=True), body)

    def _imds(self, path):
        with _LOCK:
            if self.headers.get("X-aws-ec2-metadata-token") not in self.state["imds_tokens"]:
                return self._send(401, "", "text/plain")
            imds = self.state["fixture"].get("imds", {})
            role = imds.get("role", "node-role")
            self.state["counts"]["imds-get"] = self.state["counts"].get("imds-get", 0) + 1
            if path == "/latest/meta-data/iam/security-credentials/":
                return self._send(200, role, "text/plain")
            if path == f"/latest/meta-data/iam/security-credentials/{role}":
                return self._json(200, json_credentials(issue_credentials(self.state, "imds",
                                                                           imds.get("expirations", []))))
        self._send(404, "", "text/plain")

    def _container(self):
        with _LOCK:
            container = self.state["fixture"].get("container", {})
            if self.headers.get("Authorization", "") != container.get("authorization", ""):
                return self._json(403, {"code": "AccessDenied", "message": "bad authorization token"})
            return self._json(200, json_credentials(issue_credentials(self.state, "container",
                                                                       container.get("expirations", []))))

    def _query(self, method, path, query_pairs, body):
        request_id = str(uuid.uuid4())
        if method == "POST":
            form_pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        else:
            form_pairs = query_pairs
        form = dict(form_pairs)
        action = form.get("Action", "")
        service = "sts" if action == "AssumeRoleWithWebIdentity" else None
        try:
            with _LOCK:
                fault = take_fault(self.state, action)
            if fault and fault.get("delay_seconds"):
                time.sleep(fault["delay_seconds"])
            if service is None:
                access_key, service = verify_signature(self.state, method, path, query_pairs, self.headers, body)
            else:
                access_key = ""
            if service not in _MODELS:
                raise AwsError(400, "InvalidAction", f"unknown service {service}")
            if len(form) != len(form_pairs):
                raise AwsError(400, "InvalidParameterValue", "a parameter is repeated")
            params = check_params(service, action, form)
            with _LOCK:
                self.state["requests"].append({"service": service, "action": action, "params": form,
                                               "signed": bool(access_key), "access_key_id": access_key})
                if fault and fault.get("status"):
                    raise AwsError(fault["status"], fault.get("code", "InternalError"),
                                   fault.get("message", "injected fault"))
                result = self._dispatch(service, action, params)
        except AwsError as err:
            return self._error(service if service in _MODELS else "ec2", err, request_id)
        if service == "ec2":
            xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response '
                   f'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>{request_id}</requestId>'
                   f"{result}</{action}Response>")
        else:
            ns = f"https://{service}.amazonaws.com/doc/{_MODELS[service].api_version}/"
            xml = (f'<{action}Response xmlns="{ns}"><{action}Result>{result}</{action}Result>'
                   f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>")
        self._send(200, xml, extra={"x-amzn-RequestId": request_id})

    def _dispatch(self, service, action, params):
        s = self.state
        table = {
            ("ec2", "DescribeInstances"): lambda: ec2_describe(s, params),
            ("ec2", "StartInstances"): lambda: ec2_change(s, params, True),
            ("ec2", "StopInstances"): lambda: ec2_change(s, params, False),
            ("rds", "DescribeDBInstances"): lambda: rds_describe(s, params, False),
            ("rds", "DescribeDBClusters"): lambda: rds_describe(s, params, True),
            ("rds", "StartDBInstance"): lambda: rds_change(s, params, False, True),
            ("rds", "StopDBInstance"): lambda: rds_change(s, params, False, False),
            ("rds", "StartDBCluster"): lambda: rds_change(s, params, True, True),
            ("rds", "StopDBCluster"): lambda: rds_change(s, params, True, False),
            ("sts", "AssumeRoleWithWebIdentity"): lambda: sts_assume(s, params),
        }
        if (service, action) not in table:
            raise AwsError(400, "InvalidAction", f"{action} is not implemented by fake_aws.py")
        return table[(service, action)]()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with open(args.fixture, encoding="utf-8") as f:
        fixture = json.load(f)
    Handler.state = {
        "fixture": fixture,
        "credentials": {c["access_key_id"]: c for c in fixture.get("credentials", [])},
        "page_size": int(fixture.get("page_size", 1000)),
        "ec2": fixture.get("ec2", {"instances": []}),
        "rds": {"instances": fixture.get("rds", {}).get("instances", []),
                "clusters": fixture.get("rds", {}).get("clusters", [])},
        "faults": list(fixture.get("faults", [])),
        "requests": [],
        "issued": 0,
        "counts": {},
        "imds_tokens": set(),
    }
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)  # readers never see a partial port
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
