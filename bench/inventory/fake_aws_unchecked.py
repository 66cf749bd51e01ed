#!/usr/bin/env python3
"""fake_aws_unchecked.py: tests/aws/fake_aws.py with its two botocore checks turned off, to measure what they
cost at benchmark volume. Same arguments, same answers and request log; only these change:
  - the SigV4 signature is not recomputed (the access key and service are read from the Authorization
    header's credential scope; an unknown key is still refused);
  - the parameters are decoded by the botocore input shape (the fake needs them) but neither validated nor
    re-serialised and compared.
Never use it for tests: it accepts requests the real fake (and AWS) would refuse.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "aws"))
import fake_aws  # noqa: E402


def verify_signature_unchecked(state, method, path, query_pairs, headers, body):
    authorization = headers.get("Authorization", "")
    fields = dict(part.strip().split("=", 1)
                  for part in authorization[len("AWS4-HMAC-SHA256 "):].split(",") if "=" in part)
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or scope[0] not in state["credentials"]:
        raise fake_aws.AwsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    return scope[0], scope[3]


def check_params_unchecked(service, action, form):
    operation = fake_aws._MODELS[service].operation_model(action)
    rest = {k: v for k, v in form.items() if k not in ("Action", "Version")}
    if not operation.input_shape:
        return {}
    return fake_aws._decode(operation.input_shape, rest, "", fake_aws._MODELS[service].protocol)


fake_aws.verify_signature = verify_signature_unchecked
fake_aws.check_params = check_params_unchecked

if __name__ == "__main__":
    sys.exit(fake_aws.main())
