#!/bin/sh
# TAP: cavra hook AGENT and cavra hook install AGENT (cavra(1) HOOKS).
#  - every recorded sample of tests/hook-samples/<agent>/<case>.json goes
#    to cavra hook <agent> against a stack on loopback whose API needs a
#    bearer token; its stdout must be <case>.out exactly (decision ids
#    written dec_X) and its exit status <case>.status;
#  - the decisions are stored with the agent's session id, the agent as
#    agent_id, the repository, paths made relative to cwd, and both the
#    whole command and the git push found inside it;
#  - the repository comes from the git remote of cwd, and a bare
#    `git push` pushes the branch checked out there;
#  - no token (401), input that is not JSON: a deny;
#  - the API down: a deny (fail closed), and no decision with --fail-open;
#  - hook install prints each agent's configuration, and --write merges
#    it, keeping the other settings, never twice, refusing a file that
#    does not parse.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/cli-stack.sh"
samples=$top_srcdir/tests/hook-samples

export CAVRA_BUNDLED_POLICY_DIR="$top_srcdir/policies"
export CAVRA_POLICY_DIR="$tmp/published"
unset CAVRA_URL CAVRA_TOKEN

tap_diag() {
	sed 's/^/# out: /' "$tmp/out" 2>/dev/null
	sed 's/^/# err: /' "$tmp/err" 2>/dev/null
	[ -f "$tmp/want" ] && sed 's/^/# want: /' "$tmp/want"
}

# hk AGENT FILE [ARGS...]: cavra hook ARGS AGENT <FILE; status in $rc,
# stdout (decision ids as dec_X) in $tmp/out, stderr in $tmp/err.
hk() {
	a=$1
	f=$2
	shift 2
	{ "$cavra" hook "$@" "$a" <"$f" 2>"$tmp/err"; echo $? >"$tmp/rc"; } |
	    sed -E 's/dec_[0-9a-f]{12}/dec_X/g' >"$tmp/out"
	rc=$(cat "$tmp/rc")
}

nsamples=$(ls "$samples"/*/*.json | wc -l)
echo "1..$((nsamples + 23))"

# A stack whose API needs a token: agent for decisions, admin to register
# the MCP servers and read the decisions back.
token=hook-test-agent-$$
admin=hook-test-admin-$$
sum=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
asum=$(printf %s "$admin" | sha256sum | cut -d' ' -f1)
printf '{"tokens":[{"name":"hook","sha256":"%s","role":"agent"},{"name":"admin","sha256":"%s","role":"admin"}]}\n' \
    "$sum" "$asum" >"$tmp/access.json"
stack_start CAVRA_API_ACCESS_FILE="$tmp/access.json"
reg() {
	curl -sS -m 10 -o /dev/null -w '%{http_code}' \
	    -H "Authorization: Bearer $admin" \
	    -H 'Content-Type: application/json' -d "$1" "$url/mcp/servers"
}
[ $st = 0 ] &&
    [ "$(reg '{"server_id":"github-mcp","trust_tier":"approved","capabilities":["repository"],"allowed_tools":["create_pull_request"]}')" = 200 ] &&
    [ "$(reg '{"server_id":"docs.python.org","trust_tier":"trusted","capabilities":["network"]}')" = 200 ]
ok $? "the stack starts; two MCP servers registered"

hk claude-code "$samples/claude-code/read.json" -u "$url"
rm -f "$tmp/want"
[ $rc = 2 ] && has "$tmp/out" '"permissionDecision":"deny"' &&
    has "$tmp/out" "answered HTTP 401"
ok $? "no CAVRA_TOKEN: the API answers 401, the hook denies ($rc)"
export CAVRA_TOKEN="$token"

for f in "$samples"/*/*.json; do
	agent=$(basename "$(dirname "$f")")
	case=$(basename "$f" .json)
	cp "${f%.json}.out" "$tmp/want"
	hk "$agent" "$f" -u "$url"
	[ "$rc" = "$(cat "${f%.json}.status")" ] && cmp -s "$tmp/out" "$tmp/want"
	ok $? "$agent $case: the exact answer, status $rc"
done
rm -f "$tmp/want"

# What the API stored.
curl -sS -m 10 -H "Authorization: Bearer $admin" \
    "$url/decisions?session_id=hk-claude&limit=100" >"$tmp/claude.json"
q() {
	jq -r "$1" "$tmp/claude.json"
}
[ "$(q '[.items[] | select(.action_type == "read_file")][0].target')" = .env ] &&
    [ "$(q '[.items[] | select(.action_type == "write_file")][0].target')" = iam/admin-role.tf ] &&
    [ "$(q '[.items[].agent_id] | unique | join(",")')" = claude-code ] &&
    [ "$(q '[.items[].repository] | unique | join(",")')" = repo ]
ok $? "stored: paths relative to cwd, agent_id claude-code, repository = cwd's base name"
[ "$(q '[.items[] | select(.target == "make && git push origin main")][0].action_type')" = execute_command ] &&
    [ "$(q '[.items[] | select(.action_type == "git_operation")][0].target')" = origin/main ]
ok $? "stored: a compound command and the git push inside it"
[ "$(q '[.items[] | select(.action_type == "mcp_tool_call" and .target == "docs.python.org:WebFetch")][0].requested_operation')" = network ]
ok $? "stored: a web fetch as an mcp_tool_call of the host, capability network"

# A git checkout: the repository from the remote, a bare push from HEAD.
w=$tmp/work
mkdir -p "$w/.git" "$w/src"
printf 'ref: refs/heads/main\n' >"$w/.git/HEAD"
printf '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/payments.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n' \
    >"$w/.git/config"
printf '{"session_id":"hk-git","cwd":"%s/src","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git push"}}\n' \
    "$w" >"$tmp/bare.json"
hk claude-code "$tmp/bare.json" -u "$url"
[ $rc = 2 ] && has "$tmp/out" "blocked git_operation origin/main"
ok $? "a bare git push on main (HEAD of cwd's repository) is denied ($rc)"
curl -sS -m 10 -H "Authorization: Bearer $admin" \
    "$url/decisions?session_id=hk-git" >"$tmp/git.json"
[ "$(jq -r '[.items[].repository] | unique | join(",")' "$tmp/git.json")" = acme/payments ]
ok $? "the repository comes from the remote origin of cwd's git config"
printf '{"session_id":"hk-git","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git push origin feature/main"}}\n' \
    "$w" >"$tmp/feature.json"
hk codex "$tmp/feature.json" -u "$url"
[ $rc = 2 ] && ! has "$tmp/out" "blocked git_operation" &&
    has "$tmp/out" "requires approval"
ok $? "a push to feature/main is not a push to main: only the command's approval ($rc)"

printf 'not json' >"$tmp/bad.json"
hk gemini "$tmp/bad.json" -u "$url"
[ $rc = 2 ] && [ "$(jq -r .decision "$tmp/out")" = deny ] &&
    has "$tmp/out" "not a JSON object"
ok $? "input that is not JSON: a deny ($rc)"

stack_stop
hk claude-code "$samples/claude-code/shell.json" -u "$url"
printf '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"CAVRA at %s cannot be reached: the tool call is denied (fail closed)"}}\n' \
    "$url" >"$tmp/want"
[ $rc = 2 ] && cmp -s "$tmp/out" "$tmp/want" && has "$tmp/err" "cannot reach"
ok $? "the API down: claude-code gets a deny (fail closed), status 2 ($rc)"
CAVRA_URL=$url hk copilot "$samples/copilot/shell.json"
printf '{"permissionDecision":"deny","permissionDecisionReason":"CAVRA at %s cannot be reached: the tool call is denied (fail closed)"}\n' \
    "$url" >"$tmp/want"
[ $rc = 2 ] && cmp -s "$tmp/out" "$tmp/want"
ok $? "the API down, URL from CAVRA_URL: copilot gets a deny ($rc)"
rm -f "$tmp/want"
hk codex "$samples/codex/push.json" -u "$url" --fail-open
[ $rc = 0 ] && [ ! -s "$tmp/out" ] && has "$tmp/err" "fail-open"
ok $? "the API down with --fail-open: no decision, status 0 ($rc)"

# hook install.
for a in claude-code gemini cursor codex copilot; do
	"$cavra" hook install "$a" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 0 ] && jq -e . "$tmp/out" >/dev/null &&
	    has "$tmp/out" "cavra hook $a"
	ok $? "hook install $a prints its JSON configuration ($rc)"
done
"$cavra" hook install claude-code >"$tmp/out"
[ "$(jq -r '.hooks.PreToolUse[0].matcher' "$tmp/out")" = \
    "Bash|PowerShell|Read|Glob|Grep|Write|Edit|MultiEdit|NotebookEdit|WebFetch|WebSearch|mcp__.*" ] &&
    [ "$(jq -r '.hooks.PreToolUse[0].hooks[0].timeout' "$tmp/out")" = 30 ]
ok $? "hook install claude-code: matcher and timeout"

s=$tmp/proj/.claude/settings.json
mkdir -p "$(dirname "$s")"
printf '{"model":"opus","hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"audit.sh"}]}],"Stop":[{"hooks":[{"type":"command","command":"done.sh"}]}]}}\n' >"$s"
"$cavra" hook install --write claude-code "$s" >"$tmp/out" 2>"$tmp/err" &&
    "$cavra" hook install -w claude-code "$s" >>"$tmp/out" 2>>"$tmp/err"
rc=$?
[ $rc = 0 ] && [ "$(jq -r .model "$s")" = opus ] &&
    [ "$(jq -r '.hooks.Stop[0].hooks[0].command' "$s")" = done.sh ] &&
    [ "$(jq -r '[.hooks.PreToolUse[].hooks[].command] | join(",")' "$s")" = \
    "audit.sh,cavra hook claude-code" ]
ok $? "install --write merges, keeps the user's settings, twice is once ($rc)"
printf '{"hooks": {"PreToolUse": [' >"$s"
cp "$s" "$tmp/before"
"$cavra" hook install --write claude-code "$s" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 4 ] && cmp -s "$s" "$tmp/before" && has "$tmp/err" "not a JSON object"
ok $? "install --write refuses a file that does not parse, leaves it ($rc)"
(cd "$tmp/proj" && "$cavra" hook install --write cursor) >"$tmp/out" 2>"$tmp/err"
rc=$?
c=$tmp/proj/.cursor/hooks.json
[ $rc = 0 ] && [ "$(jq -r .version "$c")" = 1 ] &&
    [ "$(jq -r '.hooks.beforeShellExecution[0].failClosed' "$c")" = true ]
ok $? "install --write cursor: .cursor/hooks.json made in a new directory ($rc)"

"$cavra" hook --help >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && has "$tmp/out" "usage: cavra hook"
ok $? "cavra hook --help: status 0 ($rc)"
"$cavra" hook windsurf </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] && has "$tmp/err" 'unknown agent "windsurf"'
ok $? "an unknown agent: status 3 ($rc)"
exit 0
