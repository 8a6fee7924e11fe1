#!/bin/sh
# TAP: the cavra command (cavra(1)).
#  - every command answers --help with status 0; a bad command line is
#    status 3 with a message on stderr;
#  - cavra evaluate in process: status 0, 1, 2 for allow, block and
#    require_approval under the default pack; 4 for an unknown pack;
#  - cavra policy test passes on every shipped fixture file
#    (tests/policy-fixtures/<pack>.yaml, one per bundled pack), and fails
#    naming the case on a fixture that expects the wrong decision, and on
#    a fixture with a misspelt key;
#  - cavra evaluate --url against a stack whose API needs a bearer token
#    (CAVRA_API_ACCESS_FILE): without CAVRA_TOKEN it is refused (401,
#    status 4); with it, the same decisions as in process; once the stack
#    is stopped, status 5.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/cli-stack.sh"
fixtures=$top_srcdir/tests/policy-fixtures

# The packs: the source tree's as the bundled layer, an empty writable
# root.
export CAVRA_BUNDLED_POLICY_DIR="$top_srcdir/policies"
export CAVRA_POLICY_DIR="$tmp/published"
unset CAVRA_URL CAVRA_TOKEN

# After a failure: what the command printed.
tap_diag() {
	sed 's/^/# /' "$tmp/out" "$tmp/err" 2>/dev/null
}

# same_as FILE: $tmp/out has the same decision, rule, severity, target,
# operation, reason and approver as FILE.
same_as() {
	for k in action_type target requested_operation policy_pack rule_id \
	    decision severity reason approver_group; do
		[ "$(jq -c ".$k" "$tmp/out")" = "$(jq -c ".$k" "$1")" ] ||
			return 1
	done
}

echo "1..28"

cv --help
[ $rc = 0 ] && has "$tmp/out" evaluate && has "$tmp/out" policy
ok $? "cavra --help: status 0, lists the commands ($rc)"
cv evaluate --help
[ $rc = 0 ] && has "$tmp/out" "usage: cavra evaluate"
ok $? "cavra evaluate --help: status 0 ($rc)"
cv policy test --help
[ $rc = 0 ] && has "$tmp/out" "usage: cavra policy test"
ok $? "cavra policy test --help: status 0 ($rc)"
cv frobnicate
[ $rc = 3 ] && has "$tmp/err" 'unknown command "frobnicate"'
ok $? "an unknown command: status 3, named on stderr ($rc)"

cv evaluate read_file .env
[ $rc = 1 ] && [ "$(jq -r .decision "$tmp/out")" = block ] &&
    [ "$(jq -r .rule_id "$tmp/out")" = filesystem.read.block ]
ok $? "evaluate read_file .env: block, status 1 ($rc)"
cp "$tmp/out" "$tmp/local-block"
cv evaluate execute_command "terraform plan -out=plan.bin"
[ $rc = 0 ] && [ "$(jq -r .decision "$tmp/out")" = allow ] &&
    [ "$(jq -r .policy_pack "$tmp/out")" = cavra-ai-agent-baseline ]
ok $? "evaluate execute_command 'terraform plan': allow, status 0 ($rc)"
cp "$tmp/out" "$tmp/local-allow"
cv evaluate write_file iam/admin-role.tf --session-id s-cli \
    --agent-id cli-test --repository payments/api
[ $rc = 2 ] && [ "$(jq -r .decision "$tmp/out")" = require_approval ] &&
    [ "$(jq -r .approver_group "$tmp/out")" = "Platform Security" ] &&
    [ "$(jq -r .session_id "$tmp/out")" = s-cli ] &&
    [ "$(jq -r .repository "$tmp/out")" = payments/api ] &&
    [ "$(jq -r '.evidence_refs[0]' "$tmp/out")" = \
    "evidence://s-cli/$(jq -r .decision_id "$tmp/out")" ]
ok $? "evaluate write_file iam/admin-role.tf: require_approval, status 2 ($rc)"
cp "$tmp/out" "$tmp/local-approval"
cv evaluate -p cavra-mcp-enterprise mcp_tool_call --server github-enterprise \
    --tool create_pull_request
[ $rc = 0 ] && [ "$(jq -r .rule_id "$tmp/out")" = mcp.server.trust.allow ]
ok $? "evaluate mcp_tool_call in process: the pack's mcp section ($rc)"
cv evaluate file_read .env
[ $rc = 3 ] && [ ! -s "$tmp/out" ] && has "$tmp/err" 'unknown action type "file_read"'
ok $? "a bad action type: status 3, message on stderr ($rc)"
cv evaluate read_file
[ $rc = 3 ] && has "$tmp/err" "read_file needs a target"
ok $? "read_file without a target: status 3 ($rc)"
cv evaluate -p no-such-pack read_file README.md
[ $rc = 4 ] && has "$tmp/err" "no-such-pack"
ok $? "an unknown pack: status 4, named on stderr ($rc)"

# Every bundled pack has its fixture file, and every one passes.
missing=""
for d in "$top_srcdir"/policies/*/policy.yaml; do
	id=$(basename "$(dirname "$d")")
	[ -f "$fixtures/$id.yaml" ] || missing="$missing $id"
done
[ -z "$missing" ]
ok $? "a fixture file for every bundled pack (missing:${missing:- none})"
cv policy test "$fixtures"
npacks=$(ls "$top_srcdir"/policies/*/policy.yaml | wc -l)
tested=$(awk '$1 == "PASS" { print $2 }' "$tmp/out" | sort -u | wc -l)
[ $rc = 0 ] && ! has "$tmp/out" FAIL && has "$tmp/out" " 0 failed, 0 errors" &&
    [ "$tested" = "$npacks" ]
ok $? "policy test on the shipped fixtures: all pass, $tested of $npacks packs ($rc)"

mkdir "$tmp/wrong" "$tmp/typo"
cat >"$tmp/wrong/baseline.yaml" <<'YAML'
policy_pack: cavra-ai-agent-baseline
cases:
  - name: pytest runs
    action: {action_type: execute_command, target: pytest -q}
    expect: {decision: allow, rule_id: commands.allow}
  - name: dotenv is readable
    action: {action_type: read_file, target: .env}
    expect: {decision: allow}
YAML
cv policy test "$tmp/wrong"
[ $rc = 1 ] && grep -q '^FAIL .*dotenv is readable.*(got block' "$tmp/out" &&
    grep -q '^PASS .*pytest runs' "$tmp/out" && has "$tmp/out" "1 passed, 1 failed"
ok $? "policy test on a wrong expectation: status 1, the case named FAIL ($rc)"
cat >"$tmp/typo/baseline.json" <<'JSON'
{"policy_pack": "cavra-ai-agent-baseline", "cases": [{"name": "typo",
 "action": {"action_type": "read_file", "traget": ".env"},
 "expect": {"decision": "block"}}]}
JSON
cv policy test "$tmp/typo"
[ $rc = 4 ] && has "$tmp/err" 'unknown key "traget"' && has "$tmp/err" "typo"
ok $? "policy test on a misspelt key: status 4, the key named ($rc)"
# A pack of its own in a writable root named by -d.
mkdir -p "$tmp/pd/team-pack" "$tmp/team"
printf 'metadata: {id: team-pack, title: T, description: D, version: "1"}\ncommands:\n  allow: ["make check*"]\n' \
    >"$tmp/pd/team-pack/policy.yaml"
printf 'policy_pack: team-pack\ncases:\n  - name: make check runs\n    action: {action_type: execute_command, target: make check -j2}\n    expect: {decision: allow, rule_id: commands.allow}\n' \
    >"$tmp/team/team.yaml"
cv policy test -d "$tmp/pd" "$tmp/team"
[ $rc = 0 ] && grep -q '^PASS  team-pack .*make check runs' "$tmp/out"
ok $? "policy test -d: a pack of the given writable root ($rc)"
cv evaluate -d "$tmp/pd" -p team-pack execute_command "make check"
[ $rc = 0 ] && [ "$(jq -r .policy_pack "$tmp/out")" = team-pack ]
ok $? "evaluate -d: a pack of the given writable root ($rc)"
cv policy test "$tmp/empty-nothing"
[ $rc = 4 ] && [ -s "$tmp/err" ]
ok $? "policy test on a missing directory: status 4 ($rc)"

# A stack whose API needs a bearer token: one of role agent for the
# decisions, one of role reader to list them.
token=cli-test-token-$$
reader=cli-test-reader-$$
sum=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
rsum=$(printf %s "$reader" | sha256sum | cut -d' ' -f1)
printf '{"tokens":[{"name":"cli","sha256":"%s","role":"agent"},{"name":"reader","sha256":"%s","role":"reader"}]}\n' \
    "$sum" "$rsum" >"$tmp/access.json"
stack_start CAVRA_API_ACCESS_FILE="$tmp/access.json"
ok $st "the stack starts"

cv evaluate --url "$url" read_file .env
[ $rc = 4 ] && has "$tmp/err" "HTTP 401"
ok $? "evaluate --url without CAVRA_TOKEN: 401, status 4 ($rc)"
export CAVRA_TOKEN="$token"
cv evaluate --url "$url" read_file .env
[ $rc = 1 ] && same_as "$tmp/local-block"
ok $? "evaluate --url read_file .env: the in-process decision, status 1 ($rc)"
cv evaluate --url "$url/" execute_command "terraform plan -out=plan.bin"
[ $rc = 0 ] && same_as "$tmp/local-allow"
ok $? "evaluate --url 'terraform plan': the in-process decision, status 0 ($rc)"
CAVRA_URL=$url cv evaluate -r write_file iam/admin-role.tf \
    --session-id s-cli --agent-id cli-test --repository payments/api
[ $rc = 2 ] && same_as "$tmp/local-approval" &&
    [ "$(jq -r .repository "$tmp/out")" = payments/api ]
ok $? "evaluate -r with CAVRA_URL: the in-process approval, status 2 ($rc)"
curl -sS -m 10 -H "Authorization: Bearer $reader" \
    "$url/decisions?session_id=s-cli" >"$tmp/list" 2>&1
[ "$(jq -r '.total' "$tmp/list")" = 1 ] &&
    [ "$(jq -r '.items[0].decision' "$tmp/list")" = require_approval ]
ok $? "the API stored the decision it made for evaluate -r"
cv evaluate --url "$url" -p no-such-pack read_file README.md
[ $rc = 4 ] && has "$tmp/err" "HTTP 404"
ok $? "evaluate --url with an unknown pack: HTTP 404, status 4 ($rc)"

# An answer longer than the command reads (CV_CLI_ANSWER_MAX): endless.
recv=$top_builddir/tests/http-recv
"$recv" -p "$tmp/recv.port" -l "$tmp/recv.log" -B 2>"$tmp/recv.err" &
rpid=$!
i=0
while [ ! -s "$tmp/recv.port" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
cv evaluate --url "http://127.0.0.1:$(cat "$tmp/recv.port" 2>/dev/null)" \
    read_file .env
kill "$rpid" 2>/dev/null
wait "$rpid" 2>/dev/null
[ $rc = 4 ] && has "$tmp/err" "the answer is longer than"
ok $? "an endless answer: stopped, status 4 ($rc)"

stack_stop
cv evaluate --url "$url" read_file .env
[ $rc = 5 ] && [ ! -s "$tmp/out" ] && has "$tmp/err" "cannot reach the API"
ok $? "evaluate --url with the API down: status 5 ($rc)"
CAVRA_URL=$url cv evaluate --remote read_file .env
[ $rc = 5 ]
ok $? "evaluate --remote at CAVRA_URL with the API down: status 5 ($rc)"
exit 0
