/* Both MQTT clients through a real HTTP CONNECT proxy on loopback: tinyproxy (env TINYPROXY,
 * default /usr/bin/tinyproxy), run as this program's child with a generated config on a free
 * port, allowing CONNECT to the broker's port only, with basic authentication when a case asks.
 * Behind it mosquitto, plain or with TLS (the TLS to the broker then runs inside the tunnel).
 * Cases: the 3.1.1 client and the MQTT 5 client, plain and TLS with basic authentication, each
 * a subscribe/publish round trip; wrong credentials (tinyproxy answers 407) and a forbidden port
 * (403) fail the attempt with AWS_ERROR_HTTP_PROXY_CONNECT_FAILED; the MQTT 5 client's
 * validation of the proxy options. */
#include "mqtt5_fixture.h"

#include <aws/http/http.h>
#include <aws/http/proxy.h>
#include <aws/io/tls_channel_handler.h>

#define PROXY_USER "proxyuser"
#define PROXY_PASSWORD "proxy-secret"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;

struct fx_proxy {
    pid_t pid;
    int port;
    char dir[64];
};

/* Starts tinyproxy allowing CONNECT to `connect_port` only, with basic authentication when
 * `basic_auth`; waits until its port accepts connections. */
static int s_proxy_start(struct fx_proxy *p, int connect_port, bool basic_auth) {
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
            snprintf(conf + n, sizeof(conf) - n, "BasicAuth %s %s\n", PROXY_USER, PROXY_PASSWORD);
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

static void s_proxy_stop(struct fx_proxy *p) {
    fx_kill_and_reap(p->pid);
    p->pid = 0;
    fx_remove_dir(p->dir);
    p->dir[0] = '\0';
}

/* Proxy options for the proxy at 127.0.0.1:port, with basic credentials when `user` is set. */
static struct aws_http_proxy_options s_proxy_options(int port, const char *user, const char *password) {
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

/* TLS options trusting the broker's CA (for the name "localhost"); NULL when `m_dir` is NULL. */
static int s_broker_tls(const char *m_dir, struct aws_tls_ctx **ctx, struct aws_tls_connection_options *tls) {
    struct aws_tls_ctx_options ctx_options;
    aws_tls_ctx_options_init_default_client(&ctx_options, s_alloc);
    CHECK_INT_EQ(fx_tls_connection_options(s_alloc, &ctx_options, fx_path(m_dir, "ca.pem"), ctx, tls), 0);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* MQTT 3.1.1                                                                                 */

/* Connects through the proxy (TLS to the broker when `tls_dir` names the broker's
 * certificates); on success a QoS 1 round trip, then disconnect. The outcome is in `ev`. */
static int s_311_attempt(int broker_port, const char *tls_dir, struct aws_http_proxy_options *proxy,
                         struct fx_events *ev) {
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_http_proxy_options(c, proxy), AWS_OP_SUCCESS);
    /* The connection copied the proxy options. */
    memset(proxy, 0xA5, sizeof(*proxy));

    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, broker_port, "fx-proxy", ev);
    if (tls_dir) {
        CHECK_INT_EQ(s_broker_tls(tls_dir, &ctx, &tls), 0);
        options.tls_options = &tls;
    }
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    if (tls_dir) {
        aws_tls_connection_options_clean_up(&tls);
        aws_tls_ctx_release(ctx);
    }
    CHECK_WAIT(ev, ev->complete == 1, 10000);

    if (ev->complete_error == AWS_ERROR_SUCCESS) {
        CHECK_INT_EQ(fx_subscribe(c, ev, "proxy/#", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
        struct aws_byte_cursor topic = fx_cur("proxy/echo");
        struct aws_byte_cursor payload = fx_cur("tunnelled");
        CHECK(aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload, NULL, NULL) !=
              0);
        CHECK_WAIT(ev, fx_received_locked(ev, "proxy/echo", false) == 1, 5000);
        CHECK_INT_EQ(fx_disconnect_and_release(c, ev), 0);
    } else {
        CHECK_WAIT(ev, ev->failure == 1, 5000);
        CHECK_INT_EQ(ev->failure_error, ev->complete_error);
        aws_mqtt_client_connection_release(c);
        CHECK_WAIT(ev, ev->terminated == 1, 5000);
    }
    return 0;
}

static int test_311_through_the_proxy(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(s_proxy_start(&p, m.port, false), 0);
    struct aws_http_proxy_options proxy = s_proxy_options(p.port, NULL, NULL);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev.complete_return_code, AWS_MQTT_CONNECT_ACCEPTED);
    fx_events_clean_up(&ev);
    s_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_311_tls_through_the_proxy_with_basic_auth(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(s_proxy_start(&p, m.port, true), 0);
    struct aws_http_proxy_options proxy = s_proxy_options(p.port, PROXY_USER, PROXY_PASSWORD);
    struct fx_events ev;
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, m.dir, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    fx_events_clean_up(&ev);
    s_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_311_refusals_fail_with_the_connect_failure(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_events ev;

    /* Wrong credentials: 407. */
    struct fx_proxy p;
    CHECK_INT_EQ(s_proxy_start(&p, m.port, true), 0);
    struct aws_http_proxy_options proxy = s_proxy_options(p.port, PROXY_USER, "wrong");
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED);
    CHECK_INT_EQ(ev.success, 0);
    fx_events_clean_up(&ev);
    /* No credentials at all: 407 too. */
    proxy = s_proxy_options(p.port, NULL, NULL);
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED);
    fx_events_clean_up(&ev);
    s_proxy_stop(&p);

    /* A port the proxy does not CONNECT to: 403. */
    CHECK_INT_EQ(s_proxy_start(&p, m.port + 1 > 65535 ? 1 : m.port + 1, false), 0);
    proxy = s_proxy_options(p.port, NULL, NULL);
    fx_events_init(&ev);
    CHECK_INT_EQ(s_311_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED);
    fx_events_clean_up(&ev);
    s_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_311_setter_arguments(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_http_proxy_options(c, NULL), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_http_proxy_options proxy = s_proxy_options(1, NULL, NULL);
    proxy.auth_type = 7;
    CHECK_INT_EQ(aws_mqtt_client_connection_set_http_proxy_options(c, &proxy), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 5000);
    fx_events_clean_up(&ev);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* MQTT 5                                                                                     */

/* Starts a client through the proxy and waits for the first attempt's outcome; on success a
 * QoS 1 round trip. Stops and releases it. */
static int s_5_attempt(int broker_port, const char *tls_dir, struct aws_http_proxy_options *proxy,
                       struct fx5_events *ev) {
    struct fx5_config cfg;
    fx5_config_init(&cfg, s_io.bootstrap, broker_port, "fx5-proxy", ev);
    cfg.options.http_proxy_options = proxy;
    struct aws_tls_ctx *ctx = NULL;
    struct aws_tls_connection_options tls;
    if (tls_dir) {
        CHECK_INT_EQ(s_broker_tls(tls_dir, &ctx, &tls), 0);
        cfg.options.tls_options = &tls;
    }
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, ev, &c), 0);
    /* The client copied the options. */
    if (tls_dir) {
        aws_tls_connection_options_clean_up(&tls);
        aws_tls_ctx_release(ctx);
    }
    memset(proxy, 0xA5, sizeof(*proxy));
    CHECK_WAIT(ev,
               fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) +
                       fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >=
                   1,
               10000);
    if (fx5_count(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 1) {
        CHECK_INT_EQ(fx5_subscribe(c, ev, "proxy5/#", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
        struct fx5_op *op = fx5_publish(c, ev, "proxy5/echo", AWS_MQTT5_QOS_AT_LEAST_ONCE, "tunnelled");
        CHECK(op != NULL);
        CHECK_WAIT(ev, op->completions == 1 && fx5_received_locked(ev, "proxy5/echo") == 1, 10000);
        CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    }
    return fx5_finish(c, ev);
}

static int test_5_through_the_proxy_plain_and_tls_with_basic_auth(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(s_proxy_start(&p, m.port, false), 0);
    struct aws_http_proxy_options proxy = s_proxy_options(p.port, NULL, NULL);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);
    s_proxy_stop(&p);
    fx_mosquitto_stop(&m);

    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_TLS), 0);
    CHECK_INT_EQ(s_proxy_start(&p, m.port, true), 0);
    proxy = s_proxy_options(p.port, PROXY_USER, PROXY_PASSWORD);
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(m.port, m.dir, &proxy, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 1);
    fx5_events_clean_up(&ev);
    s_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_5_wrong_credentials_fail_with_the_connect_failure(void) {
    struct fx_mosquitto m;
    CHECK_INT_EQ(fx_mosquitto_start(&m, FX_MOSQUITTO_ANONYMOUS), 0);
    struct fx_proxy p;
    CHECK_INT_EQ(s_proxy_start(&p, m.port, true), 0);
    struct aws_http_proxy_options proxy = s_proxy_options(p.port, "someone", PROXY_PASSWORD);
    struct fx5_events ev;
    fx5_events_init(&ev);
    CHECK_INT_EQ(s_5_attempt(m.port, NULL, &proxy, &ev), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 0);
    struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(failure.error_code, AWS_ERROR_HTTP_PROXY_CONNECT_FAILED);
    CHECK(!failure.has_connack);
    fx5_events_clean_up(&ev);
    s_proxy_stop(&p);
    fx_mosquitto_stop(&m);
    return 0;
}

static int test_5_proxy_options_validation(void) {
    struct fx5_events ev;
    fx5_events_init(&ev);
    struct fx5_config cfg;
    fx5_config_init(&cfg, s_io.bootstrap, 1883, "fx5-proxy-validation", &ev);
    struct aws_http_proxy_options proxy = s_proxy_options(3128, NULL, NULL);
    cfg.options.http_proxy_options = &proxy;

    proxy.host.len = 0;
    CHECK(aws_mqtt5_client_new(s_alloc, &cfg.options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    proxy = s_proxy_options(0, NULL, NULL);
    CHECK(aws_mqtt5_client_new(s_alloc, &cfg.options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    proxy = s_proxy_options(65536, NULL, NULL);
    CHECK(aws_mqtt5_client_new(s_alloc, &cfg.options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);

    /* Valid options make a client (not started). */
    proxy = s_proxy_options(3128, PROXY_USER, PROXY_PASSWORD);
    struct aws_mqtt5_client *c = fx5_client_new(s_alloc, &cfg, &ev);
    CHECK(c != NULL);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    fx5_events_clean_up(&ev);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);

    RUN(test_311_through_the_proxy);
    RUN(test_311_tls_through_the_proxy_with_basic_auth);
    RUN(test_311_refusals_fail_with_the_connect_failure);
    RUN(test_311_setter_arguments);
    RUN(test_5_through_the_proxy_plain_and_tls_with_basic_auth);
    RUN(test_5_wrong_credentials_fail_with_the_connect_failure);
    RUN(test_5_proxy_options_validation);

    aws_mqtt_client_release(s_client);
    return fx_suite_end(s_alloc, &s_io);
}
