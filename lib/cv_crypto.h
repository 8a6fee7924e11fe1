/*
 * Hashes, MACs and encodings over OpenSSL 3 (EVP): SHA-256, HMAC-SHA256,
 * hex, base64 and base64url, a constant-time compare, and Ed25519
 * signatures over PEM keys.  Nothing here keeps state; every function is
 * safe from several threads at once.
 */
#ifndef CV_CRYPTO_H
#define CV_CRYPTO_H

#include <stddef.h>

struct cv_arena;

#define CV_SHA256_LEN	32	/* bytes of a SHA-256 digest */

/* SHA-256 of len bytes of p into out. */
void		 cv_sha256(const void *p, size_t len,
		    unsigned char out[CV_SHA256_LEN]);
/* Lower-case hex of the SHA-256 of len bytes of p: 64 digits and a NUL,
 * in the arena. */
char		*cv_sha256_hex(struct cv_arena *, const void *p, size_t len);
/* HMAC-SHA256 of len bytes of p under the key. */
void		 cv_hmac_sha256(const void *key, size_t keylen, const void *p,
		    size_t len, unsigned char out[CV_SHA256_LEN]);
/* Lower-case hex of len bytes into out, which has room for 2*len+1. */
void		 cv_hex(char *out, const unsigned char *p, size_t len);
/* Standard base64 with padding (RFC 4648 section 4), arena. */
char		*cv_b64_encode(struct cv_arena *, const void *p, size_t len);
/* base64url without padding (RFC 4648 section 5), arena. */
char		*cv_b64url_encode(struct cv_arena *, const void *p, size_t len);
/* Decodes len bytes of base64url (padding optional, restored when
 * absent) into a NUL-terminated arena buffer; *outlen excludes the NUL.
 * Returns -1 on a character outside the alphabet, a length that no
 * encoding has, or non-zero trailing bits; 0 on success. */
int		 cv_b64url_decode(struct cv_arena *, const char *s, size_t len,
		    unsigned char **out, size_t *outlen);
/* 1 when the len bytes of a and b are equal, in time that depends on len
 * only. */
int		 cv_ct_equal(const void *a, const void *b, size_t len);

#define CV_ED25519_SIG_LEN	64	/* bytes of an Ed25519 signature */

/* Ed25519 (RFC 8032) signature of len bytes of p into sig with the
 * private key in pem (PEM text of a PKCS#8 "PRIVATE KEY").  When pubpem
 * is not NULL, *pubpem is the PEM text of its public key
 * (SubjectPublicKeyInfo, "PUBLIC KEY"), in the arena.  0 on success; -1
 * when pem holds no Ed25519 private key. */
int		 cv_ed25519_sign(struct cv_arena *, const char *pem,
		    const void *p, size_t len,
		    unsigned char sig[CV_ED25519_SIG_LEN], char **pubpem);
/* 1 when sig (siglen bytes) is a valid Ed25519 signature of len bytes of
 * p under the public key in pubpem (PEM SubjectPublicKeyInfo); 0 when it
 * is not, or pubpem holds no Ed25519 public key. */
int		 cv_ed25519_verify(const char *pubpem, const void *p,
		    size_t len, const unsigned char *sig, size_t siglen);

#endif /* !CV_CRYPTO_H */
