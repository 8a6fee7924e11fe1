/*
 * Test helper: throw-away RSA keys, their JWKS, and compact JWTs signed
 * with them (or with HS256, or unsigned), for the tests of OIDC token
 * verification.  Uses OpenSSL only, not the library under test, so a
 * bug in the library's base64url or RSA code cannot hide itself.
 * Every string returned is malloc'ed; the caller frees it.  Failures
 * abort the test process (they are bugs of the test).
 */
#ifndef JWT_MINT_H
#define JWT_MINT_H

#include <stddef.h>

#include <openssl/evp.h>

/* A new RSA key of `bits` bits (EVP_RSA_gen()); EVP_PKEY_free() it. */
EVP_PKEY	*jwt_key_new(unsigned bits);

/*
 * A compact JWT: header {"alg": alg, "typ": "JWT", "kid": kid} (no kid
 * when kid is NULL), the payload text as is, and the signature for alg:
 * "RS256" signs with key (RSASSA-PKCS1-v1_5, SHA-256), "HS256" with
 * HMAC-SHA256 under the key "secret", "none" and anything else leaves
 * the signature empty.
 */
char		*jwt_mint(EVP_PKEY *key, const char *kid, const char *alg,
		    const char *payload_json);

/* base64url without padding of len bytes. */
char		*jwt_b64url(const void *p, size_t len);

/* The JWK of key's public half: {"kty":"RSA","kid":kid,"use":"sig",
 * "alg":"RS256","n":...,"e":...} (no kid when kid is NULL). */
char		*jwt_jwk(EVP_PKEY *key, const char *kid);

/* Writes {"keys":[jwt_jwk(key, kid)]} to path; 0, or -1 with errno. */
int		 jwt_write_jwks(const char *path, EVP_PKEY *key,
		    const char *kid);

#endif /* !JWT_MINT_H */
