/*
 * Hashes, MACs and encodings over OpenSSL 3 (EVP): SHA-256, HMAC-SHA256,
 * hex, base64 and base64url, and a constant-time compare.  Nothing here
 * keeps state; every function is safe from several threads at once.
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

#endif /* !CV_CRYPTO_H */
