-- wrk script: POSTs one namespace-CREATE AdmissionReview (a namespace without the scheduler label, so the
-- webhook answers with a JSONPatch) to /admission/namespaces on every request, over keep-alive TLS.
-- Arguments after `--`: RATE THREADS (see fixed_rate.lua; RATE 0 = closed loop).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "fixed_rate.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","kind":{"group":"","version":"v1","kind":"Namespace"},"resource":{"group":"","version":"v1","resource":"namespaces"},"name":"load1","operation":"CREATE","userInfo":{"username":"admin"},"object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"load1"}},"dryRun":true}}]]

function init(args)
  fixed_rate_init(args)
end
-- wrk itself reports "Non-2xx or 3xx responses: N" when any answer is not a success.
