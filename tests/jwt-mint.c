/*
 * Test helper: RSA keys, JWKS and compact JWTs; see jwt-mint.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "jwt-mint.h"

static void
die(const char *what)
{
	fprintf(stderr, "jwt-mint: %s failed\n", what);
	abort();
}

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n)) == NULL)
		die("malloc");
	return p;
}

EVP_PKEY *
jwt_key_new(unsigned bits)
{
	EVP_PKEY	*k;

	if ((k = EVP_RSA_gen(bits)) == NULL)
		die("EVP_RSA_gen");
	return k;
}

char *
jwt_b64url(const void *p, size_t len)
{
	char	*out;
	size_t	 i, n;

	out = xmalloc(4 * ((len + 2) / 3) + 1);
	n = (size_t)EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	for (i = 0; i < n; i++)
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	return out;
}

/* The signature of len bytes of msg for alg, base64url. */
static char *
sign(EVP_PKEY *key, const char *alg, const char *msg, size_t len)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE], *sig;
	unsigned int	 maclen;
	EVP_MD_CTX	*md;
	size_t		 siglen = 0;
	char		*out;

	if (strcmp(alg, "HS256") == 0) {
		if (HMAC(EVP_sha256(), "secret", 6, (const unsigned char *)msg,
		    len, mac, &maclen) == NULL)
			die("HMAC");
		return jwt_b64url(mac, maclen);
	}
	if (strcmp(alg, "RS256") != 0)
		return jwt_b64url("", 0);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, key,
	    NULL) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)msg,
	    len) != 1)
		die("EVP_DigestSign");
	sig = xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)msg,
	    len) != 1)
		die("EVP_DigestSign");
	EVP_MD_CTX_free(md);
	out = jwt_b64url(sig, siglen);
	free(sig);
	return out;
}

char *
jwt_mint(EVP_PKEY *key, const char *kid, const char *alg,
    const char *payload_json)
{
	char	 hdr[512], *h, *p, *msg, *s, *tok;
	size_t	 n;

	if (kid != NULL)
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"JWT\","
		    "\"kid\":\"%s\"}", alg, kid);
	else
		snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"JWT\"}",
		    alg);
	h = jwt_b64url(hdr, strlen(hdr));
	p = jwt_b64url(payload_json, strlen(payload_json));
	n = strlen(h) + strlen(p) + 2;
	msg = xmalloc(n);
	snprintf(msg, n, "%s.%s", h, p);
	s = sign(key, alg, msg, strlen(msg));
	n = strlen(msg) + strlen(s) + 2;
	tok = xmalloc(n);
	snprintf(tok, n, "%s.%s", msg, s);
	free(s);
	free(msg);
	free(p);
	free(h);
	return tok;
}

/* The RSA parameter `name` of key (n or e), base64url of its bytes. */
static char *
bn_param(EVP_PKEY *key, const char *name)
{
	BIGNUM		*bn = NULL;
	unsigned char	*buf;
	char		*out;
	int		 n;

	if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
		die("EVP_PKEY_get_bn_param");
	buf = xmalloc((size_t)BN_num_bytes(bn) + 1);
	n = BN_bn2bin(bn, buf);
	out = jwt_b64url(buf, (size_t)n);
	free(buf);
	BN_free(bn);
	return out;
}

char *
jwt_jwk(EVP_PKEY *key, const char *kid)
{
	char	*n, *e, *out;
	size_t	 len;

	n = bn_param(key, OSSL_PKEY_PARAM_RSA_N);
	e = bn_param(key, OSSL_PKEY_PARAM_RSA_E);
	len = strlen(n) + strlen(e) + (kid != NULL ? strlen(kid) : 0) + 128;
	out = xmalloc(len);
	snprintf(out, len, "{\"kty\":\"RSA\",%s%s%s\"use\":\"sig\","
	    "\"alg\":\"RS256\",\"n\":\"%s\",\"e\":\"%s\"}",
	    kid != NULL ? "\"kid\":\"" : "", kid != NULL ? kid : "",
	    kid != NULL ? "\"," : "", n, e);
	free(e);
	free(n);
	return out;
}

int
jwt_write_jwks(const char *path, EVP_PKEY *key, const char *kid)
{
	FILE	*f;
	char	*jwk;
	int	 rc = 0;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	jwk = jwt_jwk(key, kid);
	if (fprintf(f, "{\"keys\":[%s]}\n", jwk) < 0)
		rc = -1;
	free(jwk);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}
