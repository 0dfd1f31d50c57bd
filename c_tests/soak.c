/* The soak (issue 20, item 6): both clients publish and receive QoS 1 messages without pause
 * for SOAK_SECONDS (default 120) through mqtt-test-broker's fault proxy, which cuts each
 * connection after 200 KB to 2 MB (seeded), to a mosquitto; each reconnects and goes on with
 * its session. Every second the process's resident memory (VmRSS) and open file descriptors
 * are sampled.
 *
 * Passes when, after the first quarter (the warm-up), neither grows: the highest RSS of the
 * rest is within 10% + 2 MB of the highest RSS of the warm-up, and the descriptor count stays
 * within 4 of its warm-up value; and when messages kept flowing (every client received more in
 * the last quarter) and the proxy cut at least twice. Not a ctest case (sanitizers change
 * memory use); scripts/soak.sh builds and runs it. */
#include "mqtt5_fixture.h"

#include <stdatomic.h>

#include <dirent.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;

/* Messages received by each client, for the traffic check. */
static atomic_int s_received5;
static atomic_int s_received311;
/* Publishes not yet completed, per client. */
static atomic_int s_in_flight5;
static atomic_int s_in_flight311;

static long s_rss_kb(void) {
    char *status = fx_read_file("/proc/self/status");
    long kb = -1;
    const char *at = status ? strstr(status, "VmRSS:") : NULL;
    if (at) {
        kb = strtol(at + strlen("VmRSS:"), NULL, 10);
    }
    free(status);
    return kb;
}

static int s_open_fds(void) {
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;
    for (struct dirent *e = dir ? readdir(dir) : NULL; e; e = readdir(dir)) {
        n += e->d_name[0] != '.';
    }
    if (dir) {
        closedir(dir);
    }
    return n;
}

static void s_on_received5(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)publish;
    (void)user_data;
    atomic_fetch_add(&s_received5, 1);
}

static void s_on_received311(struct aws_mqtt_client_connection *connection, const struct aws_byte_cursor *topic,
                             const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                             void *user_data) {
    (void)connection;
    (void)topic;
    (void)payload;
    (void)dup;
    (void)qos;
    (void)retain;
    (void)user_data;
    atomic_fetch_add(&s_received311, 1);
}

static void s_on_publish5_done(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                               void *user_data) {
    (void)packet_type;
    (void)packet;
    (void)error_code;
    (void)user_data;
    atomic_fetch_sub(&s_in_flight5, 1);
}

static void s_on_publish311_done(struct aws_mqtt_client_connection *connection, uint16_t packet_id, int error_code,
                                 void *user_data) {
    (void)connection;
    (void)packet_id;
    (void)error_code;
    (void)user_data;
    atomic_fetch_sub(&s_in_flight311, 1);
}

static int soak(void) {
    int seconds = getenv("SOAK_SECONDS") ? atoi(getenv("SOAK_SECONDS")) : 120;
    CHECK(seconds >= 8);
    struct fx_broker proxy;
    char port[16];
    snprintf(port, sizeof(port), "%d", s_mosquitto.port);
    CHECK_INT_EQ(fx_broker_start(&proxy, FX_FRAGMENTS("--fault-forward", port, "--cut-every", "200000-2000000",
                                                      "--fault-seed", "42")),
                 0);

    struct fx5_events ev5;
    struct fx5_config cfg;
    fx5_setup(&ev5, &cfg, s_io.bootstrap, proxy.port, "soak5");
    cfg.options.session_behavior = AWS_MQTT5_CSBT_REJOIN_ALWAYS;
    cfg.session_expiry = 3600;
    cfg.connect.session_expiry_interval_seconds = &cfg.session_expiry;
    cfg.options.publish_received_handler = s_on_received5;
    struct aws_mqtt5_client *client5 = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev5, &client5), 0);
    CHECK_INT_EQ(fx5_subscribe(client5, &ev5, "soak/5", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);

    struct aws_mqtt_client *mqtt = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    struct fx_events ev311;
    fx_events_init(&ev311);
    struct aws_mqtt_client_connection *c311 = NULL;
    CHECK_INT_EQ(fx_connection_new(mqtt, &c311, &ev311), 0);
    /* Reconnect at once after each cut (3.1.1's default backoff doubles up to 128 s when a
     * connection does not last 10 s, as upstream's). */
    CHECK_INT_EQ(aws_mqtt_client_connection_set_reconnect_timeout(c311, 0, 1), AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, proxy.port, "soak311", &ev311);
    options.clean_session = false;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c311, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev311, ev311.complete >= 1, 10000);
    struct aws_byte_cursor topic311 = aws_byte_cursor_from_c_str("soak/311");
    CHECK(aws_mqtt_client_connection_subscribe(c311, &topic311, AWS_MQTT_QOS_AT_LEAST_ONCE, s_on_received311, NULL,
                                               NULL, NULL, NULL) != 0);

    long rss[4096];
    int fds[4096];
    int received5[4096], received311[4096];
    int samples = 0;
    uint64_t start = fx_now_ns();
    uint64_t next_sample = start;
    struct aws_byte_cursor payload = aws_byte_cursor_from_c_str("soak payload of a few dozen bytes, QoS 1");
    while (fx_now_ns() - start < (uint64_t)seconds * 1000000000ULL && samples < 4096) {
        /* Keep about 200 publishes in flight per client: one client's reconnect does not
         * hold the other back. */
        while (atomic_load(&s_in_flight5) < 200) {
            struct aws_mqtt5_packet_publish_view publish = {
                .topic = aws_byte_cursor_from_c_str("soak/5"),
                .payload = payload,
                .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
            };
            struct aws_mqtt5_publish_completion_options done = {.completion_callback = s_on_publish5_done};
            atomic_fetch_add(&s_in_flight5, 1);
            if (aws_mqtt5_client_publish(client5, &publish, &done) != AWS_OP_SUCCESS) {
                atomic_fetch_sub(&s_in_flight5, 1);
                break;
            }
        }
        while (atomic_load(&s_in_flight311) < 200) {
            atomic_fetch_add(&s_in_flight311, 1);
            if (aws_mqtt_client_connection_publish(c311, &topic311, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                                   s_on_publish311_done, NULL) == 0) {
                atomic_fetch_sub(&s_in_flight311, 1);
                break;
            }
        }
        if (fx_now_ns() >= next_sample) {
            rss[samples] = s_rss_kb();
            fds[samples] = s_open_fds();
            received5[samples] = atomic_load(&s_received5);
            received311[samples] = atomic_load(&s_received311);
            if (getenv("SOAK_VERBOSE")) {
                fprintf(stderr, "t=%d in flight: MQTT 5 %d, 3.1.1 %d; received5=%d received311=%d rss=%ld; MQTT 5 "
                        "connections %d, disconnections %d; 3.1.1 interruptions %d, resumptions %d\n",
                        samples, atomic_load(&s_in_flight5), atomic_load(&s_in_flight311), received5[samples],
                        received311[samples], rss[samples], fx5_count(&ev5, AWS_MQTT5_CLET_CONNECTION_SUCCESS),
                        fx5_count(&ev5, AWS_MQTT5_CLET_DISCONNECTION), ev311.interrupted, ev311.resumed);
            }
            samples++;
            next_sample += 1000000000ULL;
        }
        fx_sleep_ms(2);
    }
    int cuts = fx_log_count(&proxy, FX_FRAGMENTS("\"event\":\"fault_cut\""));

    int warm = samples / 4;
    long warm_rss = 0, rest_rss = 0;
    int fd_low = fds[warm], fd_high = fds[warm];
    for (int i = 0; i < samples; ++i) {
        if (i < warm) {
            warm_rss = rss[i] > warm_rss ? rss[i] : warm_rss;
        } else {
            rest_rss = rss[i] > rest_rss ? rss[i] : rest_rss;
            fd_low = fds[i] < fd_low ? fds[i] : fd_low;
            fd_high = fds[i] > fd_high ? fds[i] : fd_high;
        }
    }
    int last = samples - 1, quarter = samples - samples / 4;
    printf("soak: %d s, %d samples; RSS %ld KB at the end of the warm-up, %ld KB at most after; open "
           "descriptors %d-%d after it; received MQTT 5 %d, 3.1.1 %d; the proxy cut %d times\n",
           seconds, samples, warm_rss, rest_rss, fd_low, fd_high, received5[last], received311[last], cuts);
    CHECK(rest_rss <= warm_rss + warm_rss / 10 + 2048);
    CHECK(fd_high - fds[warm] <= 4);
    CHECK(received5[last] > received5[quarter]);
    CHECK(received311[last] > received311[quarter]);
    CHECK(cuts >= 2);

    aws_mqtt_client_connection_disconnect(c311, NULL, NULL);
    aws_mqtt_client_connection_release(c311);
    CHECK_WAIT(&ev311, ev311.terminated == 1, 20000);
    fx_events_clean_up(&ev311);
    aws_mqtt_client_release(mqtt);
    CHECK_INT_EQ(fx5_finish_and_clean_up(client5, &ev5), 0);
    fx_broker_stop(&proxy);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx5_mosquitto_start_without_limits(&s_mosquitto), 0);
    RUN(soak);
    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}
