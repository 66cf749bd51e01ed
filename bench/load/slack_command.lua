-- wrk script: POSTs one signed Slack slash command to /slack/commands on every request, over keep-alive TLS.
-- Arguments after `--`: RATE THREADS BODY TIMESTAMP SIGNATURE (see fixed_rate.lua for RATE THREADS; BODY is
-- the form-encoded command, TIMESTAMP and SIGNATURE the X-Slack-Request-Timestamp and X-Slack-Signature that
-- bench/load/slack.sh computed for it with openssl). Slack commands have no replay guard, so one signed
-- request may be repeated while its timestamp is within the server's tolerance (5 minutes).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "fixed_rate.lua")

function init(args)
  fixed_rate_init(args)
  if not args[5] then error("slack_command.lua: arguments are RATE THREADS BODY TIMESTAMP SIGNATURE") end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["X-Slack-Request-Timestamp"] = args[4]
  wrk.headers["X-Slack-Signature"] = args[5]
  wrk.body = args[3]
end
