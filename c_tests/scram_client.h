/* The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) for the enhanced authentication tests:
 * SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104), PBKDF2 (RFC 8018) written out here, since the
 * library exports no hash (a test must not borrow the code it tests), and base64 through
 * aws/common/encoding.h. The known-answer checks in scram_self_test pin each piece. */
#ifndef SCRAM_CLIENT_H
#define SCRAM_CLIENT_H

#include <aws/common/byte_buf.h>
#include <aws/common/encoding.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- SHA-256 -------------------------------------------------------------------------------- */

struct scram_sha256 {
    uint32_t h[8];
    uint64_t length;
    uint8_t block[64];
    size_t used;
};

static const uint32_t s_scram_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t s_scram_rotr(uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

static inline void s_scram_compress(struct scram_sha256 *s, const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (int i = 16; i < 64; ++i) {
        uint32_t s0 = s_scram_rotr(w[i - 15], 7) ^ s_scram_rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = s_scram_rotr(w[i - 2], 17) ^ s_scram_rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; ++i) {
        uint32_t t1 = h + (s_scram_rotr(e, 6) ^ s_scram_rotr(e, 11) ^ s_scram_rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                      s_scram_k[i] + w[i];
        uint32_t t2 = (s_scram_rotr(a, 2) ^ s_scram_rotr(a, 13) ^ s_scram_rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

static inline void scram_sha256_init(struct scram_sha256 *s) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof(iv));
    s->length = 0;
    s->used = 0;
}

static inline void scram_sha256_update(struct scram_sha256 *s, const void *data, size_t len) {
    const uint8_t *p = data;
    s->length += len;
    while (len > 0) {
        size_t take = 64 - s->used < len ? 64 - s->used : len;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        len -= take;
        if (s->used == 64) {
            s_scram_compress(s, s->block);
            s->used = 0;
        }
    }
}

static inline void scram_sha256_final(struct scram_sha256 *s, uint8_t out[32]) {
    uint64_t bits = s->length * 8;
    uint8_t pad = 0x80;
    scram_sha256_update(s, &pad, 1);
    uint8_t zero = 0;
    while (s->used != 56) {
        scram_sha256_update(s, &zero, 1);
    }
    uint8_t len[8];
    for (int i = 0; i < 8; ++i) {
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    scram_sha256_update(s, len, 8);
    for (int i = 0; i < 8; ++i) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

static inline void scram_sha256(const void *data, size_t len, uint8_t out[32]) {
    struct scram_sha256 s;
    scram_sha256_init(&s);
    scram_sha256_update(&s, data, len);
    scram_sha256_final(&s, out);
}

/* HMAC-SHA256 of two concatenated parts (the second may be empty). */
static inline void scram_hmac(const uint8_t *key, size_t key_len, const void *a, size_t a_len, const void *b,
                              size_t b_len, uint8_t out[32]) {
    uint8_t k[64] = {0};
    if (key_len > 64) {
        scram_sha256(key, key_len, k);
    } else {
        memcpy(k, key, key_len);
    }
    uint8_t ipad[64], opad[64];
    for (int i = 0; i < 64; ++i) {
        ipad[i] = k[i] ^ 0x36;
        opad[i] = k[i] ^ 0x5c;
    }
    uint8_t inner[32];
    struct scram_sha256 s;
    scram_sha256_init(&s);
    scram_sha256_update(&s, ipad, 64);
    scram_sha256_update(&s, a, a_len);
    scram_sha256_update(&s, b, b_len);
    scram_sha256_final(&s, inner);
    scram_sha256_init(&s);
    scram_sha256_update(&s, opad, 64);
    scram_sha256_update(&s, inner, 32);
    scram_sha256_final(&s, out);
}

/* PBKDF2-HMAC-SHA256, one 32-byte block (SCRAM's SaltedPassword). */
static inline void scram_pbkdf2(const char *password, const uint8_t *salt, size_t salt_len, uint32_t iterations,
                                uint8_t out[32]) {
    const uint8_t one[4] = {0, 0, 0, 1};
    uint8_t u[32];
    scram_hmac((const uint8_t *)password, strlen(password), salt, salt_len, one, 4, u);
    memcpy(out, u, 32);
    for (uint32_t i = 1; i < iterations; ++i) {
        scram_hmac((const uint8_t *)password, strlen(password), u, 32, NULL, 0, u);
        for (int j = 0; j < 32; ++j) {
            out[j] ^= u[j];
        }
    }
}

/* ---- The exchange -------------------------------------------------------------------------- */

struct scram_client {
    char client_first[256];     /* n,,n=USER,r=NONCE */
    char client_final[512];     /* c=biws,r=...,p=... */
    char server_signature[64];  /* v=... expected in the server-final message */
};

/* The client-first message for `user` with `nonce`. */
static inline void scram_client_start(struct scram_client *c, const char *user, const char *nonce) {
    memset(c, 0, sizeof(*c));
    snprintf(c->client_first, sizeof(c->client_first), "n,,n=%s,r=%s", user, nonce);
}

/* The value of attribute `name` in a SCRAM message, copied into out; 0 when found. */
static inline int scram_attribute(const char *message, size_t len, char name, char *out, size_t out_size) {
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && message[end] != ',') {
            ++end;
        }
        if (end - i >= 2 && message[i] == name && message[i + 1] == '=') {
            size_t n = end - i - 2;
            if (n + 1 > out_size) {
                return 1;
            }
            memcpy(out, message + i + 2, n);
            out[n] = '\0';
            return 0;
        }
        i = end + 1;
    }
    return 1;
}

static inline int scram_base64(const uint8_t *bytes, size_t len, char *out, size_t out_size) {
    struct aws_byte_cursor in = aws_byte_cursor_from_array(bytes, len);
    struct aws_byte_buf buf = aws_byte_buf_from_empty_array(out, out_size - 1);
    if (aws_base64_encode(&in, &buf) != AWS_OP_SUCCESS) {
        return 1;
    }
    out[buf.len] = '\0';
    return 0;
}

/* Answers the server-first message with the client-final one for `password`; 0 on success. */
static inline int scram_client_answer(struct scram_client *c, const char *password, const char *server_first,
                                      size_t len) {
    char nonce[128], salt64[64], iterations[16];
    if (scram_attribute(server_first, len, 'r', nonce, sizeof(nonce)) ||
        scram_attribute(server_first, len, 's', salt64, sizeof(salt64)) ||
        scram_attribute(server_first, len, 'i', iterations, sizeof(iterations))) {
        return 1;
    }
    uint8_t salt[64];
    struct aws_byte_cursor salt_text = aws_byte_cursor_from_c_str(salt64);
    struct aws_byte_buf salt_buf = aws_byte_buf_from_empty_array(salt, sizeof(salt));
    if (aws_base64_decode(&salt_text, &salt_buf) != AWS_OP_SUCCESS) {
        return 1;
    }
    uint8_t salted[32], client_key[32], stored_key[32], client_signature[32], proof[32], server_key[32],
        server_signature[32];
    scram_pbkdf2(password, salt, salt_buf.len, (uint32_t)atoi(iterations), salted);
    scram_hmac(salted, 32, "Client Key", 10, NULL, 0, client_key);
    scram_sha256(client_key, 32, stored_key);
    char without_proof[256];
    snprintf(without_proof, sizeof(without_proof), "c=biws,r=%s", nonce);
    char auth_message[1024];
    snprintf(auth_message, sizeof(auth_message), "%s,%.*s,%s", c->client_first + 3, (int)len, server_first,
             without_proof);
    scram_hmac(stored_key, 32, auth_message, strlen(auth_message), NULL, 0, client_signature);
    for (int i = 0; i < 32; ++i) {
        proof[i] = client_key[i] ^ client_signature[i];
    }
    char proof64[64];
    if (scram_base64(proof, 32, proof64, sizeof(proof64))) {
        return 1;
    }
    snprintf(c->client_final, sizeof(c->client_final), "%s,p=%s", without_proof, proof64);
    scram_hmac(salted, 32, "Server Key", 10, NULL, 0, server_key);
    scram_hmac(server_key, 32, auth_message, strlen(auth_message), NULL, 0, server_signature);
    char signature64[60];
    if (scram_base64(server_signature, 32, signature64, sizeof(signature64))) {
        return 1;
    }
    snprintf(c->server_signature, sizeof(c->server_signature), "v=%s", signature64);
    return 0;
}

/* RFC 7677's example, end to end: 0 when every piece above computes its known answer. */
static inline int scram_self_test(void) {
    struct scram_client c;
    scram_client_start(&c, "user", "rOprNGfwEbeRWgbNEkqO");
    const char *server_first =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    if (scram_client_answer(&c, "pencil", server_first, strlen(server_first))) {
        return 1;
    }
    const char *final = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    if (strcmp(c.client_final, final) != 0) {
        fprintf(stderr, "SCRAM self test: got %s\n", c.client_final);
        return 1;
    }
    return strcmp(c.server_signature, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=") != 0;
}

#endif
