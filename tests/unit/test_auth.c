/*
 * Unit tests of the auth module (lib/jwt.c, lib/auth.c): OIDC
 * configuration loading, RS256 token verification against a throw-away
 * RSA key and its JWKS (tests/jwt-mint.c), the RBAC file and its rules
 * (record-contracts.md 5.5, 5.6), and actor resolution for console
 * mutations (0.8, with OIDC refusing bare actor_claims).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "cavra.h"
#include "cv_auth.h"
#include "jwt-mint.h"
#include "tmpdir.h"

#define ISS	"https://idp.example"
#define AUD	"cavra-api"

static char		 dir[512];
static struct cv_arena	 arena;

static void
setup(void)
{
	tmpdir_make(dir, sizeof(dir), "auth");
	cv_arena_init(&arena);
	unsetenv("CAVRA_APPROVAL_OIDC_CONFIG");
	unsetenv("CAVRA_APPROVAL_RBAC_FILE");
}

static void
teardown(void)
{
	cv_auth_fini();
	cv_arena_free(&arena);
	tmpdir_remove(dir);
}

TestSuite(jwt, .init = setup, .fini = teardown);
TestSuite(oidc_config, .init = setup, .fini = teardown);
TestSuite(rbac, .init = setup, .fini = teardown);
TestSuite(actor, .init = setup, .fini = teardown);

/* Writes text to dir/name; the path, in the arena. */
static char *
put(const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	path = cv_arena_printf(&arena, "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"), "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	return path;
}

/* Writes the JWKS of key (kid) to dir/jwks.json and an OIDC config
 * naming it by a relative jwks_path, with `extra` members; sets the
 * variable and loads it. */
static void
oidc_setup(EVP_PKEY *key, const char *kid, const char *extra)
{
	char	*path;

	path = cv_arena_printf(&arena, "%s/jwks.json", dir);
	cr_assert_eq(jwt_write_jwks(path, key, kid), 0);
	setenv("CAVRA_APPROVAL_OIDC_CONFIG", put("oidc.json",
	    cv_arena_printf(&arena, "{\"issuer\": \"" ISS "\", \"audience\": "
	    "\"" AUD "\", \"jwks_path\": \"jwks.json\"%s%s}",
	    extra != NULL ? ", " : "", extra != NULL ? extra : "")), 1);
	cr_assert_eq(cv_auth_init(), CV_OK);
	cr_assert(cv_oidc_configured());
}

static void
rbac_setup(const char *json)
{
	setenv("CAVRA_APPROVAL_RBAC_FILE", put("rbac.json", json), 1);
	cr_assert_eq(cv_auth_init(), CV_OK);
}

/* A payload: issuer, audience, exp and nbf relative to now, and more
 * members (or ""). */
static char *
claims_text(const char *iss, const char *aud, long exp, long nbf,
    const char *more)
{
	time_t	 now = time(NULL);

	return cv_arena_printf(&arena, "{\"iss\": \"%s\", \"aud\": %s, "
	    "\"exp\": %lld, \"nbf\": %lld%s%s}", iss, aud,
	    (long long)(now + exp), (long long)(now + nbf),
	    *more != '\0' ? ", " : "", more);
}

/* jwt_mint() into the arena. */
static char *
mint(EVP_PKEY *key, const char *kid, const char *alg, const char *payload)
{
	char	*t, *out;

	t = jwt_mint(key, kid, alg, payload);
	out = cv_arena_strdup(&arena, t);
	free(t);
	return out;
}

/* jwt_b64url() of a string, into the arena. */
static char *
b64(const char *s)
{
	char	*t, *out;

	t = jwt_b64url(s, strlen(s));
	out = cv_arena_strdup(&arena, t);
	free(t);
	return out;
}

#define GOOD_MORE	"\"email\": \"ada@example.com\", \"sub\": \"u-1\", " \
			"\"groups\": [\"IAM\", \"Developers\"], " \
			"\"repository\": \"payments/api\""

Test(jwt, valid_token_verifies_and_gives_the_actor)
{
	struct json_object	*claims = NULL;
	struct cv_actor		*a;
	EVP_PKEY		*key;
	char			 err[256] = "";
	char			*tok;

	key = jwt_key_new(2048);
	oidc_setup(key, "k1", NULL);
	/* aud as a list holding ours among others. */
	tok = mint(key, "k1", "RS256", claims_text(ISS, "[\"other\", \"" AUD
	    "\"]", 300, -10, GOOD_MORE));
	cr_assert_eq(cv_jwt_verify(tok, time(NULL), &claims, err,
	    sizeof(err)), CV_OK, "%s", err);
	cr_assert_not_null(claims);
	a = cv_actor_from_claims(&arena, claims, 1);
	json_object_put(claims);
	cr_assert_str_eq(a->actor, "ada@example.com");
	cr_assert_str_eq(a->subject, "u-1");
	cr_assert_str_eq(a->issuer, ISS);
	cr_assert_str_eq(a->repository, "payments/api");
	cr_assert_eq(a->ngroups, 2);
	cr_assert_str_eq(a->groups[0], "Developers");
	cr_assert_str_eq(a->groups[1], "IAM");
	cr_assert(a->verified);

	/* A header without kid takes the first RSA key. */
	tok = mint(key, NULL, "RS256", claims_text(ISS, "\"" AUD "\"", 300,
	    -10, ""));
	cr_assert_eq(cv_jwt_verify(tok, time(NULL), &claims, err,
	    sizeof(err)), CV_OK, "%s", err);
	json_object_put(claims);
	EVP_PKEY_free(key);
}

/*
 * Every refusal is CV_EAUTH (401) with its sentence, and no claims.  The
 * claims are checked before the signature: a token of another key with a
 * wrong issuer reports the issuer.
 */
Test(jwt, refusals_are_401_with_a_clear_message)
{
	struct json_object	*claims;
	EVP_PKEY		*key, *other;
	char			 err[256], *good, *tok, *d1, *d2, *longtok;
	const char		*hs, *hp;
	size_t			 i;
	struct {
		const char	*what;
		const char	*token;
		const char	*msg;
	} cases[48];
	size_t			 n = 0;

#define CASE(w, t, m)	do {						\
		cases[n].what = (w);					\
		cases[n].token = (t);					\
		cases[n++].msg = (m);					\
	} while (0)

	key = jwt_key_new(2048);
	other = jwt_key_new(2048);
	oidc_setup(key, "k1", NULL);
	good = claims_text(ISS, "\"" AUD "\"", 300, -10, GOOD_MORE);
	tok = mint(key, "k1", "RS256", good);
	d1 = strchr(tok, '.');
	d2 = strchr(d1 + 1, '.');
	hs = cv_arena_strndup(&arena, tok, (size_t)(d1 - tok));
	hp = cv_arena_strndup(&arena, tok, (size_t)(d2 - tok));

	CASE("alg none", mint(key, "k1", "none", good),
	    "OIDC token must use RS256");
	CASE("HS256", mint(key, "k1", "HS256", good),
	    "OIDC token must use RS256");
	CASE("no alg", cv_arena_printf(&arena, "%s.%s", b64("{\"kid\":"
	    "\"k1\"}"), d1 + 1), "OIDC token must use RS256");
	CASE("expired", mint(key, "k1", "RS256", claims_text(ISS,
	    "\"" AUD "\"", -3600, -7200, "")), "OIDC token is expired");
	CASE("not yet valid", mint(key, "k1", "RS256", claims_text(ISS,
	    "\"" AUD "\"", 7200, 3600, "")), "OIDC token is not yet valid");
	CASE("wrong issuer", mint(key, "k1", "RS256", claims_text(
	    "https://evil.example", "\"" AUD "\"", 300, -10, "")),
	    "OIDC token issuer is not trusted");
	CASE("issuer with a NUL after ours", mint(key, "k1", "RS256",
	    claims_text(ISS "\\u0000x", "\"" AUD "\"", 300, -10, "")),
	    "OIDC token issuer is not trusted");
	CASE("wrong audience", mint(key, "k1", "RS256", claims_text(ISS,
	    "\"other\"", 300, -10, "")), "OIDC token audience is not trusted");
	CASE("audience list without ours", mint(key, "k1", "RS256",
	    claims_text(ISS, "[\"a\", \"b\"]", 300, -10, "")),
	    "OIDC token audience is not trusted");
	CASE("no audience", mint(key, "k1", "RS256", cv_arena_printf(&arena,
	    "{\"iss\": \"" ISS "\", \"exp\": %lld}", (long long)time(NULL) +
	    300)), "OIDC token audience is not trusted");
	CASE("no exp", mint(key, "k1", "RS256", "{\"iss\": \"" ISS "\", "
	    "\"aud\": \"" AUD "\"}"), "OIDC token has no exp claim");
	CASE("exp not a number", mint(key, "k1", "RS256", "{\"iss\": \"" ISS
	    "\", \"aud\": \"" AUD "\", \"exp\": \"9999999999\"}"),
	    "OIDC token exp claim must be a number");
	CASE("nbf not a number", mint(key, "k1", "RS256", cv_arena_printf(
	    &arena, "{\"iss\": \"" ISS "\", \"aud\": \"" AUD "\", \"exp\": "
	    "%lld, \"nbf\": true}", (long long)time(NULL) + 300)),
	    "OIDC token nbf claim must be a number");
	CASE("unknown kid", mint(key, "k9", "RS256", good),
	    "OIDC token signing key was not found in JWKS");
	CASE("kid not a string", cv_arena_printf(&arena, "%s.%s",
	    b64("{\"alg\":\"RS256\",\"kid\":7}"), d1 + 1),
	    "OIDC token header kid must be a string");
	CASE("another key's signature", mint(other, "k1", "RS256", good),
	    "OIDC token signature is invalid");
	CASE("another key, wrong issuer: the claims first", mint(other, "k1",
	    "RS256", claims_text("https://evil.example", "\"" AUD "\"", 300,
	    -10, "")), "OIDC token issuer is not trusted");
	CASE("tampered payload", cv_arena_printf(&arena, "%s.%s%s", hs,
	    b64(claims_text(ISS, "\"" AUD "\"", 300, -10, "\"email\": "
	    "\"ada@example.com\", \"groups\": [\"Change Advisory Board\"]")),
	    d2), "OIDC token signature is invalid");
	CASE("signature of another token", cv_arena_printf(&arena, "%s%s",
	    hp, strrchr(mint(key, "k1", "RS256", claims_text(ISS, "\"" AUD
	    "\"", 301, -10, "")), '.')), "OIDC token signature is invalid");
	CASE("empty signature", cv_arena_printf(&arena, "%s.", hp),
	    "OIDC token signature is invalid");
	CASE("malformed base64 header", cv_arena_printf(&arena, "e$J.%s",
	    d1 + 1), "OIDC token header is not valid base64url");
	CASE("malformed base64 payload", cv_arena_printf(&arena, "%s.e*J%s",
	    hs, d2), "OIDC token payload is not valid base64url");
	CASE("padded base64 payload of a wrong length", cv_arena_printf(
	    &arena, "%s.%s==%s", hs, b64("{\"a\":1}x"), d2),
	    "OIDC token payload is not valid base64url");
	CASE("malformed base64 signature", cv_arena_printf(&arena, "%s.a+b/",
	    hp), "OIDC token signature is not valid base64url");
	CASE("header not JSON", cv_arena_printf(&arena, "%s.%s",
	    b64("{alg: RS256}"), d1 + 1),
	    "OIDC token header is not valid JSON");
	CASE("header a JSON string", cv_arena_printf(&arena, "%s.%s",
	    b64("\"RS256\""), d1 + 1),
	    "OIDC token header is not a JSON object");
	CASE("payload not JSON", cv_arena_printf(&arena, "%s.%s%s", hs,
	    b64("not json"), d2), "OIDC token payload is not valid JSON");
	CASE("payload nested too deep", cv_arena_printf(&arena, "%s.%s%s", hs,
	    b64("{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}"), d2),
	    "OIDC token payload is not valid JSON");
	CASE("payload a JSON list", cv_arena_printf(&arena, "%s.%s%s", hs,
	    b64("[1]"), d2), "OIDC token payload is not a JSON object");
	CASE("two parts", hp, "OIDC token must be a compact JWT");
	CASE("four parts", cv_arena_printf(&arena, "%s.x", tok),
	    "OIDC token must be a compact JWT");
	CASE("no dot", "abc", "OIDC token must be a compact JWT");
	CASE("empty", "", "OIDC token must be a compact JWT");
	longtok = cv_arena_alloc(&arena, CV_JWT_MAX + 2);
	memset(longtok, 'a', CV_JWT_MAX + 1);
	memcpy(longtok, tok, strlen(tok));
	CASE("too long", longtok, "OIDC token is longer than 8192 bytes");

	for (i = 0; i < n; i++) {
		err[0] = '\0';
		claims = (struct json_object *)&claims;
		cr_assert_eq(cv_jwt_verify(cases[i].token, time(NULL), &claims,
		    err, sizeof(err)), CV_EAUTH, "%s: accepted",
		    cases[i].what);
		cr_assert_str_eq(err, cases[i].msg, "%s", cases[i].what);
		cr_assert_null(claims, "%s", cases[i].what);
	}
	/* The good token itself passes. */
	cr_assert_eq(cv_jwt_verify(tok, time(NULL), &claims, err,
	    sizeof(err)), CV_OK, "%s", err);
	json_object_put(claims);
#undef CASE
	EVP_PKEY_free(other);
	EVP_PKEY_free(key);
}

/* exp >= now - leeway and nbf <= now + leeway, leeway_seconds or 60. */
Test(jwt, leeway_boundaries)
{
	static const struct {
		const char	*extra;
		long		 leeway;
	} confs[] = { { "\"leeway_seconds\": 30", 30 }, { NULL, 60 },
	    { "\"leeway_seconds\": 0", 0 } };
	struct json_object	*claims;
	EVP_PKEY		*key;
	time_t			 now = 1700000000;
	char			 err[256], *p;
	long			 l;
	size_t			 i;

	key = jwt_key_new(2048);
	for (i = 0; i < nitems(confs); i++) {
		oidc_setup(key, "k1", confs[i].extra);
		l = confs[i].leeway;
		p = cv_arena_printf(&arena, "{\"iss\": \"" ISS "\", \"aud\": \""
		    AUD "\", \"exp\": %lld}", (long long)(now - l));
		cr_assert_eq(cv_jwt_verify(mint(key, "k1", "RS256", p), now,
		    &claims, err, sizeof(err)), CV_OK, "leeway %ld: %s", l,
		    err);
		json_object_put(claims);
		p = cv_arena_printf(&arena, "{\"iss\": \"" ISS "\", \"aud\": \""
		    AUD "\", \"exp\": %lld}", (long long)(now - l - 1));
		cr_assert_eq(cv_jwt_verify(mint(key, "k1", "RS256", p), now,
		    &claims, err, sizeof(err)), CV_EAUTH, "leeway %ld", l);
		cr_assert_str_eq(err, "OIDC token is expired");
		p = cv_arena_printf(&arena, "{\"iss\": \"" ISS "\", \"aud\": \""
		    AUD "\", \"exp\": %lld, \"nbf\": %lld}",
		    (long long)(now + 600), (long long)(now + l));
		cr_assert_eq(cv_jwt_verify(mint(key, "k1", "RS256", p), now,
		    &claims, err, sizeof(err)), CV_OK, "leeway %ld: %s", l,
		    err);
		json_object_put(claims);
		p = cv_arena_printf(&arena, "{\"iss\": \"" ISS "\", \"aud\": \""
		    AUD "\", \"exp\": %lld, \"nbf\": %lld}",
		    (long long)(now + 600), (long long)(now + l + 1));
		cr_assert_eq(cv_jwt_verify(mint(key, "k1", "RS256", p), now,
		    &claims, err, sizeof(err)), CV_EAUTH, "leeway %ld", l);
		cr_assert_str_eq(err, "OIDC token is not yet valid");
	}
	/* Fractional times count too. */
	p = cv_arena_printf(&arena, "{\"iss\": \"" ISS "\", \"aud\": \"" AUD
	    "\", \"exp\": %lld.5}", (long long)(now - 1));
	cr_assert_eq(cv_jwt_verify(mint(key, "k1", "RS256", p), now, &claims,
	    err, sizeof(err)), CV_EAUTH);
	cr_assert_str_eq(err, "OIDC token is expired");
	EVP_PKEY_free(key);
}

Test(jwt, unconfigured_is_einval)
{
	struct json_object	*claims;
	char			 err[256];

	cr_assert_eq(cv_auth_init(), CV_OK);
	cr_assert_not(cv_oidc_configured());
	cr_assert_eq(cv_jwt_verify("a.b.c", time(NULL), &claims, err,
	    sizeof(err)), CV_EINVAL);
	cr_assert_str_eq(err, "approval OIDC config is not configured");
}

/* Files that must stop a responder at start: CV_EINVAL, nothing
 * configured. */
Test(oidc_config, startup_errors)
{
	EVP_PKEY	*small, *key;
	char		*jwk, *small_jwk, *many;
	size_t		 i;
	const char	*bad[32];
	size_t		 n = 0;

	key = jwt_key_new(2048);
	small = jwt_key_new(1024);
	jwk = jwt_jwk(key, "k1");
	small_jwk = jwt_jwk(small, "small");
	/* jwt_jwk() ends with "e":"AQAB"} (65537). */
	cr_assert(strstr(jwk, "\"AQAB\"}") == jwk + strlen(jwk) - 7);
	many = cv_arena_strdup(&arena, "{\"issuer\": \"i\", \"audience\": "
	    "\"a\", \"jwks\": {\"keys\": [");
	for (i = 0; i <= CV_JWKS_KEYS_MAX; i++)
		many = cv_arena_printf(&arena, "%s%s{\"kty\": \"oct\", "
		    "\"k\": \"AAAA\"}", many, i > 0 ? ", " : "");
	many = cv_arena_printf(&arena, "%s]}}", many);

	bad[n++] = "{\"audience\": \"a\", \"jwks\": {\"keys\": []}}";
	bad[n++] = "{\"issuer\": \"\", \"audience\": \"a\", \"jwks\": "
	    "{\"keys\": []}}";
	bad[n++] = "{\"issuer\": \"i\", \"jwks\": {\"keys\": []}}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": 5, \"jwks\": "
	    "{\"keys\": []}}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\"}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks_path\": "
	    "\"missing.json\"}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": []}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": {}}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": "
	    "{\"keys\": {}}}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": "
	    "{\"keys\": [\"x\"]}}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": "
	    "{\"keys\": [{\"n\": \"AQAB\"}]}}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": "
	    "{\"keys\": [{\"kty\": \"RSA\", \"n\": \"!!\", \"e\": \"AQAB\"}]}}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": "
	    "{\"keys\": [{\"kty\": \"RSA\", \"n\": \"AQAB\"}]}}";
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": "
	    "{\"keys\": [{\"kty\": \"RSA\", \"kid\": 3, \"n\": \"AQAB\", "
	    "\"e\": \"AQAB\"}]}}";
	/* A key that is no RSA public key: even modulus, exponent 1. */
	bad[n++] = "{\"issuer\": \"i\", \"audience\": \"a\", \"jwks\": "
	    "{\"keys\": [{\"kty\": \"RSA\", \"n\": \"AAAA\", \"e\": \"AQ\"}]}}";
	bad[n++] = cv_arena_printf(&arena, "{\"issuer\": \"i\", \"audience\": "
	    "\"a\", \"jwks\": {\"keys\": [%s]}}", small_jwk);
	/* A good modulus with an even exponent. */
	bad[n++] = cv_arena_printf(&arena, "{\"issuer\": \"i\", \"audience\": "
	    "\"a\", \"jwks\": {\"keys\": [%.*s\"AQAA\"}]}}",
	    (int)(strlen(jwk) - 7), jwk);
	bad[n++] = cv_arena_printf(&arena, "{\"issuer\": \"i\", \"audience\": "
	    "\"a\", \"leeway_seconds\": -1, \"jwks\": {\"keys\": [%s]}}", jwk);
	bad[n++] = cv_arena_printf(&arena, "{\"issuer\": \"i\", \"audience\": "
	    "\"a\", \"leeway_seconds\": 3601, \"jwks\": {\"keys\": [%s]}}",
	    jwk);
	bad[n++] = cv_arena_printf(&arena, "{\"issuer\": \"i\", \"audience\": "
	    "\"a\", \"leeway_seconds\": \"60\", \"jwks\": {\"keys\": [%s]}}",
	    jwk);
	bad[n++] = many;
	bad[n++] = "[]";
	bad[n++] = "{";

	for (i = 0; i < n; i++) {
		setenv("CAVRA_APPROVAL_OIDC_CONFIG", put("oidc.json", bad[i]),
		    1);
		cr_assert_eq(cv_auth_init(), CV_EINVAL, "accepted: %s", bad[i]);
		cr_assert_not(cv_oidc_configured(), "%s", bad[i]);
	}
	/* The same key and limits are fine otherwise. */
	setenv("CAVRA_APPROVAL_OIDC_CONFIG", put("oidc.json", cv_arena_printf(
	    &arena, "{\"issuer\": \"i\", \"audience\": \"a\", "
	    "\"leeway_seconds\": 3600, \"jwks\": {\"keys\": [%s]}}", jwk)), 1);
	cr_assert_eq(cv_auth_init(), CV_OK);
	free(small_jwk);
	free(jwk);
	EVP_PKEY_free(small);
	EVP_PKEY_free(key);
}

/* A JWKS without an RSA key loads, but says why nothing verifies. */
Test(oidc_config, no_rsa_key_is_a_config_error)
{
	struct json_object	*errs, *claims;
	EVP_PKEY		*key;
	char			 err[256], *jwk;

	setenv("CAVRA_APPROVAL_OIDC_CONFIG", put("oidc.json", "{\"issuer\": \""
	    ISS "\", \"audience\": \"" AUD "\", \"jwks\": {\"keys\": "
	    "[{\"kty\": \"EC\", \"kid\": \"k1\", \"crv\": \"P-256\"}]}}"), 1);
	cr_assert_eq(cv_auth_init(), CV_OK);
	cr_assert(cv_oidc_configured());
	errs = cv_oidc_config_errors();
	cr_assert_eq(json_object_array_length(errs), 1);
	cr_assert(strstr(json_object_get_string(json_object_array_get_idx(errs,
	    0)), "no RSA key") != NULL);
	json_object_put(errs);
	key = jwt_key_new(2048);
	cr_assert_eq(cv_jwt_verify(mint(key, "k1", "RS256", claims_text(ISS,
	    "\"" AUD "\"", 300, -10, "")), time(NULL), &claims, err,
	    sizeof(err)), CV_EAUTH);
	cr_assert_str_eq(err, "OIDC token signing key was not found in JWKS");

	setenv("CAVRA_APPROVAL_OIDC_CONFIG", put("oidc.json", "{\"issuer\": \""
	    ISS "\", \"audience\": \"" AUD "\", \"jwks\": {\"keys\": []}}"), 1);
	cr_assert_eq(cv_auth_init(), CV_OK);
	errs = cv_oidc_config_errors();
	cr_assert_eq(json_object_array_length(errs), 1);
	json_object_put(errs);

	/* With a key: none; inline jwks wins over jwks_path. */
	jwk = jwt_jwk(key, "k1");
	setenv("CAVRA_APPROVAL_OIDC_CONFIG", put("oidc.json", cv_arena_printf(
	    &arena, "{\"issuer\": \"" ISS "\", \"audience\": \"" AUD "\", "
	    "\"jwks_path\": \"/nonexistent\", \"jwks\": {\"keys\": [{\"kty\": "
	    "\"oct\", \"k\": \"AAAA\"}, %s]}}", jwk)), 1);
	free(jwk);
	cr_assert_eq(cv_auth_init(), CV_OK);
	errs = cv_oidc_config_errors();
	cr_assert_eq(json_object_array_length(errs), 0);
	json_object_put(errs);
	cr_assert_eq(cv_jwt_verify(mint(key, "k1", "RS256", claims_text(ISS,
	    "\"" AUD "\"", 300, -10, "")), time(NULL), &claims, err,
	    sizeof(err)), CV_OK, "%s", err);
	json_object_put(claims);
	EVP_PKEY_free(key);
}

/* ---- RBAC ---------------------------------------------------------- */

static struct cv_actor *
actor(const char *claims)
{
	struct json_object	*o;
	struct cv_actor		*a;

	o = json_tokener_parse(claims);
	cr_assert_not_null(o, "%s", claims);
	a = cv_actor_from_claims(&arena, o, 0);
	json_object_put(o);
	return a;
}

static struct json_object *
doc(const char *text)
{
	struct json_object	*o;

	cr_assert_not_null(o = json_tokener_parse(text), "%s", text);
	return o;
}

/* Compact JSON text of o, "/" unescaped. */
static const char *
text(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* The actor's groups joined by ",". */
static const char *
groups_of(const struct cv_actor *a)
{
	const char	*s = "";
	size_t		 i;

	for (i = 0; i < a->ngroups; i++)
		s = cv_arena_printf(&arena, "%s%s%s", s, i > 0 ? "," : "",
		    a->groups[i]);
	return s;
}

Test(rbac, claims_to_groups_and_mappings)
{
	struct json_object	*j;
	struct cv_actor		*a;

	rbac_setup("{\"approval_rbac\": {\"group_mappings\": {\"okta-iam\": "
	    "\"IAM\", \"okta-sec\": \"Platform Security\", \"none\": "
	    "\"Nobody\"}}}");
	cr_assert(cv_rbac_configured());
	/* Targets are added, originals kept, sorted and unique. */
	a = actor("{\"groups\": [\"okta-iam\", \"dev\", \"IAM\", "
	    "\"okta-sec\", 5, \"\"]}");
	cr_assert_str_eq(groups_of(a), "IAM,Platform Security,dev,okta-iam,"
	    "okta-sec");
	cr_assert(cv_actor_in_group(a, "IAM"));
	cr_assert_not(cv_actor_in_group(a, "Nobody"));
	cr_assert_str_eq(a->actor, "unknown");
	/* roles when groups is absent or empty; a string is one group. */
	a = actor("{\"roles\": \"okta-iam\", \"groups\": [], "
	    "\"preferred_username\": \"ada\", \"sub\": \"s\"}");
	cr_assert_str_eq(groups_of(a), "IAM,okta-iam");
	cr_assert_str_eq(a->actor, "ada");
	a = actor("{\"groups\": \"dev\", \"roles\": [\"okta-iam\"], "
	    "\"sub\": \"s-1\", \"repo\": \"r/x\"}");
	cr_assert_str_eq(groups_of(a), "dev");
	cr_assert_str_eq(a->actor, "s-1");
	cr_assert_str_eq(a->repository, "r/x");
	cr_assert_null(a->issuer);
	/* A group with a NUL inside is not that group. */
	a = actor("{\"groups\": [\"IAM\\u0000x\"]}");
	cr_assert_eq(a->ngroups, 0);

	j = cv_actor_json(actor("{\"email\": \"e@x\", \"groups\": "
	    "[\"okta-iam\"], \"iss\": \"i\"}"));
	cr_assert_eq(json_object_object_length(j), 5);
	cr_assert_str_eq(text(j), "{\"actor\":\"e@x\",\"subject\":null,"
	    "\"groups\":[\"IAM\",\"okta-iam\"],\"issuer\":\"i\","
	    "\"repository\":null}");
	json_object_put(j);
}

#define RULES	"{\"repository_permissions\": ["			\
	"{\"repository\": \"payments/api\", \"groups\": "		\
	"[\"Payments Leads\"], \"actions\": [\"approve\"]},"		\
	"{\"approver_group\": \"IAM\", "				\
	"\"groups\": [\"IAM Deputies\"]},"				\
	"{\"repository\": \"infra/tf\", \"approver_group\": "		\
	"\"Cloud Security\", \"groups\": [\"SRE\", \"Oncall\"], "	\
	"\"actions\": [\"expire\", \"deny\"]}]}"

Test(rbac, rules_grant_by_repository_group_and_action)
{
	struct json_object	*a1, *a2, *a3, *a4, *a5, *a6, *bg;
	struct cv_actor		*leads, *deputy, *sre, *member, *nobody;

	rbac_setup(RULES);
	leads = actor("{\"groups\": [\"Payments Leads\"]}");
	deputy = actor("{\"groups\": [\"IAM Deputies\"]}");
	sre = actor("{\"groups\": [\"SRE\"]}");
	member = actor("{\"groups\": [\"Platform Security\"]}");
	nobody = actor("{\"groups\": [\"Developers\"]}");

	/* The repository: approval, else decision.repository, else
	 * decision.repo. */
	a1 = doc("{\"approver_group\": \"Platform Security\", "
	    "\"repository\": \"payments/api\"}");
	a2 = doc("{\"approver_group\": \"Platform Security\", \"decision\": "
	    "{\"repository\": \"payments/api\"}}");
	a3 = doc("{\"approver_group\": \"Platform Security\", \"decision\": "
	    "{\"repository\": \"\", \"repo\": \"payments/api\"}}");
	a4 = doc("{\"approver_group\": \"Platform Security\", "
	    "\"repository\": \"other/repo\", \"decision\": {\"repository\": "
	    "\"payments/api\"}}");
	cr_assert(cv_auth_can_decide(leads, a1, "approved"));
	cr_assert(cv_auth_can_decide(leads, a2, "approved"));
	cr_assert(cv_auth_can_decide(leads, a3, "approved"));
	cr_assert_not(cv_auth_can_decide(leads, a4, "approved"));
	/* Only the actions of the rule ("approve" is "approved"). */
	cr_assert_not(cv_auth_can_decide(leads, a1, "denied"));
	cr_assert_not(cv_auth_can_decide(leads, a1, "expired"));
	/* Approver-group membership allows every action. */
	cr_assert(cv_auth_can_decide(member, a4, "approved"));
	cr_assert(cv_auth_can_decide(member, a4, "denied"));
	cr_assert(cv_auth_can_decide(member, a4, "expired"));
	cr_assert_not(cv_auth_can_decide(nobody, a1, "approved"));
	cr_assert_not(cv_auth_can_decide(NULL, a1, "approved"));
	cr_assert_not(cv_auth_can_decide(member, a1, "frobnicate"));

	/* A rule on the approver group, any repository; default actions
	 * approved and denied. */
	a5 = doc("{\"approver_group\": \"IAM\", \"repository\": \"x/y\"}");
	cr_assert(cv_auth_can_decide(deputy, a5, "approved"));
	cr_assert(cv_auth_can_decide(deputy, a5, "denied"));
	cr_assert_not(cv_auth_can_decide(deputy, a5, "expired"));
	cr_assert_not(cv_auth_can_decide(deputy, a1, "approved"));

	/* Both repository and approver group must match. */
	a6 = doc("{\"approver_group\": \"Cloud Security\", \"repository\": "
	    "\"infra/tf\"}");
	cr_assert(cv_auth_can_decide(sre, a6, "expired"));
	cr_assert(cv_auth_can_decide(sre, a6, "denied"));
	cr_assert_not(cv_auth_can_decide(sre, a6, "approved"));
	json_object_object_add(a6, "approver_group",
	    json_object_new_string("IAM"));
	cr_assert_not(cv_auth_can_decide(sre, a6, "denied"));

	/* A break-glass record needs the Change Advisory Board, whatever
	 * grants otherwise. */
	bg = doc("{\"approver_group\": \"Platform Security\", "
	    "\"repository\": \"payments/api\", \"break_glass\": true}");
	cr_assert_not(cv_auth_can_decide(leads, bg, "approved"));
	cr_assert_not(cv_auth_can_decide(member, bg, "approved"));
	cr_assert(cv_auth_can_decide(actor("{\"groups\": [\"Payments Leads\", "
	    "\"Change Advisory Board\"]}"), bg, "approved"));
	cr_assert(cv_auth_can_decide(actor("{\"groups\": [\"Platform "
	    "Security\", \"Change Advisory Board\"]}"), bg, "denied"));

	json_object_put(a1);
	json_object_put(a2);
	json_object_put(a3);
	json_object_put(a4);
	json_object_put(a5);
	json_object_put(a6);
	json_object_put(bg);
}

Test(rbac, break_glass_rules)
{
	struct cv_actor	*cab, *cab_iam, *cab_dep, *cab_sre, *iam;

	rbac_setup(RULES);
	cab = actor("{\"groups\": [\"Change Advisory Board\"]}");
	cab_iam = actor("{\"groups\": [\"Change Advisory Board\", \"IAM\"]}");
	cab_dep = actor("{\"groups\": [\"Change Advisory Board\", "
	    "\"IAM Deputies\"]}");
	cab_sre = actor("{\"groups\": [\"Change Advisory Board\", \"SRE\"]}");
	iam = actor("{\"groups\": [\"IAM\"]}");
	/* The default approver group is the board itself. */
	cr_assert(cv_auth_can_break_glass(cab, "Change Advisory Board", NULL));
	cr_assert_not(cv_auth_can_break_glass(cab, "IAM", NULL));
	cr_assert(cv_auth_can_break_glass(cab_iam, "IAM", NULL));
	cr_assert_not(cv_auth_can_break_glass(iam, "IAM", NULL));
	/* A rule granting "approved" on the group counts... */
	cr_assert(cv_auth_can_break_glass(cab_dep, "IAM", "any/repo"));
	/* ...one granting only deny and expire does not. */
	cr_assert_not(cv_auth_can_break_glass(cab_sre, "Cloud Security",
	    "infra/tf"));
	cr_assert_not(cv_auth_can_break_glass(NULL, "IAM", NULL));
}

Test(rbac, repository_permissions_of_an_actor)
{
	struct json_object	*p;

	rbac_setup(RULES);
	p = cv_auth_repo_permissions(actor("{\"groups\": [\"Oncall\", "
	    "\"IAM Deputies\"]}"));
	cr_assert_str_eq(text(p), "[{\"repository\":\"*\","
	    "\"approver_group\":\"IAM\",\"actions\":[\"approved\",\"denied\"],"
	    "\"groups\":[\"IAM Deputies\"]},{\"repository\":\"infra/tf\","
	    "\"approver_group\":\"Cloud Security\",\"actions\":[\"denied\","
	    "\"expired\"],\"groups\":[\"Oncall\",\"SRE\"]}]");
	json_object_put(p);
	p = cv_auth_repo_permissions(actor("{\"groups\": [\"Developers\"]}"));
	cr_assert_eq(json_object_array_length(p), 0);
	json_object_put(p);
	p = cv_auth_repo_permissions(NULL);
	cr_assert_eq(json_object_array_length(p), 0);
	json_object_put(p);
}

Test(rbac, file_shapes)
{
	static const char *const bad[] = {
		"{\"group_mappings\": []}",
		"{\"group_mappings\": {\"a\": [\"b\"]}}",
		"{\"group_mappings\": {\"a\": \"\"}}",
		"{\"repository_permissions\": {}}",
		"{\"repositories\": \"x\"}",
		"{\"repository_permissions\": [\"x\"]}",
		"{\"repository_permissions\": [{\"actions\": [\"approve\"]}]}",
		"{\"repository_permissions\": [{\"groups\": \"IAM\"}]}",
		"{\"repository_permissions\": [{\"groups\": []}]}",
		"{\"repository_permissions\": [{\"groups\": [\"a\", 3]}]}",
		"{\"repository_permissions\": [{\"groups\": [\"a\", \"\"]}]}",
		"{\"repository_permissions\": [{\"groups\": [\"a\"], "
		    "\"actions\": [\"approve\", \"merge\"]}]}",
		"{\"repository_permissions\": [{\"groups\": [\"a\"], "
		    "\"actions\": []}]}",
		"{\"repository_permissions\": [{\"groups\": [\"a\"], "
		    "\"actions\": \"approve\"}]}",
		"{\"repository_permissions\": [{\"groups\": [\"a\"], "
		    "\"repository\": 7}]}",
		"{\"repository_permissions\": [{\"groups\": [\"a\"], "
		    "\"approver_group\": \"\"}]}",
		"{\"approval_rbac\": []}",
		"[]",
	};
	struct json_object	*p;
	size_t			 i;

	for (i = 0; i < nitems(bad); i++) {
		setenv("CAVRA_APPROVAL_RBAC_FILE", put("rbac.json", bad[i]), 1);
		cr_assert_eq(cv_auth_init(), CV_EINVAL, "accepted: %s", bad[i]);
		cr_assert_not(cv_rbac_configured());
	}
	/* An empty object configures nothing; any key does. */
	rbac_setup("{}");
	cr_assert_not(cv_rbac_configured());
	rbac_setup("{\"approval_rbac\": {\"group_mappings\": {}}}");
	cr_assert(cv_rbac_configured());
	/* `repositories` is the other name of the rules; YAML too. */
	setenv("CAVRA_APPROVAL_RBAC_FILE", put("rbac.yaml", "approval_rbac:\n"
	    "  repositories:\n    - repository: a/b\n      groups: [G]\n"
	    "      actions: [deny]\n"), 1);
	cr_assert_eq(cv_auth_init(), CV_OK);
	cr_assert(cv_rbac_configured());
	p = cv_auth_repo_permissions(actor("{\"groups\": [\"G\"]}"));
	cr_assert_str_eq(text(p), "[{\"repository\":\"a/b\","
	    "\"approver_group\":\"*\",\"actions\":[\"denied\"],"
	    "\"groups\":[\"G\"]}]");
	json_object_put(p);
}

/* ---- actor resolution ---------------------------------------------- */

static struct cv_req	 req;

static void
req_init(const char *authorization)
{
	memset(&req, 0, sizeof(req));
	req.arena = &arena;
	req.authorization = authorization;
}

/* cv_auth_actor() on a fresh request with the header and body text. */
static enum cv_err
resolve(const char *authorization, const char *body,
    const struct cv_actor **out)
{
	struct json_object	*b = NULL;
	enum cv_err		 rc;

	req_init(authorization);
	if (body != NULL)
		b = doc(body);
	*out = (const struct cv_actor *)&req;
	rc = cv_auth_actor(&req, b, out);
	json_object_put(b);
	return rc;
}

Test(actor, demo_mode)
{
	const struct cv_actor	*a;

	cr_assert_eq(cv_auth_init(), CV_OK);
	cr_assert_eq(resolve(NULL, "{\"actor\": \"ada\"}", &a), CV_OK);
	cr_assert_null(a);
	cr_assert_eq(resolve("", NULL, &a), CV_OK);
	cr_assert_null(a);
	/* Claims are taken as they are. */
	cr_assert_eq(resolve(NULL, "{\"actor_claims\": {\"email\": "
	    "\"e@x\", \"groups\": [\"IAM\"]}}", &a), CV_OK);
	cr_assert_str_eq(a->actor, "e@x");
	cr_assert_not(a->verified);
	/* A token needs OIDC: 400. */
	cr_assert_eq(resolve(NULL, "{\"actor_token\": \"a.b.c\"}", &a),
	    CV_EINVAL);
	cr_assert_str_eq(req.detail, "approval OIDC config is not configured");
	cr_assert_eq(resolve("Bearer a.b.c", NULL, &a), CV_EINVAL);
	cr_assert_str_eq(req.detail, "console OIDC config is not configured");
	/* A header of another scheme, or without a token: 401. */
	cr_assert_eq(resolve("Basic dXNlcjpwdw==", NULL, &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "authorization header must use Bearer "
	    "token");
	cr_assert_eq(resolve("Bearer   ", NULL, &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "authorization header must use Bearer "
	    "token");
	cr_assert_eq(resolve("Bearerx a.b.c", NULL, &a), CV_EAUTH);
	/* Bad shapes of the body members. */
	cr_assert_eq(resolve(NULL, "{\"actor_claims\": \"ada\"}", &a),
	    CV_EINVAL);
	cr_assert_str_eq(req.detail, "actor_claims must be an object");
	cr_assert_eq(resolve(NULL, "{\"actor_token\": 5}", &a), CV_EINVAL);
	cr_assert_str_eq(req.detail, "actor_token must be a string");
	/* null is absent. */
	cr_assert_eq(resolve(NULL, "{\"actor_claims\": null, "
	    "\"actor_token\": null}", &a), CV_OK);
	cr_assert_null(a);
}

Test(actor, rbac_alone_accepts_claims_and_requires_context)
{
	const struct cv_actor	*a;

	rbac_setup("{\"group_mappings\": {\"okta-iam\": \"IAM\"}}");
	cr_assert_eq(resolve(NULL, "{\"actor\": \"ada\"}", &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "console action requires verified actor "
	    "context");
	cr_assert_eq(resolve(NULL, NULL, &a), CV_EAUTH);
	cr_assert_eq(resolve(NULL, "{\"actor_claims\": {\"email\": \"e@x\", "
	    "\"groups\": [\"okta-iam\"]}}", &a), CV_OK);
	cr_assert_str_eq(a->actor, "e@x");
	cr_assert(cv_actor_in_group(a, "IAM"));
	cr_assert_eq(resolve("Bearer a.b.c", NULL, &a), CV_EINVAL);
	cr_assert_str_eq(req.detail, "console OIDC config is not configured");
}

Test(actor, oidc_takes_only_verified_tokens)
{
	const struct cv_actor	*a;
	struct cv_principal	 pr = { 0 };
	EVP_PKEY		*key;
	char			*tok, *hdr, *body;

	key = jwt_key_new(2048);
	oidc_setup(key, "k1", NULL);
	tok = mint(key, "k1", "RS256", claims_text(ISS, "\"" AUD "\"", 300,
	    -10, GOOD_MORE));

	/* Bare claims: refused, with the reason. */
	cr_assert_eq(resolve(NULL, "{\"actor_claims\": {\"email\": \"e@x\", "
	    "\"groups\": [\"IAM\"]}}", &a), CV_EAUTH);
	cr_assert(strstr(req.detail, "actor_claims are not accepted while "
	    "OIDC is configured") != NULL, "%s", req.detail);
	/* ...even next to a valid token. */
	body = cv_arena_printf(&arena, "{\"actor_claims\": {\"email\": "
	    "\"e@x\"}, \"actor_token\": \"%s\"}", tok);
	cr_assert_eq(resolve(NULL, body, &a), CV_EAUTH);

	/* actor_token */
	body = cv_arena_printf(&arena, "{\"actor_token\": \"%s\"}", tok);
	cr_assert_eq(resolve(NULL, body, &a), CV_OK, "%s", req.detail);
	cr_assert_str_eq(a->actor, "ada@example.com");
	cr_assert(a->verified);
	cr_assert(cv_actor_in_group(a, "IAM"));
	body = cv_arena_printf(&arena, "{\"actor_token\": \"%sx\"}", tok);
	cr_assert_eq(resolve(NULL, body, &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "OIDC token signature is not valid "
	    "base64url");

	/* The header: the scheme in any case, spaces around. */
	hdr = cv_arena_printf(&arena, "  bEaReR  %s ", tok);
	cr_assert_eq(resolve(hdr, "{}", &a), CV_OK, "%s", req.detail);
	cr_assert_str_eq(a->actor, "ada@example.com");
	cr_assert_eq(resolve("Bearer not-a-jwt", NULL, &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "OIDC token must be a compact JWT");
	cr_assert_eq(resolve(cv_arena_printf(&arena, "Token %s", tok), NULL,
	    &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "authorization header must use Bearer "
	    "token");
	/* The body's token comes before the header. */
	body = cv_arena_printf(&arena, "{\"actor_token\": \"%s\"}",
	    mint(key, "k1", "none", claims_text(ISS, "\"" AUD "\"", 300, -10,
	    "")));
	cr_assert_eq(resolve(hdr, body, &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "OIDC token must use RS256");

	/* Nothing: 401. */
	cr_assert_eq(resolve(NULL, "{\"actor\": \"ada\"}", &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "console action requires verified actor "
	    "context");

	/* cv_auth_bearer: no header is no actor, not an error. */
	req_init(NULL);
	cr_assert_eq(cv_auth_bearer(&req, &a), CV_OK);
	cr_assert_null(a);
	req_init(hdr);
	cr_assert_eq(cv_auth_bearer(&req, &a), CV_OK);
	cr_assert_str_eq(a->actor, "ada@example.com");

	/* A header API access control took as a static token names no
	 * actor: the body must. */
	req_init("Bearer static-api-token");
	req.principal = &pr;
	cr_assert_eq(cv_auth_bearer(&req, &a), CV_OK);
	cr_assert_null(a);
	cr_assert_eq(cv_auth_actor(&req, NULL, &a), CV_EAUTH);
	cr_assert_str_eq(req.detail, "console action requires verified actor "
	    "context");
	EVP_PKEY_free(key);
}
