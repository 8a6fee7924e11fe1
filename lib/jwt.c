/*
 * OIDC tokens: the configuration of CAVRA_APPROVAL_OIDC_CONFIG, its JWKS
 * (RSA keys made with EVP_PKEY_fromdata() from n and e), and RS256 JWT
 * verification with EVP_DigestVerify().  See cv_auth.h.
 *
 * The configuration is loaded once, in the parent, before workers fork
 * (cv_auth_init()); afterwards it is only read, and an EVP_PKEY may be
 * used by several threads at once for verification.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "auth_int.h"
#include "cv_arena.h"
#include "cv_auth.h"
#include "cv_conf.h"
#include "cv_crypto.h"
#include "cv_json.h"
#include "cv_limits.h"
#include "cv_util.h"

#define OIDC_ENV		"CAVRA_APPROVAL_OIDC_CONFIG"
#define OIDC_LEEWAY_DEFAULT	60	/* leeway_seconds when absent */

/* An RSA key of the JWKS. */
struct jwk {
	char		*kid;	/* or NULL */
	EVP_PKEY	*pkey;
};

static struct {
	int		 configured;
	char		*issuer;
	char		*audience;
	int64_t		 leeway;
	struct jwk	 keys[CV_JWKS_KEYS_MAX];
	size_t		 nkeys;
	size_t		 nother;	/* keys of another kty, skipped */
} oidc;

void
cv_oidc_free(void)
{
	size_t	 i;

	for (i = 0; i < oidc.nkeys; i++) {
		free(oidc.keys[i].kid);
		EVP_PKEY_free(oidc.keys[i].pkey);
	}
	free(oidc.issuer);
	free(oidc.audience);
	memset(&oidc, 0, sizeof(oidc));
}

int
cv_oidc_configured(void)
{
	return oidc.configured;
}

struct json_object *
cv_oidc_config_errors(void)
{
	struct json_object	*errs;

	errs = json_object_new_array();
	if (oidc.configured && oidc.nkeys == 0)
		json_object_array_add(errs, json_object_new_string(oidc.nother >
		    0 ? "jwks has no RSA key (only keys of another kty): no "
		    "token can be verified" : "jwks has no keys: no token can "
		    "be verified"));
	return errs;
}

/*
 * The RSA public key of modulus n and exponent e (big-endian bytes), as
 * a new EVP_PKEY the caller frees, checked with EVP_PKEY_public_check()
 * (an odd modulus that is no prime power, an odd exponent above 1) and
 * CV_JWK_RSA_BITS_MIN.  NULL with a sentence in err.
 */
static EVP_PKEY *
rsa_key(const unsigned char *n, size_t nlen, const unsigned char *e,
    size_t elen, char *err, size_t errlen)
{
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	BIGNUM		*bn = NULL, *be = NULL;
	EVP_PKEY_CTX	*ctx = NULL, *chk = NULL;
	EVP_PKEY	*pk = NULL;
	int		 bits;

	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = BN_bin2bn(e, (int)elen, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		snprintf(err, errlen, "n and e do not make an RSA key");
		goto fail;
	}
	if ((chk = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL)) == NULL ||
	    EVP_PKEY_public_check(chk) != 1) {
		snprintf(err, errlen, "n and e are not a valid RSA public key "
		    "(an odd composite n, an odd e above 1)");
		goto fail;
	}
	if ((bits = EVP_PKEY_get_bits(pk)) < CV_JWK_RSA_BITS_MIN) {
		snprintf(err, errlen, "RSA modulus of %d bits, fewer than %d",
		    bits, CV_JWK_RSA_BITS_MIN);
		goto fail;
	}
	goto out;
fail:
	EVP_PKEY_free(pk);
	pk = NULL;
out:
	EVP_PKEY_CTX_free(chk);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(be);
	BN_free(bn);
	return pk;
}

/*
 * Member `name` of a JWK as base64url-decoded bytes (arena).  -1 with a
 * sentence in err when it is absent, not a string, empty or malformed.
 */
static int
jwk_bytes(struct cv_arena *a, struct json_object *k, const char *name,
    unsigned char **out, size_t *len, char *err, size_t errlen)
{
	const char	*s;

	if (cv_json_str(k, name, &s) != CV_JGET_OK || *s == '\0' ||
	    cv_b64url_decode(a, s, strlen(s), out, len) != 0) {
		snprintf(err, errlen, "%s must be a base64url string", name);
		return -1;
	}
	return 0;
}

/*
 * Adds the RSA keys of JWKS object jwks to the configuration; keys of
 * another kty are counted and skipped.  -1 with a sentence in err when
 * `keys` is not a list, there are more than CV_JWKS_KEYS_MAX, or an RSA
 * key does not load.
 */
static int
load_keys(struct json_object *jwks, char *err, size_t errlen)
{
	struct json_object	*keys, *k;
	struct cv_arena		 a;
	struct jwk		*jk;
	unsigned char		*n, *e;
	const char		*kty, *kid;
	char			 why[256];
	size_t			 i, nlen, elen;
	int			 rc = -1;

	cv_arena_init(&a);
	if (cv_json_arr(jwks, "keys", &keys) != CV_JGET_OK) {
		snprintf(err, errlen, "jwks must be an object with a keys "
		    "list");
		goto out;
	}
	if (json_object_array_length(keys) > CV_JWKS_KEYS_MAX) {
		snprintf(err, errlen, "jwks has more than %d keys",
		    CV_JWKS_KEYS_MAX);
		goto out;
	}
	for (i = 0; i < json_object_array_length(keys); i++) {
		k = json_object_array_get_idx(keys, i);
		kid = NULL;
		if (!json_object_is_type(k, json_type_object) ||
		    cv_json_str(k, "kty", &kty) != CV_JGET_OK ||
		    cv_json_str(k, "kid", &kid) == CV_JGET_TYPE) {
			snprintf(err, errlen, "jwks.keys[%zu] must be an "
			    "object with a string kty (and kid)", i);
			goto out;
		}
		if (strcmp(kty, "RSA") != 0) {
			oidc.nother++;
			continue;
		}
		if (jwk_bytes(&a, k, "n", &n, &nlen, why, sizeof(why)) != 0 ||
		    jwk_bytes(&a, k, "e", &e, &elen, why, sizeof(why)) != 0)
			goto bad;
		jk = &oidc.keys[oidc.nkeys];
		if ((jk->pkey = rsa_key(n, nlen, e, elen, why, sizeof(why))) ==
		    NULL)
			goto bad;
		jk->kid = kid != NULL ? cv_xstrdup(kid) : NULL;
		oidc.nkeys++;
	}
	rc = 0;
	goto out;
bad:
	snprintf(err, errlen, "jwks.keys[%zu]%s%s%s: %s", i,
	    kid != NULL ? " (kid " : "", kid != NULL ? kid : "",
	    kid != NULL ? ")" : "", why);
out:
	cv_arena_free(&a);
	return rc;
}

/*
 * Reads the JWKS of the configuration: `jwks`, else the file `jwks_path`
 * (relative to the directory of the configuration file at cpath).  *out
 * is a new reference.  -1 with a sentence in err, or with *logged set
 * when cv_conf_load_path() logged the problem itself.
 */
static int
read_jwks(struct json_object *conf, const char *cpath,
    struct json_object **out, int *logged, char *err, size_t errlen)
{
	struct json_object	*jwks;
	const char		*rel, *slash;
	char			*path;
	enum cv_err		 rc;

	*out = NULL;
	switch (cv_json_obj(conf, "jwks", &jwks)) {
	case CV_JGET_OK:
		*out = json_object_get(jwks);
		return 0;
	case CV_JGET_TYPE:
		snprintf(err, errlen, "jwks must be an object");
		return -1;
	case CV_JGET_ABSENT:
		break;
	}
	if (cv_json_str(conf, "jwks_path", &rel) != CV_JGET_OK ||
	    *rel == '\0') {
		snprintf(err, errlen, "jwks or jwks_path is missing");
		return -1;
	}
	if (rel[0] != '/' && (slash = strrchr(cpath, '/')) != NULL) {
		path = cv_xmalloc((size_t)(slash - cpath) + strlen(rel) + 2);
		sprintf(path, "%.*s/%s", (int)(slash - cpath), cpath, rel);
	} else
		path = cv_xstrdup(rel);
	rc = cv_conf_load_path(OIDC_ENV " jwks_path", path, out);
	free(path);
	if (rc != CV_OK) {
		*logged = 1;
		return -1;
	}
	return 0;
}

enum cv_err
cv_oidc_load(void)
{
	struct json_object	*conf = NULL, *jwks = NULL, *v;
	const char		*path, *issuer, *audience;
	char			 err[512];
	int64_t			 leeway = OIDC_LEEWAY_DEFAULT;
	int			 logged = 0;
	enum cv_err		 rc = CV_EINVAL;

	cv_oidc_free();
	if ((path = cv_env(OIDC_ENV)) == NULL)
		return CV_OK;
	if (cv_conf_load(OIDC_ENV, &conf) != CV_OK) {
		logged = 1;
		goto fail;
	}
	if (cv_json_str(conf, "issuer", &issuer) != CV_JGET_OK ||
	    *issuer == '\0') {
		snprintf(err, sizeof(err), "issuer must be a non-empty "
		    "string");
		goto fail;
	}
	if (cv_json_str(conf, "audience", &audience) != CV_JGET_OK ||
	    *audience == '\0') {
		snprintf(err, sizeof(err), "audience must be a non-empty "
		    "string");
		goto fail;
	}
	if (json_object_object_get_ex(conf, "leeway_seconds", &v) &&
	    v != NULL && (!json_object_is_type(v, json_type_int) ||
	    (leeway = json_object_get_int64(v)) < 0 ||
	    leeway > CV_OIDC_LEEWAY_MAX)) {
		snprintf(err, sizeof(err), "leeway_seconds must be an integer "
		    "from 0 to %d", CV_OIDC_LEEWAY_MAX);
		goto fail;
	}
	if (read_jwks(conf, path, &jwks, &logged, err, sizeof(err)) != 0 ||
	    load_keys(jwks, err, sizeof(err)) != 0)
		goto fail;
	oidc.issuer = cv_xstrdup(issuer);
	oidc.audience = cv_xstrdup(audience);
	oidc.leeway = leeway;
	oidc.configured = 1;
	rc = CV_OK;
	goto out;
fail:
	if (!logged)
		cv_log("%s: %s: %s", OIDC_ENV, path, err);
	cv_oidc_free();
out:
	json_object_put(jwks);
	json_object_put(conf);
	return rc;
}

/* Whether v is the string s, all of it (a JSON string may hold NUL). */
static int
jstr_is(struct json_object *v, const char *s)
{
	return json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == strlen(s) &&
	    strcmp(json_object_get_string(v), s) == 0;
}

/* Whether member key of o is the string s. */
static int
member_is(struct json_object *o, const char *key, const char *s)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, key, &v) && jstr_is(v, s);
}

/* Whether aud (a string or a list) holds the configured audience. */
static int
audience_ok(struct json_object *aud)
{
	size_t	 i;

	if (jstr_is(aud, oidc.audience))
		return 1;
	if (!json_object_is_type(aud, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(aud); i++)
		if (jstr_is(json_object_array_get_idx(aud, i), oidc.audience))
			return 1;
	return 0;
}

/*
 * Time claim `name` of claims into *t.  0: absent (or null); 1: a
 * number; -1: another type.
 */
static int
time_claim(struct json_object *claims, const char *name, double *t)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(claims, name, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int) &&
	    !json_object_is_type(v, json_type_double))
		return -1;
	*t = json_object_get_double(v);
	return 1;
}

/*
 * Decodes part [p, p+len) of a token as a base64url JSON object (new
 * reference in *out).  -1 when it is not base64url, -2 when it is not
 * JSON (or nests deeper than CV_JWT_DEPTH_MAX), -3 when it is JSON but no
 * object.
 */
static int
decode_part(struct cv_arena *a, const char *p, size_t len,
    struct json_object **out)
{
	unsigned char	*raw;
	size_t		 rawlen;
	char		 why[256];

	*out = NULL;
	if (cv_b64url_decode(a, p, len, &raw, &rawlen) != 0)
		return -1;
	if (cv_json_parse((const char *)raw, rawlen, CV_JWT_DEPTH_MAX, out,
	    why, sizeof(why)) != CV_OK)
		return -2;
	if (!json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return -3;
	}
	return 0;
}

/* The key for header kid (NULL: the first RSA key), or NULL. */
static EVP_PKEY *
find_key(const char *kid)
{
	size_t	 i;

	for (i = 0; i < oidc.nkeys; i++)
		if (kid == NULL || (oidc.keys[i].kid != NULL &&
		    strcmp(oidc.keys[i].kid, kid) == 0))
			return oidc.keys[i].pkey;
	return NULL;
}

/* RSASSA-PKCS1-v1_5 with SHA-256 of len bytes of msg: 1 when sig is. */
static int
rs256_ok(EVP_PKEY *pk, const char *msg, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX	*md;
	int		 ok;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return 0;
	ok = EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, pk,
	    NULL) == 1 && EVP_DigestVerify(md, sig, siglen,
	    (const unsigned char *)msg, len) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

/*
 * The checks of cv_auth.h in the order of record-contracts.md 5.7; every
 * refusal is CV_EAUTH with its sentence in err.
 */
enum cv_err
cv_jwt_verify(const char *token, time_t now, struct json_object **claims,
    char *err, size_t errlen)
{
	struct json_object	*hdr = NULL, *pl = NULL, *aud;
	struct cv_arena		 a;
	unsigned char		*sig;
	const char		*d1, *d2, *kid = NULL, *msg;
	EVP_PKEY		*pk;
	double			 t;
	size_t			 siglen;
	int			 r;
	enum cv_err		 rc = CV_EAUTH;

	*claims = NULL;
	if (!oidc.configured) {
		snprintf(err, errlen, "approval OIDC config is not configured");
		return CV_EINVAL;
	}
	if (strlen(token) > CV_JWT_MAX) {
		snprintf(err, errlen, "OIDC token is longer than %d bytes",
		    CV_JWT_MAX);
		return CV_EAUTH;
	}
	if ((d1 = strchr(token, '.')) == NULL ||
	    (d2 = strchr(d1 + 1, '.')) == NULL || strchr(d2 + 1, '.') != NULL) {
		snprintf(err, errlen, "OIDC token must be a compact JWT");
		return CV_EAUTH;
	}
	cv_arena_init(&a);
	if ((r = decode_part(&a, token, (size_t)(d1 - token), &hdr)) != 0) {
		msg = r == -1 ? "OIDC token header is not valid base64url" :
		    r == -2 ? "OIDC token header is not valid JSON" :
		    "OIDC token header is not a JSON object";
		goto fail;
	}
	msg = "OIDC token must use RS256";
	if (!member_is(hdr, "alg", "RS256"))
		goto fail;
	if ((r = decode_part(&a, d1 + 1, (size_t)(d2 - d1 - 1), &pl)) != 0) {
		msg = r == -1 ? "OIDC token payload is not valid base64url" :
		    r == -2 ? "OIDC token payload is not valid JSON" :
		    "OIDC token payload is not a JSON object";
		goto fail;
	}
	msg = "OIDC token issuer is not trusted";
	if (!member_is(pl, "iss", oidc.issuer))
		goto fail;
	msg = "OIDC token audience is not trusted";
	if (!json_object_object_get_ex(pl, "aud", &aud) || !audience_ok(aud))
		goto fail;
	msg = "OIDC token exp claim must be a number";
	if ((r = time_claim(pl, "exp", &t)) < 0)
		goto fail;
	msg = "OIDC token has no exp claim";
	if (r == 0)
		goto fail;
	msg = "OIDC token is expired";
	if (t < (double)now - (double)oidc.leeway)
		goto fail;
	msg = "OIDC token nbf claim must be a number";
	if ((r = time_claim(pl, "nbf", &t)) < 0)
		goto fail;
	msg = "OIDC token is not yet valid";
	if (r > 0 && t > (double)now + (double)oidc.leeway)
		goto fail;
	msg = "OIDC token header kid must be a string";
	if (cv_json_str(hdr, "kid", &kid) == CV_JGET_TYPE)
		goto fail;
	msg = "OIDC token signing key was not found in JWKS";
	if ((pk = find_key(kid)) == NULL)
		goto fail;
	msg = "OIDC token signature is not valid base64url";
	if (cv_b64url_decode(&a, d2 + 1, strlen(d2 + 1), &sig, &siglen) != 0)
		goto fail;
	msg = "OIDC token signature is invalid";
	if (!rs256_ok(pk, token, (size_t)(d2 - token), sig, siglen))
		goto fail;
	*claims = pl;
	pl = NULL;
	rc = CV_OK;
	goto out;
fail:
	snprintf(err, errlen, "%s", msg);
out:
	json_object_put(pl);
	json_object_put(hdr);
	cv_arena_free(&a);
	return rc;
}
