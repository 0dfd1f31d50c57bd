/* A SoftHSM2 token for the PKCS#11 tests (env SOFTHSM2_LIB, default
 * /usr/lib/softhsm/libsofthsm2.so; its configuration and token directory in a temporary
 * directory): an RSA and an EC P-256 key, labelled rsa-key and ec-key, whose certificates
 * (rsa.pem, ec.pem in the token's directory) the CA of a fixture directory signs. */
#ifndef PKCS11_FIXTURE_H
#define PKCS11_FIXTURE_H

#include "mqtt_fixture.h"

#include <sys/stat.h>

#define FX_P11_PIN "4711"
#define FX_P11_TOKEN "aws-c-mqtt-test"

struct fx_p11 {
    char dir[64];     /* the token's directory, with the keys' certificates */
    char module[256]; /* the SoftHSM2 module */
    uint64_t slot;    /* the token's slot id */
};

/* The module's path into t->module; 1 (with a message) when it is not there. */
static inline int fx_p11_module(struct fx_p11 *t) {
    const char *module = getenv("SOFTHSM2_LIB");
    snprintf(t->module, sizeof(t->module), "%s", module && module[0] ? module : "/usr/lib/softhsm/libsofthsm2.so");
    if (access(t->module, R_OK) != 0) {
        fprintf(stderr, "SoftHSM2 not found at %s (scripts/ensure-tools.sh installs softhsm2)\n", t->module);
        return 1;
    }
    return 0;
}

/* A key pair of `kind` ("rsa" or "ec"), its certificate signed by the CA of `ca_dir` (ca.pem,
 * ca.key), and the key imported into the token under label `kind`-key. */
static inline int fx_p11_make_key(const struct fx_p11 *t, const char *ca_dir, const char *kind) {
    const char *genpkey = strcmp(kind, "rsa") == 0 ? "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
                                                   : "-algorithm EC -pkeyopt ec_paramgen_curve:P-256";
    char command[2048];
    snprintf(command, sizeof(command),
             "(set -e; cd '%s'; openssl genpkey %s -out %s.key;"
             "openssl req -new -key %s.key -out %s.csr -subj '/CN=pkcs11 %s client';"
             "printf 'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
             "extendedKeyUsage=clientAuth\\n' > %s.ext;"
             "openssl x509 -req -in %s.csr -CA '%s/ca.pem' -CAkey '%s/ca.key' -CAcreateserial -out %s.pem"
             "  -days 30 -extfile %s.ext;"
             "softhsm2-util --import %s.key --token %s --label %s-key --id %s --pin %s) >/dev/null 2>&1",
             t->dir, genpkey, kind, kind, kind, kind, kind, kind, ca_dir, ca_dir, kind, kind, kind, FX_P11_TOKEN,
             kind, strcmp(kind, "rsa") == 0 ? "01" : "02", FX_P11_PIN);
    return fx_sh(command);
}

/* A fresh token (its slot id into t->slot) holding both keys, certified by the CA of `ca_dir`.
 * SoftHSM reads its configuration from the environment: SOFTHSM2_CONF is set for this process
 * and the tools it runs. */
static inline int fx_p11_make_token(struct fx_p11 *t, const char *ca_dir) {
    snprintf(t->dir, sizeof(t->dir), "/tmp/pkcs11-XXXXXX");
    CHECK(mkdtemp(t->dir) != NULL);
    fx_track(0, t->dir);
    char conf[512], tokens[256];
    snprintf(tokens, sizeof(tokens), "%s", fx_path(t->dir, "tokens"));
    CHECK_INT_EQ(mkdir(tokens, 0700), 0);
    snprintf(conf, sizeof(conf), "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
    CHECK_INT_EQ(fx_write_file(fx_path(t->dir, "softhsm2.conf"), conf), 0);
    CHECK_INT_EQ(setenv("SOFTHSM2_CONF", fx_path(t->dir, "softhsm2.conf"), 1), 0);
    FILE *init = popen("softhsm2-util --init-token --free --label " FX_P11_TOKEN " --pin " FX_P11_PIN
                       " --so-pin 0000 2>&1",
                       "r");
    CHECK(init != NULL);
    char line[512];
    bool slot_found = false;
    while (fgets(line, sizeof(line), init)) {
        const char *at = strstr(line, "reassigned to slot ");
        if (at) {
            t->slot = strtoull(at + strlen("reassigned to slot "), NULL, 10);
            slot_found = true;
        }
    }
    CHECK_INT_EQ(pclose(init), 0);
    CHECK(slot_found);
    CHECK_INT_EQ(fx_p11_make_key(t, ca_dir, "rsa"), 0);
    CHECK_INT_EQ(fx_p11_make_key(t, ca_dir, "ec"), 0);
    return 0;
}

#endif /* PKCS11_FIXTURE_H */
