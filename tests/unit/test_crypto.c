/*
 * Unit tests of lib/crypto.c against published vectors: SHA-256
 * (FIPS 180-2), HMAC-SHA256 (RFC 4231), base64 and base64url
 * (RFC 4648), Ed25519 (RFC 8032), and the refusals.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cavra.h"
#include "cv_crypto.h"

static struct cv_arena	 arena;

static void
setup(void)
{
	cv_arena_init(&arena);
}

static void
teardown(void)
{
	cv_arena_free(&arena);
}

TestSuite(crypto, .init = setup, .fini = teardown);

Test(crypto, sha256_vectors)
{
	cr_assert_str_eq(cv_sha256_hex(&arena, "abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cr_assert_str_eq(cv_sha256_hex(&arena, "", 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	cr_assert_str_eq(cv_sha256_hex(&arena,
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(crypto, hmac_sha256_rfc4231)
{
	unsigned char	 key[20], mac[CV_SHA256_LEN];
	char		 hex[2 * CV_SHA256_LEN + 1];

	memset(key, 0x0b, sizeof(key));
	cv_hmac_sha256(key, sizeof(key), "Hi There", 8, mac);
	cv_hex(hex, mac, sizeof(mac));
	cr_assert_str_eq(hex,
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	cv_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	cv_hex(hex, mac, sizeof(mac));
	cr_assert_str_eq(hex,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* An empty key is HMAC's all-zero key, not an error. */
	cv_hmac_sha256(NULL, 0, "", 0, mac);
	cv_hex(hex, mac, sizeof(mac));
	cr_assert_str_eq(hex,
	    "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

Test(crypto, hex)
{
	static const unsigned char	 b[] = { 0x00, 0x7f, 0x80, 0xff };
	char				 out[9];

	cv_hex(out, b, sizeof(b));
	cr_assert_str_eq(out, "007f80ff");
}

/* RFC 4648 section 10. */
static const char *const vec[][3] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

Test(crypto, base64_rfc4648_vectors)
{
	unsigned char	*out;
	size_t		 i, n;

	for (i = 0; i < nitems(vec); i++) {
		cr_assert_str_eq(cv_b64_encode(&arena, vec[i][0],
		    strlen(vec[i][0])), vec[i][1]);
		cr_assert_str_eq(cv_b64url_encode(&arena, vec[i][0],
		    strlen(vec[i][0])), vec[i][2]);
		/* Decoded with and without the padding. */
		cr_assert_eq(cv_b64url_decode(&arena, vec[i][1],
		    strlen(vec[i][1]), &out, &n), 0, "%s", vec[i][1]);
		cr_assert_eq(n, strlen(vec[i][0]));
		cr_assert_str_eq((char *)out, vec[i][0]);
		cr_assert_eq(cv_b64url_decode(&arena, vec[i][2],
		    strlen(vec[i][2]), &out, &n), 0, "%s", vec[i][2]);
		cr_assert_eq(n, strlen(vec[i][0]));
		cr_assert_str_eq((char *)out, vec[i][0]);
	}
}

Test(crypto, base64url_alphabet)
{
	static const unsigned char	 b[] = { 0xfb, 0xff, 0xbf };
	unsigned char			*out;
	size_t				 n;

	cr_assert_str_eq(cv_b64_encode(&arena, b, 3), "+/+/");
	cr_assert_str_eq(cv_b64url_encode(&arena, b, 3), "-_-_");
	cr_assert_eq(cv_b64url_decode(&arena, "-_-_", 4, &out, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(memcmp(out, b, 3), 0);
	/* The standard alphabet's + and / are not base64url. */
	cr_assert_eq(cv_b64url_decode(&arena, "+/+/", 4, &out, &n), -1);
	cr_assert_null(out);
}

Test(crypto, base64url_refusals)
{
	static const char *const bad[] = {
		"Z",		/* a group of one character encodes nothing */
		"A",
		"Zm9vY",
		"Zm9vA",
		"Zh",		/* trailing bits not zero ("f" is Zg) */
		"Zm9=",		/* trailing bits not zero ("fo" is Zm8) */
		"Zg=",		/* padding that does not complete a group */
		"Zm9v=",	/* padding after a whole group */
		"Zg===",
		"====",
		"Zg=a",		/* '=' inside */
		"Zm 9v",	/* space */
		"Zm9v\n",	/* newline */
		"Zm.9",
	};
	unsigned char	*out;
	size_t		 i, n;

	for (i = 0; i < nitems(bad); i++)
		cr_assert_eq(cv_b64url_decode(&arena, bad[i], strlen(bad[i]),
		    &out, &n), -1, "%s was accepted", bad[i]);
	/* A NUL inside the given length is not in the alphabet. */
	cr_assert_eq(cv_b64url_decode(&arena, "Zm\0v", 4, &out, &n), -1);
}

Test(crypto, base64url_round_trip)
{
	unsigned char	 b[67], *out;
	size_t		 len, i, n;
	char		*s;

	for (i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)(i * 37 + 11);
	for (len = 0; len <= sizeof(b); len++) {
		s = cv_b64url_encode(&arena, b, len);
		cr_assert_eq(strchr(s, '='), NULL);
		cr_assert_eq(cv_b64url_decode(&arena, s, strlen(s), &out, &n),
		    0, "%zu bytes", len);
		cr_assert_eq(n, len);
		cr_assert_eq(memcmp(out, b, len), 0);
		cr_assert_eq(out[n], '\0');
	}
}

Test(crypto, ct_equal)
{
	cr_assert(cv_ct_equal("abcdef", "abcdef", 6));
	cr_assert_not(cv_ct_equal("abcdef", "abcdeg", 6));
	cr_assert_not(cv_ct_equal("xbcdef", "abcdef", 6));
	cr_assert(cv_ct_equal("a", "b", 0));
}

/* Bytes of the hex text h into out (room for strlen(h) / 2). */
static void
unhex(const char *h, unsigned char *out)
{
	size_t	 i;

	for (i = 0; h[2 * i] != '\0'; i++)
		cr_assert_eq(sscanf(h + 2 * i, "%2hhx", &out[i]), 1);
}

/* PEM text of DER bytes under a label, 64 columns per line. */
static char *
pem(const char *label, const unsigned char *der, size_t len)
{
	const char	*b64;
	char		*out, *o;
	size_t		 i, n;

	b64 = cv_b64_encode(&arena, der, len);
	n = strlen(b64);
	out = cv_arena_alloc(&arena, n + n / 64 + 2 * strlen(label) + 64);
	o = out + sprintf(out, "-----BEGIN %s-----\n", label);
	for (i = 0; i < n; i += 64)
		o += sprintf(o, "%.64s\n", b64 + i);
	sprintf(o, "-----END %s-----\n", label);
	return out;
}

/*
 * RFC 8032 section 7.1 TEST 1: the signature of the empty message, the
 * public key written back as SubjectPublicKeyInfo PEM, verification, and
 * the refusals (another message, a changed signature, a key that is not
 * Ed25519, a short signature).
 */
Test(crypto, ed25519_rfc8032)
{
	unsigned char	 der[48], pub[44], want[64], sig[CV_ED25519_SIG_LEN];
	char		*priv_pem, *pub_pem, *got_pub;

	unhex("302e020100300506032b657004220420"
	    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	    der);
	unhex("302a300506032b6570032100"
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	    pub);
	unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
	    want);
	priv_pem = pem("PRIVATE KEY", der, sizeof(der));
	pub_pem = pem("PUBLIC KEY", pub, sizeof(pub));
	cr_assert_eq(cv_ed25519_sign(&arena, priv_pem, "", 0, sig, &got_pub),
	    0);
	cr_assert_eq(memcmp(sig, want, sizeof(want)), 0);
	cr_assert_str_eq(got_pub, pub_pem);
	cr_assert(cv_ed25519_verify(pub_pem, "", 0, sig, sizeof(sig)));
	cr_assert_not(cv_ed25519_verify(pub_pem, "x", 1, sig, sizeof(sig)));
	cr_assert_not(cv_ed25519_verify(pub_pem, "", 0, sig, sizeof(sig) - 1));
	sig[10] ^= 1;
	cr_assert_not(cv_ed25519_verify(pub_pem, "", 0, sig, sizeof(sig)));
	/* Without a public key to return, and over a longer message. */
	cr_assert_eq(cv_ed25519_sign(&arena, priv_pem, "abc", 3, sig, NULL),
	    0);
	cr_assert(cv_ed25519_verify(pub_pem, "abc", 3, sig, sizeof(sig)));
	/* Not an Ed25519 key: a public key given as private, garbage. */
	cr_assert_eq(cv_ed25519_sign(&arena, pub_pem, "", 0, sig, &got_pub),
	    -1);
	cr_assert_null(got_pub);
	cr_assert_eq(cv_ed25519_sign(&arena, "not a key", "", 0, sig, NULL),
	    -1);
	cr_assert_not(cv_ed25519_verify(priv_pem, "", 0, want, sizeof(want)));
	cr_assert_not(cv_ed25519_verify("", "", 0, want, sizeof(want)));
}
