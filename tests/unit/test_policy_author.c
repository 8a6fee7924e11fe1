/*
 * Unit tests of policy authoring (lib/policy_author.c): building a draft,
 * the schema check and its messages, the diff and risk of a publish, the
 * content digest, the YAML writer (read back by the pack loader), and the
 * signed write-back.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cv_arena.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_policy.h"
#include "cv_policy_author.h"
#include "cv_util.h"
#include "policy_int.h"

static struct json_object *
parse(const char *text)
{
	struct json_object	*o;
	char			 err[128];

	cr_assert_eq(cv_json_parse(text, strlen(text), CV_JSON_DEPTH_MAX, &o,
	    err, sizeof(err)), CV_OK, "%s: %s", text, err);
	return o;
}

static struct json_object *
build(const char *body)
{
	struct json_object	*b, *p;
	char			 err[128];

	b = parse(body);
	cr_assert_eq(cv_draft_build(b, "2025.01.02", &p, err, sizeof(err)),
	    CV_OK, "%s", err);
	json_object_put(b);
	return p;
}

static const char *
plain(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/* Asserts that the strings of arr are exactly want (NULL-terminated). */
static void
expect_strings(struct json_object *arr, const char *const *want)
{
	size_t	 i;

	for (i = 0; want[i] != NULL; i++) {
		cr_assert_lt(i, json_object_array_length(arr), "missing %s "
		    "in %s", want[i], plain(arr));
		cr_expect_str_eq(json_object_get_string(
		    json_object_array_get_idx(arr, i)), want[i]);
	}
	cr_expect_eq(json_object_array_length(arr), i, "%s", plain(arr));
}

/* ---- building a draft --------------------------------------------- */

Test(draft, build)
{
	struct json_object	*b, *p, *md;
	char			 err[128];

	/* id, title and description are required (empty counts as
	 * missing) */
	b = parse("{\"id\":\"cavra-x\",\"title\":\"T\",\"description\":\"\"}");
	cr_expect_eq(cv_draft_build(b, "2025.01.02", &p, err, sizeof(err)),
	    CV_EINVAL);
	cr_expect_str_eq(err, "policy draft requires id, title, and "
	    "description");
	cr_expect_null(p);
	json_object_put(b);

	/* metadata wins over the top level; values made strings; version
	 * defaults to the day; sections that are not objects dropped */
	p = build("{\"metadata\":{\"id\":\"cavra-m\",\"title\":5,"
	    "\"mode\":\"strict_regulated\"},\"id\":\"cavra-top\","
	    "\"description\":true,\"inherits\":[\"cavra-ai-agent-baseline\"],"
	    "\"commands\":{\"block\":[\"rm\"]},\"git\":[1],\"evidence\":{},"
	    "\"other\":{\"x\":1}}");
	cr_expect_str_eq(plain(p), "{\"metadata\":{\"id\":\"cavra-m\","
	    "\"title\":\"5\",\"description\":\"True\",\"version\":"
	    "\"2025.01.02\",\"inherits\":[\"cavra-ai-agent-baseline\"],"
	    "\"mode\":\"strict_regulated\"},\"commands\":{\"block\":[\"rm\"]},"
	    "\"evidence\":{}}");
	json_object_put(p);

	/* metadata's own key wins even when null; falsy inherits and mode
	 * are left out */
	p = build("{\"metadata\":{\"id\":\"cavra-n\",\"inherits\":null,"
	    "\"version\":\"1\"},\"inherits\":\"cavra-x\",\"mode\":\"\","
	    "\"title\":\"T\",\"description\":\"D\"}");
	md = json_object_object_get(p, "metadata");
	cr_expect_not(json_object_object_get_ex(md, "inherits", NULL));
	cr_expect_not(json_object_object_get_ex(md, "mode", NULL));
	cr_expect_str_eq(json_object_get_string(json_object_object_get(md,
	    "version")), "1");
	json_object_put(p);
}

/* ---- the schema check --------------------------------------------- */

Test(schema, valid_drafts)
{
	struct json_object	*p, *e;

	p = build("{\"id\":\"cavra-ok-1\",\"title\":\"T\",\"description\":"
	    "\"D\",\"inherits\":[\"cavra-a\",\"cavra-b\"],"
	    "\"mode\":\"audit_only\","
	    "\"filesystem\":{\"block_read\":[\".env\"],\"block_write\":[],"
	    "\"require_approval_write\":[\"iam/**\"]},\"commands\":{\"allow\":"
	    "[\"make\"],\"block\":[\"rm -rf /\"],\"require_approval\":[]},"
	    "\"git\":{\"require_pull_request\":true,\"extra\":\"kept\"},"
	    "\"mcp\":{\"allowlist_enabled\":false,\"allowed_servers\":[\"gh\"],"
	    "\"risk_scoring\":{\"gh\":\"critical\"},\"free\":1},"
	    "\"compliance\":{\"maps_to\":[\"SOC 2\"]},\"approvals\":{\"x\":{}},"
	    "\"evidence\":{\"y\":[1]}}");
	e = cv_draft_validate(p);
	cr_expect_eq(json_object_array_length(e), 0, "%s", plain(e));
	json_object_put(e);
	json_object_put(p);
}

Test(schema, errors_by_path)
{
	static const char *const want[] = {
		"commands.block: 'rm' is not of type 'array'",
		"compliance.maps_to: 'x' is not of type 'array'",
		"filesystem: Additional properties are not allowed ('extra', "
		    "'more' were unexpected)",
		"filesystem.block_read.1: '' should be non-empty",
		"filesystem.block_read.2: 5 is not of type 'string'",
		"git.require_pull_request: 'yes' is not of type 'boolean'",
		"mcp.allowed_servers: ['a', 'a'] has non-unique elements",
		"mcp.risk_scoring.s: 'extreme' is not one of ['low', 'medium', "
		    "'high', 'critical']",
		"metadata.id: 'Bad_Id' does not match '^cavra-[a-z0-9-]+$'",
		"metadata.inherits: ['a', 'a'] is not valid under any of the "
		    "given schemas",
		"metadata.mode: {'a': [True, None, 1.5]} is not one of "
		    "['audit_only', 'enforce', 'strict_regulated', "
		    "'break_glass']",
		NULL
	};
	struct json_object	*p, *e;

	p = build("{\"metadata\":{\"id\":\"Bad_Id\",\"title\":\"T\","
	    "\"description\":\"D\",\"mode\":{\"a\":[true,null,1.5]},"
	    "\"inherits\":[\"a\",\"a\"]},"
	    "\"mcp\":{\"risk_scoring\":{\"ok\":\"low\",\"s\":\"extreme\"},"
	    "\"allowed_servers\":[\"a\",\"a\"]},"
	    "\"filesystem\":{\"more\":0,\"block_read\":[\"x\",\"\",5],"
	    "\"extra\":1},\"commands\":{\"block\":\"rm\"},"
	    "\"git\":{\"require_pull_request\":\"yes\"},"
	    "\"compliance\":{\"maps_to\":\"x\"}}");
	e = cv_draft_validate(p);
	expect_strings(e, want);
	json_object_put(e);
	json_object_put(p);
}

/* The id pattern: lower-case letters, digits and dashes after "cavra-",
 * nothing else (not even a final newline). */
Test(schema, ids)
{
	static const char *const good[] = { "cavra-a", "cavra-0-x--y",
	    NULL };
	static const char *const bad[] = { "cavra-", "cavra-A", "cavra-a b",
	    "cavra-a\\n", "cavra-../x", "xcavra-a", "cavra_a", NULL };
	struct json_object	*p, *e;
	char			 body[256];
	size_t			 i;

	for (i = 0; good[i] != NULL; i++) {
		snprintf(body, sizeof(body), "{\"id\":\"%s\",\"title\":\"T\","
		    "\"description\":\"D\"}", good[i]);
		p = build(body);
		e = cv_draft_validate(p);
		cr_expect_eq(json_object_array_length(e), 0, "%s: %s", good[i],
		    plain(e));
		json_object_put(e);
		json_object_put(p);
	}
	for (i = 0; bad[i] != NULL; i++) {
		snprintf(body, sizeof(body), "{\"id\":\"%s\",\"title\":\"T\","
		    "\"description\":\"D\"}", bad[i]);
		p = build(body);
		e = cv_draft_validate(p);
		cr_expect_eq(json_object_array_length(e), 1, "%s: %s", bad[i],
		    plain(e));
		cr_expect(strstr(json_object_get_string(
		    json_object_array_get_idx(e, 0)), "metadata.id: ") != NULL);
		json_object_put(e);
		json_object_put(p);
	}
}

Test(schema, not_an_object)
{
	struct json_object	*p, *e;

	p = json_object_new_array();
	e = cv_draft_validate(p);
	cr_expect_str_eq(plain(e), "[\"<root>: [] is not of type 'object'\"]");
	json_object_put(e);
	json_object_put(p);
	p = parse("{\"filesystem\":{}}");
	e = cv_draft_validate(p);
	cr_expect_str_eq(plain(e),
	    "[\"<root>: 'metadata' is a required property\"]");
	json_object_put(e);
	json_object_put(p);
}

/* ---- diff and risk ------------------------------------------------ */

#define CUR	"{\"metadata\":{\"id\":\"cavra-d\",\"title\":\"T\","	\
	"\"description\":\"D\",\"version\":\"1\"},"	\
	"\"filesystem\":{\"block_read\":[\"b\",\"a\"]},"	\
	"\"commands\":{\"block\":[\"rm\"]},"	\
	"\"git\":{\"require_pull_request\":1}}"

static void
expect_diff(const char *next, const char *want_diff, const char *risk)
{
	struct json_object	*c, *n, *d;

	c = parse(CUR);
	n = parse(next);
	d = cv_draft_diff(c, n);
	cr_expect_str_eq(plain(d), want_diff, "%s", next);
	cr_expect_str_eq(cv_draft_risk(c, d), risk, "%s", next);
	json_object_put(d);
	json_object_put(c);
	json_object_put(n);
}

Test(diff, cases)
{
	struct json_object	*n, *d;

	/* the same pack: list order and 1 == true do not count */
	expect_diff("{\"metadata\":{\"id\":\"cavra-d\",\"title\":\"T\","
	    "\"description\":\"D\",\"version\":\"1\"},"
	    "\"filesystem\":{\"block_read\":[\"a\",\"b\"]},"
	    "\"commands\":{\"block\":[\"rm\"]},"
	    "\"git\":{\"require_pull_request\":true}}",
	    "{\"added\":[],\"removed\":[],\"changed\":[]}", "low");
	/* a changed list and title: medium */
	expect_diff("{\"metadata\":{\"id\":\"cavra-d\",\"title\":\"T2\","
	    "\"description\":\"D\",\"version\":\"1\"},"
	    "\"filesystem\":{\"block_read\":[\"a\",\"b\",\"c\"]},"
	    "\"commands\":{\"block\":[\"rm\"]},"
	    "\"git\":{\"require_pull_request\":true}}",
	    "{\"added\":[],\"removed\":[],\"changed\":[\"filesystem."
	    "block_read\",\"metadata.title\"]}", "medium");
	/* an added key under git or mcp: high */
	expect_diff("{\"metadata\":{\"id\":\"cavra-d\",\"title\":\"T\","
	    "\"description\":\"D\",\"version\":\"1\"},"
	    "\"filesystem\":{\"block_read\":[\"a\",\"b\"]},"
	    "\"commands\":{\"block\":[\"rm\"],\"allow\":[\"make\"]},"
	    "\"git\":{\"require_pull_request\":true,"
	    "\"require_human_reviewer\":true},\"mcp\":{\"allowed_servers\":"
	    "[\"gh\"]}}",
	    "{\"added\":[\"commands.allow\",\"git.require_human_reviewer\","
	    "\"mcp.allowed_servers\"],\"removed\":[],\"changed\":[]}",
	    "high");
	/* anything removed: critical */
	expect_diff("{\"metadata\":{\"id\":\"cavra-d\",\"title\":\"T\","
	    "\"description\":\"D\",\"version\":\"1\"},"
	    "\"filesystem\":{\"block_read\":[\"a\",\"b\"]},"
	    "\"git\":{\"require_pull_request\":true}}",
	    "{\"added\":[],\"removed\":[\"commands.block\"],\"changed\":[]}",
	    "critical");
	/* a create: no diff, high */
	n = parse(CUR);
	d = cv_draft_diff(NULL, n);
	cr_expect_str_eq(plain(d), "{\"added\":[],\"removed\":[],"
	    "\"changed\":[]}");
	cr_expect_str_eq(cv_draft_risk(NULL, d), "high");
	json_object_put(d);
	json_object_put(n);
}

/* ---- digest ------------------------------------------------------- */

/* A fixed draft has a known digest: SHA-256 of its canonical JSON
 * (sorted keys, compact, non-ASCII escaped), as the reference computes
 * it. */
Test(digest, known)
{
	struct json_object	*p;
	struct cv_arena		 ar;

	cv_arena_init(&ar);
	p = build("{\"metadata\":{\"id\":\"cavra-digest-test\",\"title\":"
	    "\"Caf\\u00e9 rules\",\"description\":\"Fixed draft\",\"version\":"
	    "\"2025.01.02\",\"mode\":\"enforce\"},\"mcp\":{\"risk_scoring\":"
	    "{\"github\":\"high\"},\"allowed_servers\":[\"github-mcp\"]},"
	    "\"commands\":{\"block\":[\"rm -rf /\",\"terraform apply\"],"
	    "\"allow\":[\"make test\"]},\"git\":{\"require_pull_request\":"
	    "true}}");
	cr_expect_str_eq(cv_draft_digest(&ar, p), "sha256:5a3b981586782095"
	    "3031e2f91b4f95f9eb620aee33d4c4bc3fb34a886eaf2d27");
	json_object_put(p);
	cv_arena_free(&ar);
}

/* ---- YAML writer -------------------------------------------------- */

Test(yaml, block_sorted)
{
	struct cv_text		 t = { 0 };
	struct json_object	*p;

	p = parse("{\"metadata\":{\"title\":\"T\",\"id\":\"cavra-x\","
	    "\"version\":\"2025.01.02\"},\"commands\":{\"block\":[\"rm -rf /\","
	    "\"a: b\"],\"allow\":[]},\"git\":{\"require_pull_request\":true}}");
	cr_assert_eq(cv_policy_yaml(p, &t), 0);
	cr_expect_str_eq(t.p, "commands:\n  allow: []\n  block:\n  - rm -rf /\n"
	    "  - 'a: b'\ngit:\n  require_pull_request: true\nmetadata:\n"
	    "  id: cavra-x\n  title: T\n  version: '2025.01.02'\n");
	free(t.p);
	json_object_put(p);
}

/* What is written reads back, through the pack loader, as the same
 * JSON: strings that look like other types stay strings. */
Test(yaml, round_trip)
{
	static const char *const docs[] = {
		"{\"metadata\":{\"id\":\"cavra-rt\",\"title\":\"true\","
		"\"description\":\"123\",\"version\":\"1.5\"}}",
		"{\"s\":[\"\",\"~\",\"null\",\"No\",\"ON\",\"0x1F\",\"010\","
		"\"-1\",\".inf\",\"1e5\",\"=\",\"<<\",\"*glob\",\"&a\",\"!t\","
		"\"- dash\",\"# hash\",\"a: b\",\"a #b\",\"[x]\",\"{y}\","
		"\"%p\",\"@q\",\"`r\",\"|s\",\">t\",\"'u'\",\"\\\"v\\\"\","
		"\"multi\\nline\",\"tab\\there\",\"trailing \",\" leading\","
		"\"caf\\u00e9 \\u2603\",\"nul\\u0000byte\",\"bell\\u0007\","
		"\"**/.env\",\"rm -rf /\",\"?\",\"? x\",\"-\",\":\"]}",
		"{\"n\":[0,-2,9223372036854775807,1.5,-0.25,1e20,1e-7,"
		"100.0,true,false,null],\"e\":{},\"a\":[],\"deep\":{\"x\":"
		"[{\"y\":[[]]},{}]},\"true\":\"key\",\"123\":\"num key\","
		"\"a: b\":\"colon key\",\"\":\"empty key\"}",
		NULL
	};
	struct cv_text		 t = { 0 };
	struct json_object	*p, *back;
	char			 err[256];
	size_t			 i;

	for (i = 0; docs[i] != NULL; i++) {
		p = parse(docs[i]);
		t.len = 0;
		cr_assert_eq(cv_policy_yaml(p, &t), 0, "%s", docs[i]);
		cr_assert_eq(cv_yaml_parse(t.p, t.len, &back, err,
		    sizeof(err)), 0, "%s\n%s", err, t.p);
		cr_expect(json_object_equal(p, back), "%s\nbecame\n%s\nvia\n%s",
		    plain(p), plain(back), t.p);
		json_object_put(back);
		json_object_put(p);
	}
	free(t.p);
}

/* ---- write-back and signature ------------------------------------- */

static char	 root[128];

static void
root_setup(void)
{
	char	 base[64];

	snprintf(base, sizeof(base), "/tmp/cv-author-XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	/* nested and missing: created on publish */
	snprintf(root, sizeof(root), "%s/a/policies", base);
	setenv("CAVRA_POLICY_DIR", root, 1);
	setenv("CAVRA_BUNDLED_POLICY_DIR", "/nonexistent/cavra-bundled", 1);
}

static void
root_teardown(void)
{
	char	 cmd[256];

	cv_policy_cache_clear();
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strstr(root,
	    "/a/policies") - root), root);
	(void)system(cmd);
}

static char *
slurp(const char *path, size_t *len)
{
	struct stat	 st;
	char		*buf;

	cr_assert_eq(cv_policy_slurp(path, &buf, len, &st), 0, "%s", path);
	return buf;
}

static void
spit(const char *path, const char *text)
{
	FILE	*f;

	cr_assert_not_null(f = fopen(path, "w"), "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* base64 of HMAC-SHA256(key, data), computed here with OpenSSL. */
static void
hmac_b64(const char *key, const char *data, size_t len, char *out)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;

	cr_assert_not_null(HMAC(EVP_sha256(), key, (int)strlen(key),
	    (const unsigned char *)data, len, mac, &n));
	EVP_EncodeBlock((unsigned char *)out, mac, (int)n);
}

/* "sha256:" and the hex SHA-256 of data, computed here with OpenSSL. */
static void
sha256_hex(const char *data, size_t len, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	cr_assert(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL));
	strcpy(out, "sha256:");
	for (i = 0; i < n; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}

Test(publish, signed_write_back, .init = root_setup, .fini = root_teardown)
{
	static const char *const modes_ok[] = { "HS256", "SHA256" };
	struct cv_published	 pub;
	struct cv_arena		 ar;
	struct json_object	*p, *sig, *back;
	const struct cv_pack	*pk;
	struct stat		 st;
	mode_t			 mask;
	const char		*msg, *key;
	char			 err[256], want[256], hex[80];
	char			*text, *stext;
	size_t			 len, slen, k;

	cv_arena_init(&ar);
	p = build("{\"id\":\"cavra-pub\",\"title\":\"Pub\",\"description\":"
	    "\"D\",\"commands\":{\"allow\":[\"make pub\"]}}");
	for (k = 0; k < 2; k++) {
		key = k == 0 ? "s3cret" : NULL;
		cr_assert_eq(cv_policy_publish(&ar, root, "cavra-pub", p,
		    "alice", key, &pub, err, sizeof(err)), CV_OK, "%s", err);
		cr_expect_str_eq(pub.algorithm, modes_ok[k]);
		cr_expect(pub.verified, "%s", pub.message);
		snprintf(want, sizeof(want), "verified %s signature",
		    modes_ok[k]);
		cr_expect_str_eq(pub.message, want);
		cr_expect_eq(pub.policy_path[0], '/');
		cr_expect(strstr(pub.policy_path, "/a/policies/cavra-pub/"
		    "policy.yaml") != NULL, "%s", pub.policy_path);

		/* the signature file, checked independently */
		text = slurp(pub.policy_path, &len);
		stext = slurp(pub.sig_path, &slen);
		cr_expect_eq(stext[slen - 1], '\n');
		snprintf(want, sizeof(want), "{\n  \"schema_version\": "
		    "\"cavra.policy-signature.v1\",\n  \"algorithm\": \"%s\",\n"
		    "  \"digest\": ", modes_ok[k]);
		cr_expect(strncmp(stext, want, strlen(want)) == 0, "%s", stext);
		sig = parse(stext);
		sha256_hex(text, len, hex);
		cr_expect_str_eq(json_object_get_string(json_object_object_get(
		    sig, "digest")), hex);
		hmac_b64(key != NULL ? key : hex + 7, text, len, want);
		cr_expect_str_eq(json_object_get_string(json_object_object_get(
		    sig, "signature")), want);
		cr_expect_str_eq(json_object_get_string(json_object_object_get(
		    sig, "signer")), "alice");
		cr_expect_str_eq(json_object_get_string(json_object_object_get(
		    sig, "policy_file")), "policy.yaml");
		json_object_put(sig);

		/* the pack reads back as the draft and is served */
		cr_assert_eq(cv_yaml_parse(text, len, &back, err, sizeof(err)),
		    0, "%s", err);
		cr_expect(json_object_equal(back, p));
		json_object_put(back);
		cr_assert_eq(cv_policy_get("cavra-pub", &pk, err, sizeof(err)),
		    CV_OK, "%s", err);
		free(stext);
		free(text);
	}
	snprintf(want, sizeof(want), "%s/cavra-pub", root);
	cr_assert_eq(stat(want, &st), 0);
	mask = umask(022);
	umask(mask);
	cr_expect_eq(st.st_mode & 0777, 0750 & ~mask);
	cr_assert_eq(stat(root, &st), 0);
	cr_expect_eq(st.st_mode & 07, 0, "the root is not world-readable");

	/* verification failures */
	cr_expect_not(cv_policy_sig_verify(&ar, pub.policy_path, pub.sig_path,
	    "s3cret", &msg));
	cr_expect(strstr(msg, "not HS256") != NULL, "%s", msg);
	cr_assert_eq(cv_policy_publish(&ar, root, "cavra-pub", p, "alice",
	    "s3cret", &pub, err, sizeof(err)), CV_OK, "%s", err);
	cr_expect_not(cv_policy_sig_verify(&ar, pub.policy_path, pub.sig_path,
	    "other", &msg));
	cr_expect_str_eq(msg, "HMAC signature mismatch");
	cr_expect_not(cv_policy_sig_verify(&ar, pub.policy_path, pub.sig_path,
	    NULL, &msg));
	text = slurp(pub.policy_path, &len);
	text[len - 2] = text[len - 2] == 'x' ? 'y' : 'x';
	spit(pub.policy_path, text);
	free(text);
	cr_expect_not(cv_policy_sig_verify(&ar, pub.policy_path, pub.sig_path,
	    "s3cret", &msg));
	cr_expect_str_eq(msg, "policy digest mismatch");

	json_object_put(p);
	cv_arena_free(&ar);
}

/* Ids that cannot name a directory of the root are refused, and nothing
 * is created. */
Test(publish, unsafe_ids, .init = root_setup, .fini = root_teardown)
{
	static const char *const bad[] = { "", ".", "..", "../x", "a/b",
	    "/etc", NULL };
	struct cv_published	 pub;
	struct cv_arena		 ar;
	struct json_object	*p;
	struct stat		 st;
	char			 err[256], id[CV_POLICY_ID_MAX + 2];
	size_t			 i;

	cv_arena_init(&ar);
	p = build("{\"id\":\"cavra-x\",\"title\":\"T\",\"description\":\"D\"}");
	for (i = 0; bad[i] != NULL; i++) {
		cr_expect_not(cv_draft_id_safe(bad[i], strlen(bad[i])));
		cr_expect_eq(cv_policy_publish(&ar, root, bad[i], p, "a", NULL,
		    &pub, err, sizeof(err)), CV_EINVAL, "%s", bad[i]);
		cr_expect_str_eq(err, "policy id is not safe for write-back");
	}
	cr_expect_not(cv_draft_id_safe("a\0b", 3));
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	cr_expect_not(cv_draft_id_safe(id, strlen(id)));
	id[CV_POLICY_ID_MAX] = '\0';
	cr_expect(cv_draft_id_safe(id, CV_POLICY_ID_MAX));
	cr_expect(cv_draft_id_safe("cavra-ok", 8));
	cr_expect_eq(stat(root, &st), -1, "nothing was created");
	json_object_put(p);
	cv_arena_free(&ar);
}

/* A policy the pack reader would not take back (nested deeper than it
 * reads) is refused before anything is written. */
Test(publish, must_read_back, .init = root_setup, .fini = root_teardown)
{
	struct cv_published	 pub;
	struct cv_arena		 ar;
	struct json_object	*p, *o, *inner;
	struct stat		 st;
	char			 err[256];
	int			 i;

	cv_arena_init(&ar);
	p = build("{\"id\":\"cavra-deep\",\"title\":\"T\",\"description\":"
	    "\"D\"}");
	inner = json_object_new_array();
	for (i = 0; i < CV_YAML_DEPTH_MAX + 2; i++) {
		o = json_object_new_array();
		json_object_array_add(o, inner);
		inner = o;
	}
	o = json_object_new_object();
	json_object_object_add(o, "deep", inner);
	json_object_object_add(p, "evidence", o);
	cr_expect_eq(cv_policy_publish(&ar, root, "cavra-deep", p, "a", NULL,
	    &pub, err, sizeof(err)), CV_EINVAL);
	cr_expect(strstr(err, "cannot be read back as a pack") != NULL, "%s",
	    err);
	cr_expect_eq(stat(root, &st), -1, "nothing was created");
	json_object_put(p);
	cv_arena_free(&ar);
}

/* Uniqueness of a long list is checked in linear time. */
Test(schema, long_lists, .timeout = 10.0)
{
	struct json_object	*p, *list, *e;
	char			 item[32];
	int			 i;

	p = build("{\"id\":\"cavra-long\",\"title\":\"T\",\"description\":"
	    "\"D\",\"commands\":{\"allow\":[]}}");
	list = json_object_object_get(json_object_object_get(p, "commands"),
	    "allow");
	for (i = 0; i < 100000; i++) {
		snprintf(item, sizeof(item), "make target-%d", i);
		json_object_array_add(list, json_object_new_string(item));
	}
	e = cv_draft_validate(p);
	cr_expect_eq(json_object_array_length(e), 0);
	json_object_put(e);
	json_object_array_add(list, json_object_new_string("make target-7"));
	e = cv_draft_validate(p);
	cr_expect_eq(json_object_array_length(e), 1);
	json_object_put(e);
	/* numbers compare by value, booleans apart from them */
	json_object_put(p);
	p = build("{\"id\":\"cavra-n\",\"title\":\"T\",\"description\":\"D\","
	    "\"mcp\":{\"allowed_servers\":[1,true,\"1\",null]},"
	    "\"compliance\":{\"maps_to\":[1,1.0]}}");
	e = cv_draft_validate(p);
	cr_expect_str_eq(plain(e), "[\"compliance.maps_to: [1, 1.0] has "
	    "non-unique elements\",\"compliance.maps_to.0: 1 is not of type "
	    "'string'\",\"compliance.maps_to.1: 1.0 is not of type "
	    "'string'\",\"mcp.allowed_servers.0: 1 is not of type 'string'\","
	    "\"mcp.allowed_servers.1: True is not of type 'string'\","
	    "\"mcp.allowed_servers.3: None is not of type 'string'\"]");
	json_object_put(e);
	json_object_put(p);
}
