/*
 * Hashes, MACs and encodings over OpenSSL 3 EVP; see cv_crypto.h.  The
 * base64 codecs are our own: OpenSSL's EVP_DecodeBlock() knows neither
 * the URL alphabet nor missing padding, and accepts trailing bits.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cv_arena.h"
#include "cv_crypto.h"
#include "cv_util.h"

static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * SHA-256 with EVP_Digest().  OpenSSL fails here only when it cannot
 * allocate a context or fetch the algorithm: the process cannot go on.
 */
void
cv_sha256(const void *p, size_t len, unsigned char out[CV_SHA256_LEN])
{
	unsigned int	 n = 0;

	if (EVP_Digest(p, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != CV_SHA256_LEN)
		cv_fatal("%s: EVP_Digest(SHA-256) failed", __func__);
}

char *
cv_sha256_hex(struct cv_arena *a, const void *p, size_t len)
{
	unsigned char	 md[CV_SHA256_LEN];
	char		*hex;

	cv_sha256(p, len, md);
	hex = cv_arena_alloc(a, 2 * CV_SHA256_LEN + 1);
	cv_hex(hex, md, CV_SHA256_LEN);
	return hex;
}

/*
 * HMAC-SHA256 with EVP_Q_mac().  An empty key is passed as a pointer to
 * a zero byte with length 0 (HMAC pads it with zeros, RFC 2104).  Fails
 * only as cv_sha256() does.
 */
void
cv_hmac_sha256(const void *key, size_t keylen, const void *p, size_t len,
    unsigned char out[CV_SHA256_LEN])
{
	static const unsigned char	 nokey[1];
	size_t				 n = 0;

	if (keylen == 0)
		key = nokey;
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen, p, len,
	    out, CV_SHA256_LEN, &n) == NULL || n != CV_SHA256_LEN)
		cv_fatal("%s: EVP_Q_mac(HMAC-SHA256) failed", __func__);
}

void
cv_hex(char *out, const unsigned char *p, size_t len)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

/*
 * Encodes len bytes of p with the 64-character alphabet abc, with '='
 * padding or without, into the arena.
 */
static char *
b64_encode(struct cv_arena *a, const char *abc, int pad, const void *p,
    size_t len)
{
	const unsigned char	*s = p;
	char			*out, *o;
	uint32_t		 v;
	size_t			 i, rest;

	out = o = cv_arena_alloc(a, (len + 2) / 3 * 4 + 1);
	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*o++ = abc[v >> 18];
		*o++ = abc[(v >> 12) & 0x3f];
		*o++ = abc[(v >> 6) & 0x3f];
		*o++ = abc[v & 0x3f];
	}
	rest = len - i;
	if (rest > 0) {
		v = (uint32_t)s[i] << 16;
		if (rest == 2)
			v |= (uint32_t)s[i + 1] << 8;
		*o++ = abc[v >> 18];
		*o++ = abc[(v >> 12) & 0x3f];
		if (rest == 2)
			*o++ = abc[(v >> 6) & 0x3f];
		else if (pad)
			*o++ = '=';
		if (pad)
			*o++ = '=';
	}
	*o = '\0';
	return out;
}

char *
cv_b64_encode(struct cv_arena *a, const void *p, size_t len)
{
	return b64_encode(a, b64std, 1, p, len);
}

char *
cv_b64url_encode(struct cv_arena *a, const void *p, size_t len)
{
	return b64_encode(a, b64url, 0, p, len);
}

/* The value of a base64url character, or -1. */
static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Decodes base64url.  Padding, when present, must make the length a
 * multiple of four; without it, a last group of 2 or 3 characters stands
 * for 1 or 2 bytes (a group of 1 is no encoding).  The bits a last group
 * does not use must be zero, so each byte string has one encoding.
 */
int
cv_b64url_decode(struct cv_arena *a, const char *s, size_t len,
    unsigned char **out, size_t *outlen)
{
	unsigned char	*buf, *o;
	uint32_t	 v = 0;
	size_t		 i, n, npad = 0;
	int		 c, bits = 0;

	*out = NULL;
	*outlen = 0;
	while (npad < 2 && npad < len && s[len - 1 - npad] == '=')
		npad++;
	if (npad > 0 && len % 4 != 0)
		return -1;
	n = len - npad;
	if (n % 4 == 1)
		return -1;
	buf = o = cv_arena_alloc(a, n / 4 * 3 + 3);
	for (i = 0; i < n; i++) {
		if ((c = b64url_value((unsigned char)s[i])) < 0)
			return -1;
		v = v << 6 | (uint32_t)c;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (unsigned char)(v >> bits);
			v &= (1u << bits) - 1;
		}
	}
	if (v != 0)
		return -1;
	*o = '\0';
	*out = buf;
	*outlen = (size_t)(o - buf);
	return 0;
}

int
cv_ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

/*
 * Ed25519 with EVP_DigestSign() (one shot: Ed25519 hashes inside).  The
 * key is read from PEM with PEM_read_bio_PrivateKey() and must be of type
 * EVP_PKEY_ED25519; the public key is written back as PEM with
 * PEM_write_bio_PUBKEY(), the SubjectPublicKeyInfo text that the
 * reference's fingerprints hash.  A failure leaves nothing in the
 * thread's OpenSSL error queue.
 */
int
cv_ed25519_sign(struct cv_arena *a, const char *pem, const void *p,
    size_t len, unsigned char sig[CV_ED25519_SIG_LEN], char **pubpem)
{
	EVP_PKEY	*key = NULL;
	EVP_MD_CTX	*ctx = NULL;
	BIO		*bio = NULL;
	char		*text;
	size_t		 siglen = CV_ED25519_SIG_LEN;
	long		 n;
	int		 rc = -1;

	if (pubpem != NULL)
		*pubpem = NULL;
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL ||
	    (key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL ||
	    EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
		goto out;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, p, len) != 1 ||
	    siglen != CV_ED25519_SIG_LEN)
		goto out;
	if (pubpem != NULL) {
		BIO_free(bio);
		if ((bio = BIO_new(BIO_s_mem())) == NULL ||
		    PEM_write_bio_PUBKEY(bio, key) != 1 ||
		    (n = BIO_get_mem_data(bio, &text)) <= 0)
			goto out;
		*pubpem = cv_arena_strndup(a, text, (size_t)n);
	}
	rc = 0;
out:
	if (rc != 0)
		ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	BIO_free(bio);
	return rc;
}

/* As cv_ed25519_sign(), with EVP_DigestVerify() over the PEM public
 * key. */
int
cv_ed25519_verify(const char *pubpem, const void *p, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_PKEY	*key = NULL;
	EVP_MD_CTX	*ctx = NULL;
	BIO		*bio = NULL;
	int		 ok = 0;

	if ((bio = BIO_new_mem_buf(pubpem, -1)) == NULL ||
	    (key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) == NULL ||
	    EVP_PKEY_get_id(key) != EVP_PKEY_ED25519 ||
	    siglen != CV_ED25519_SIG_LEN)
		goto out;
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, p, len) == 1)
		ok = 1;
out:
	if (!ok)
		ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	BIO_free(bio);
	return ok;
}
