#!/bin/sh
# TAP: cavra evidence index (cavra(1)).
#  - on the sample bundle tests/evidence-bundle the record has the
#    bundle's session_id, signer, manifest signature and retention, and
#    the counts of its 7 decisions (3 blocked, 3 approval, 2 approved of
#    which 1 break glass, 1 denied);
#  - a directory that is not a bundle (no manifest.json, no
#    evidence.json, a manifest of another schema) is refused, status 4,
#    with a message;
#  - --post URL stores the record: GET /evidence/<session_id> answers it;
#    a stack that is down is status 5.
# cavra ops backup / restore, for JSON stores and for SQLite stores:
#  - a stack fills all six stores (POSTs to each area), is stopped, and
#    its stores are backed up; the manifest's record counts are those of
#    the stores;
#  - the stores are wiped and restored: every record of every collection
#    is the same as before (read from the store files), and the restarted
#    stack answers them;
#  - restore over existing stores without --force is refused (status 4);
#    with --force it restores;
#  - a backup whose copy was changed (sha256 mismatch) is refused before
#    any store is written.
set -u
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/cli-stack.sh"
bundle=$top_srcdir/tests/evidence-bundle
export CAVRA_BUNDLED_POLICY_DIR="$top_srcdir/policies"
unset CAVRA_URL CAVRA_TOKEN

tap_diag() {
	sed 's/^/# /' "$tmp/out" "$tmp/err" 2>/dev/null
}

# field KEY: the compact JSON of .KEY in $tmp/out.
field() {
	jq -c ".$1" "$tmp/out" 2>/dev/null
}

echo "1..28"

cv evidence index --help
[ $rc = 0 ] && grep -q "usage: cavra evidence index" "$tmp/out"
ok $? "cavra evidence index --help: status 0 ($rc)"

cv evidence index "$bundle"
[ $rc = 0 ] &&
    [ "$(field session_id)" = '"sess-bundle-ops-1"' ] &&
    [ "$(field bundle_dir)" = "\"$bundle\"" ] &&
    [ "$(field created_at)" = '"2026-12-01T10:00:00Z"' ] &&
    [ "$(field schema_version)" = '"cavra.evidence.metadata.v1"' ]
ok $? "evidence index: session, bundle_dir, created_at ($rc)"
[ "$(field decision_count)" = 7 ] && [ "$(field blocked_count)" = 3 ] &&
    [ "$(field approval_required_count)" = 3 ]
ok $? "evidence index: 7 decisions, 3 blocked, 3 require approval"
[ "$(field approved_count)" = 2 ] && [ "$(field denied_count)" = 1 ] &&
    [ "$(field break_glass_count)" = 1 ] &&
    [ "$(field 'approval_outcomes|map(.approval_id)')" = \
    '["apr_1","apr_2","apr_3"]' ]
ok $? "evidence index: approval outcomes 2 approved (1 break glass), 1 denied"
sig=$(jq -c .signature "$bundle/manifest.json")
[ "$(field signer)" = '"release-bot"' ] &&
    [ "$(field manifest_signature)" = "$sig" ] &&
    [ "$(field retention.retention_days)" = 2555 ]
ok $? "evidence index: signer, manifest signature, retention"

mkdir -p "$tmp/nob"
cp "$bundle/evidence.json" "$tmp/nob/"
cv evidence index "$tmp/nob"
[ $rc = 4 ] && grep -q "is not an evidence bundle: manifest.json" \
    "$tmp/err" && [ ! -s "$tmp/out" ]
ok $? "a directory without manifest.json is refused ($rc)"
rm "$tmp/nob/evidence.json"
cp "$bundle/manifest.json" "$tmp/nob/"
cv evidence index "$tmp/nob"
[ $rc = 4 ] && grep -q "is not an evidence bundle: evidence.json" "$tmp/err"
ok $? "a directory without evidence.json is refused ($rc)"
cp "$bundle/evidence.json" "$tmp/nob/"
jq '.schema_version="cavra.persistent_api.backup.v1"' \
    "$bundle/manifest.json" >"$tmp/nob/manifest.json"
cv evidence index "$tmp/nob"
[ $rc = 4 ] && grep -q "not cavra.evidence.bundle.v1" "$tmp/err"
ok $? "a manifest of another schema is refused ($rc)"
cv evidence index "$bundle/evidence.json"
[ $rc = 4 ] && grep -q "not a directory" "$tmp/err"
ok $? "a file is refused ($rc)"

stack_start
ok $st "the stack starts"

cv evidence index --post "$url" "$bundle"
curl -sS -m 10 "$url/evidence/sess-bundle-ops-1" >"$tmp/got" 2>>"$tmp/err"
[ $rc = 0 ] && [ "$(jq -cS 'del(.schema_version,.product)' "$tmp/got")" = \
    "$(jq -cS 'del(.schema_version,.product)' "$tmp/out")" ]
ok $? "--post stores the record: GET /evidence/<session_id> ($rc)"

stack_stop
cv evidence index --post "$url" "$bundle"
[ $rc = 5 ]
ok $? "--post to a stack that is down: status 5 ($rc)"

# The stores: name, JSON file (under the run directory), SQLite file
# (under $db), then table:id_field:collection of each collection.
stores="evidence_metadata evidence-metadata.json ev.db evidence_metadata:session_id:items
approvals approvals.json ap.db approvals:approval_id:items
registry registry.json reg.db registry_agents:agent_id:agents registry_mcp_servers:server_id:mcp_servers
activity activity.json act.db activity_decisions:decision_id:decisions activity_sessions:session_id:sessions
inventory inventory.json inv.db inventory_repositories:repository_id:repositories inventory_policy_rollouts:rollout_id:policy_rollouts
integrations integrations.json int.db integrations:integration_id:integrations"

# dump MODE RUN FILE: every record of every collection of every store,
# sorted by id, one "store collection count" line and one record per
# line, into FILE.
dump() {
	: >"$3"
	echo "$stores" | while read -r name jf dbf colls; do
		for c in $colls; do
			table=${c%%:*} rest=${c#*:}
			id=${rest%%:*} coll=${rest#*:}
			if [ "$1" = sqlite ]; then
				sqlite3 "$db/$dbf" "SELECT payload FROM $table" |
				    jq -cS -s "sort_by(.$id)|.[]" >"$tmp/recs"
			else
				jq -cS ".$coll // [] | sort_by(.$id)|.[]" \
				    "$2/.cavra/api/$jf" >"$tmp/recs"
			fi
			echo "$name $coll $(wc -l <"$tmp/recs")" >>"$3"
			cat "$tmp/recs" >>"$3"
		done
	done
}

# post PATH BODY: POST to the stack; 0 when it answers 200.
post() {
	[ "$(curl -sS -m 10 -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' -d "$2" "$url$1")" = 200 ]
}

for mode in json sqlite; do
	run=$tmp/run-$mode
	db=$tmp/db-$mode
	bk=$tmp/backup-$mode
	mkdir -p "$db"
	if [ $mode = sqlite ]; then
		export CAVRA_EVIDENCE_METADATA_DB="$db/ev.db" \
		    CAVRA_APPROVAL_DB="$db/ap.db" CAVRA_REGISTRY_DB="$db/reg.db" \
		    CAVRA_ACTIVITY_DB="$db/act.db" \
		    CAVRA_INVENTORY_DB="$db/inv.db" \
		    CAVRA_INTEGRATION_DB="$db/int.db"
	fi
	stack_start
	post /decisions '{"action_type":"read_file","target":".env","session_id":"s1"}' &&
	post /decisions '{"action_type":"execute_command","target":"terraform plan","session_id":"s1"}' &&
	post /decisions '{"action_type":"write_file","target":"iam/a.tf","session_id":"s2"}' &&
	post /agents '{"agent_id":"ag1","name":"A","owner":"me"}' &&
	post /agents '{"agent_id":"ag2","name":"B","owner":"you"}' &&
	post /mcp/servers '{"server_id":"m1","name":"fs"}' &&
	post /repositories '{"repository_id":"r1","repository":"o/r","provider":"github"}' &&
	post /policy-rollouts '{"rollout_id":"ro1","repository":"o/r","policy_pack":"cavra-ai-agent-baseline"}' &&
	post /integrations '{"integration_id":"i1","provider":"slack"}' &&
	post /approvals '{"decision":{"decision_id":"d1","session_id":"s1","action_type":"write_file","target":"x"},"approver_group":"Platform Security"}' &&
	post /evidence '{"session_id":"e1","blocked_count":1}'
	ok $? "$mode: a stack fills the six stores ($st)"
	stack_stop

	dump $mode "$run" "$tmp/before"
	grep -c ' [1-9][0-9]*$' "$tmp/before" >"$tmp/n"
	[ "$(cat "$tmp/n")" = 9 ] &&
	    grep -qx "activity decisions 3" "$tmp/before"
	ok $? "$mode: every collection holds records"

	(cd "$run" && "$cavra" ops backup "$bk") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	jq -r '.stores[]|.name as $n|.records|to_entries[]|"\($n) \(.key) \(.value)"' \
	    "$bk/manifest.json" | sort >"$tmp/mcounts" 2>/dev/null
	grep -v '^[{[]' "$tmp/before" | sort >"$tmp/scounts"
	[ $rc = 0 ] && cmp -s "$tmp/mcounts" "$tmp/scounts" &&
	    [ "$(jq -r '[.stores[].kind]|unique|join(",")' "$bk/manifest.json")" = $mode ]
	ok $? "$mode: backup: manifest's kinds and record counts ($rc)"

	(cd "$run" && "$cavra" ops restore "$bk") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 4 ] && grep -q "not overwritten without --force" "$tmp/err"
	ok $? "$mode: restore over existing stores without --force is refused ($rc)"

	rm -rf "$run/.cavra" "$db"
	mkdir -p "$db"
	cp -R "$bk" "$bk-bad"
	# One byte changed, the size kept: only the sha256 tells.
	printf '~' | dd of="$bk-bad/stores/registry.$([ $mode = sqlite ] &&
	    echo db || echo json)" bs=1 seek=40 conv=notrunc 2>/dev/null
	(cd "$run" && "$cavra" ops restore --force "$bk-bad") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 4 ] && grep -q "backup checksum mismatch for registry" "$tmp/err" &&
	    [ -z "$(ls -A "$db")" ] && [ ! -e "$run/.cavra/api" ]
	ok $? "$mode: a changed copy is refused before any store is written ($rc)"

	(cd "$run" && "$cavra" ops restore "$bk") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	dump $mode "$run" "$tmp/after"
	[ $rc = 0 ] && [ "$(jq .restored_count "$tmp/out")" = 6 ] &&
	    cmp -s "$tmp/before" "$tmp/after"
	ok $? "$mode: restore after a wipe: every record is back ($rc)"

	(cd "$run" && "$cavra" ops restore --force "$bk") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	dump $mode "$run" "$tmp/after"
	[ $rc = 0 ] && cmp -s "$tmp/before" "$tmp/after"
	ok $? "$mode: restore --force over existing stores ($rc)"

	stack_start
	curl -sS -m 10 "$url/decisions?session_id=s1" >"$tmp/out" 2>"$tmp/err"
	n1=$(jq -r .total "$tmp/out" 2>/dev/null)
	curl -sS -m 10 "$url/agents/ag2" >"$tmp/out" 2>>"$tmp/err"
	a=$(jq -r .owner "$tmp/out" 2>/dev/null)
	curl -sS -m 10 "$url/evidence/e1" >"$tmp/out" 2>>"$tmp/err"
	[ "$n1" = 2 ] && [ "$a" = you ] && [ "$(jq .blocked_count "$tmp/out")" = 1 ]
	ok $? "$mode: the restarted stack answers the restored records ($n1, $a)"
	stack_stop
done

exit $failed
