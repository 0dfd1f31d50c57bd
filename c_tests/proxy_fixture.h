/* HTTP proxies for the C tests: tinyproxy (env TINYPROXY, default /usr/bin/tinyproxy) run as
 * the test's child on a free port, allowing CONNECT to one port, with basic authentication when
 * asked; and a TLS front (socat, env SOCAT) that terminates TLS for it, for TLS to the proxy. */
#ifndef PROXY_FIXTURE_H
#define PROXY_FIXTURE_H

#include "mqtt_fixture.h"

#include <aws/http/proxy.h>

#define FX_PROXY_USER "proxyuser"
#define FX_PROXY_PASSWORD "proxy-secret"


struct fx_proxy {
    pid_t pid;
    int port;
    char dir[64];
};

/* Starts tinyproxy allowing CONNECT to `connect_port` only, with basic authentication when
 * `basic_auth`; waits until its port accepts connections. */
static inline int fx_proxy_start(struct fx_proxy *p, int connect_port, bool basic_auth) {
    memset(p, 0, sizeof(*p));
    const char *tinyproxy = getenv("TINYPROXY");
    if (!tinyproxy || !tinyproxy[0]) {
        tinyproxy = "/usr/bin/tinyproxy";
    }
    if (access(tinyproxy, X_OK) != 0) {
        fprintf(stderr, "tinyproxy not found at %s (scripts/ensure-tools.sh installs it)\n", tinyproxy);
        return 1;
    }
    snprintf(p->dir, sizeof(p->dir), "/tmp/http-proxy-XXXXXX");
    CHECK(mkdtemp(p->dir) != NULL);
    fx_track(0, p->dir);
    char conf_path[192], log_path[192], program[256];
    snprintf(conf_path, sizeof(conf_path), "%s", fx_path(p->dir, "tinyproxy.conf"));
    snprintf(log_path, sizeof(log_path), "%s", fx_path(p->dir, "tinyproxy.log"));
    snprintf(program, sizeof(program), "%s", tinyproxy);
    /* Another process may take the port between our probe and tinyproxy's bind: try again. */
    for (int attempt = 0; attempt < 5; ++attempt) {
        p->port = fx_free_port();
        CHECK(p->port > 0);
        char conf[1024];
        int n = snprintf(conf, sizeof(conf),
                         "Port %d\nListen 127.0.0.1\nTimeout 60\nMaxClients 16\nLogLevel Info\n"
                         "LogFile \"%s\"\nConnectPort %d\n",
                         p->port, log_path, connect_port);
        if (basic_auth) {
            snprintf(conf + n, sizeof(conf) - n, "BasicAuth %s %s\n", FX_PROXY_USER, FX_PROXY_PASSWORD);
        }
        CHECK_INT_EQ(fx_write_file(conf_path, conf), 0);
        /* -d: stay in the foreground, as our child. */
        char *argv[] = {program, "-d", "-c", conf_path, NULL};
        p->pid = fx_spawn(argv, -1, fx_path(p->dir, "tinyproxy.stderr"));
        CHECK(p->pid > 0);
        fx_track(p->pid, NULL);
        uint64_t deadline = fx_now_ns() + 10000000000ULL;
        while (fx_now_ns() < deadline && fx_child_alive(p->pid)) {
            if (fx_port_accepts(p->port)) {
                return 0;
            }
            fx_sleep_ms(20);
        }
        fx_print_file("tinyproxy log", log_path);
        fx_print_file("tinyproxy stderr", fx_path(p->dir, "tinyproxy.stderr"));
        fx_kill_and_reap(p->pid);
        p->pid = 0;
    }
    fprintf(stderr, "tinyproxy did not start\n");
    return 1;
}

static inline void fx_proxy_stop(struct fx_proxy *p) {
    fx_kill_and_reap(p->pid);
    p->pid = 0;
    fx_remove_dir(p->dir);
    p->dir[0] = '\0';
}

/* Proxy options for the proxy at 127.0.0.1:port, with basic credentials when `user` is set. */
static inline struct aws_http_proxy_options fx_proxy_options(int port, const char *user, const char *password) {
    struct aws_http_proxy_options options;
    memset(&options, 0, sizeof(options));
    options.connection_type = AWS_HPCT_HTTP_TUNNEL;
    options.host = fx_cur("127.0.0.1");
    options.port = (uint32_t)port;
    if (user) {
        options.auth_type = AWS_HPAT_BASIC;
        options.auth_username = fx_cur(user);
        options.auth_password = fx_cur(password);
    }
    return options;
}

struct fx_tls_front {
    pid_t pid;
    int port;
};

/* Starts socat terminating TLS (certificate `cert`, key `key`) on a free port and forwarding
 * each connection to 127.0.0.1:`target_port`; waits until its port accepts connections. */
static inline int fx_tls_front_start(struct fx_tls_front *f, int target_port, const char *cert, const char *key) {
    memset(f, 0, sizeof(*f));
    const char *socat = getenv("SOCAT");
    if (!socat || !socat[0]) {
        socat = "/usr/bin/socat";
    }
    if (access(socat, X_OK) != 0) {
        fprintf(stderr, "socat not found at %s (scripts/ensure-tools.sh installs it)\n", socat);
        return 1;
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
        f->port = fx_free_port();
        CHECK(f->port > 0);
        char listen[512], target[64], program[256];
        snprintf(listen, sizeof(listen), "OPENSSL-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork,cert=%s,key=%s,verify=0",
                 f->port, cert, key);
        snprintf(target, sizeof(target), "TCP:127.0.0.1:%d", target_port);
        snprintf(program, sizeof(program), "%s", socat);
        char *argv[] = {program, listen, target, NULL};
        f->pid = fx_spawn(argv, -1, NULL);
        CHECK(f->pid > 0);
        fx_track(f->pid, NULL);
        uint64_t deadline = fx_now_ns() + 10000000000ULL;
        while (fx_now_ns() < deadline && fx_child_alive(f->pid)) {
            if (fx_port_accepts(f->port)) {
                return 0;
            }
            fx_sleep_ms(20);
        }
        fx_kill_and_reap(f->pid);
        f->pid = 0;
    }
    fprintf(stderr, "socat did not start\n");
    return 1;
}

static inline void fx_tls_front_stop(struct fx_tls_front *f) {
    fx_kill_and_reap(f->pid);
    f->pid = 0;
}

#endif /* PROXY_FIXTURE_H */
