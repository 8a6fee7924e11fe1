/*
 * Fuzzes the OIDC token checks (cv_jwt_verify(), lib/jwt.c) and the
 * base64url decoder they use (cv_b64url_decode(), lib/crypto.c).  The
 * input is a token.  Once per process a throw-away RSA key is made and
 * its JWKS configured as CAVRA_APPROVAL_OIDC_CONFIG (issuer
 * https://idp.example, audience cavra).
 *
 * Besides crashes, leaks and UB it checks that a refused token comes
 * with a message and no claims (nobody can forge the key's signature, so
 * every input is refused), and that what the decoder accepts encodes
 * back to the input without its padding.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "cavra.h"
#include "cv_auth.h"
#include "cv_crypto.h"
#include "fuzz.h"

#define FUZZ_NOW	1800000000	/* the verification time */

static char	 dir[] = "/tmp/cv-fuzz-jwt-XXXXXX";

/* Removes the configuration made by setup(). */
static void
cleanup(void)
{
	char	 path[sizeof(dir) + 32];

	cv_auth_fini();
	snprintf(path, sizeof(path), "%s/oidc.json", dir);
	unlink(path);
	rmdir(dir);
}

/* The base64url of big number parameter `name` of key k, arena. */
static char *
bn_b64url(struct cv_arena *a, EVP_PKEY *k, const char *name)
{
	BIGNUM		*bn = NULL;
	unsigned char	*buf;
	char		*s;
	int		 n;

	if (!EVP_PKEY_get_bn_param(k, name, &bn))
		abort();
	n = BN_num_bytes(bn);
	if ((buf = malloc((size_t)n)) == NULL)
		abort();
	BN_bn2bin(bn, buf);
	s = cv_b64url_encode(a, buf, (size_t)n);
	free(buf);
	BN_free(bn);
	return s;
}

/* Once: a key, its JWKS in an OIDC config file, cv_auth_init(). */
static void
setup(void)
{
	struct cv_arena	 a;
	EVP_PKEY	*k;
	FILE		*f;
	char		 path[sizeof(dir) + 32];

	if (mkdtemp(dir) == NULL || (k = EVP_RSA_gen(2048)) == NULL)
		abort();
	cv_arena_init(&a);
	snprintf(path, sizeof(path), "%s/oidc.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "{\"issuer\":\"https://idp.example\",\"audience\":"
	    "\"cavra\",\"jwks\":{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\","
	    "\"alg\":\"RS256\",\"n\":\"%s\",\"e\":\"%s\"}]}}",
	    bn_b64url(&a, k, OSSL_PKEY_PARAM_RSA_N),
	    bn_b64url(&a, k, OSSL_PKEY_PARAM_RSA_E));
	if (fclose(f) != 0)
		abort();
	cv_arena_free(&a);
	EVP_PKEY_free(k);
	setenv("CAVRA_APPROVAL_OIDC_CONFIG", path, 1);
	if (cv_auth_init() != CV_OK)
		abort();
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 ready;
	struct cv_arena		 a;
	struct json_object	*claims = NULL;
	unsigned char		*dec;
	char			*tok, *enc, err[256];
	size_t			 declen, n;

	if (!ready) {
		setup();
		ready = 1;
	}
	if ((tok = malloc(size + 1)) == NULL)
		return 0;
	memcpy(tok, data, size);
	tok[size] = '\0';

	err[0] = '\0';
	if (cv_jwt_verify(tok, FUZZ_NOW, &claims, err, sizeof(err)) ==
	    CV_OK || claims != NULL || err[0] == '\0') {
		fprintf(stderr, "fuzz_jwt: a token was accepted, or refused "
		    "without a message or with claims: %s\n", err);
		abort();
	}

	cv_arena_init(&a);
	if (cv_b64url_decode(&a, tok, size, &dec, &declen) == 0) {
		enc = cv_b64url_encode(&a, dec, declen);
		n = size;
		while (n > 0 && tok[n - 1] == '=')
			n--;
		if (strlen(enc) != n || memcmp(enc, tok, n) != 0) {
			fprintf(stderr, "fuzz_jwt: decode/encode differs: "
			    "%s -> %s\n", tok, enc);
			abort();
		}
	}
	cv_arena_free(&a);
	free(tok);
	return 0;
}
