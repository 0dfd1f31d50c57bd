/* Faults on the wire (issue 20, item 3): each client publishes 20,000 messages, QoS 1 and QoS 2
 * alternately, through mqtt-test-broker's fault-injecting proxy (--fault-forward), which cuts
 * every connection after 50-500 KB (seeded), to a mosquitto; the session persists across the
 * cuts (MQTT 5: rejoin always with a session expiry; 3.1.1: clean_session false). A subscriber
 * connected to mosquitto directly, at QoS 2, counts every message.
 *
 * Passes when every publish completed exactly once and successfully, every message arrived,
 * no QoS 2 message arrived twice (QoS 1 may: at least once), and the proxy did cut. The
 * mosquitto runs without its per-client limits (fx5_mosquitto_start_without_limits says why). */
#include "mqtt5_fixture.h"

#define MESSAGES 20000

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;

/* What the subscriber and the publisher's completions saw, guarded by `lock`. */
struct tally {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    int received[MESSAGES];
    int completed[MESSAGES];
    int failed;
    int completions;
    int distinct;
};

static struct tally s_tally;

static void s_tally_reset(void) {
    aws_mutex_lock(&s_tally.lock);
    memset(s_tally.received, 0, sizeof(s_tally.received));
    memset(s_tally.completed, 0, sizeof(s_tally.completed));
    s_tally.failed = s_tally.completions = s_tally.distinct = 0;
    aws_mutex_unlock(&s_tally.lock);
}

/* The message number in a payload "m<N>", or -1. */
static int s_number(struct aws_byte_cursor payload) {
    char text[16] = {0};
    if (payload.len < 2 || payload.len >= sizeof(text) || payload.ptr[0] != 'm') {
        return -1;
    }
    memcpy(text, payload.ptr, payload.len);
    int n = atoi(text + 1);
    return n >= 0 && n < MESSAGES ? n : -1;
}

static void s_on_received(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)user_data;
    int n = s_number(publish->payload);
    if (n < 0) {
        return;
    }
    aws_mutex_lock(&s_tally.lock);
    if (s_tally.received[n]++ == 0) {
        s_tally.distinct++;
    }
    aws_condition_variable_notify_all(&s_tally.signal);
    aws_mutex_unlock(&s_tally.lock);
}

static void s_completed(int n, int error_code) {
    aws_mutex_lock(&s_tally.lock);
    s_tally.completed[n]++;
    s_tally.completions++;
    if (error_code != AWS_ERROR_SUCCESS) {
        s_tally.failed++;
    }
    aws_condition_variable_notify_all(&s_tally.signal);
    aws_mutex_unlock(&s_tally.lock);
}

static void s_on_publish5_complete(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                                   void *user_data) {
    (void)packet_type;
    (void)packet;
    s_completed((int)(intptr_t)user_data, error_code);
}

static void s_on_publish311_complete(struct aws_mqtt_client_connection *connection, uint16_t packet_id,
                                     int error_code, void *user_data) {
    (void)connection;
    (void)packet_id;
    s_completed((int)(intptr_t)user_data, error_code);
}

/* Waits for every completion and every message, then checks the tally. */
static int s_check_tally(const char *who) {
    CHECK_WAIT(&s_tally, s_tally.completions == MESSAGES, 180000);
    uint64_t deadline = fx_now_ns() + 60000ULL * 1000000ULL;
    int distinct = 0;
    do {
        FX_READ(&s_tally, s_tally.distinct, distinct);
        if (distinct < MESSAGES) {
            fx_sleep_ms(10);
        }
    } while (distinct < MESSAGES && fx_now_ns() < deadline);
    if (distinct < MESSAGES) {
        aws_mutex_lock(&s_tally.lock);
        int shown = 0, missing1 = 0, missing2 = 0;
        for (int i = 0; i < MESSAGES; ++i) {
            if (s_tally.received[i] == 0) {
                missing1 += i % 2 == 0;
                missing2 += i % 2;
                if (shown++ < 10) {
                    fprintf(stderr, "%s: message %d (QoS %d) never arrived\n", who, i, 1 + i % 2);
                }
            }
        }
        fprintf(stderr, "%s: %d of %d arrived; missing %d at QoS 1, %d at QoS 2; %d failed\n", who, distinct,
                MESSAGES, missing1, missing2, s_tally.failed);
        aws_mutex_unlock(&s_tally.lock);
    }
    CHECK_INT_EQ(distinct, MESSAGES);
    aws_mutex_lock(&s_tally.lock);
    int twice = 0, qos1_twice = 0, completed_twice = 0;
    for (int i = 0; i < MESSAGES; ++i) {
        if (s_tally.received[i] > 1) {
            if (i % 2) {
                twice++;
            } else {
                qos1_twice++;
            }
        }
        completed_twice += s_tally.completed[i] != 1;
    }
    int failed = s_tally.failed;
    aws_mutex_unlock(&s_tally.lock);
    printf("%s: %d publishes completed (%d failed), all %d received; QoS 1 duplicates %d, QoS 2 "
           "duplicates %d\n",
           who, MESSAGES, failed, MESSAGES, qos1_twice, twice);
    CHECK_INT_EQ(completed_twice, 0);
    CHECK_INT_EQ(failed, 0);
    CHECK_INT_EQ(twice, 0); /* QoS 2: exactly once [MQTT-4.3.3] */
    return 0;
}

static int s_subscriber(struct fx5_events *ev, struct fx5_config *cfg, struct aws_mqtt5_client **out,
                        const char *filter) {
    fx5_setup(ev, cfg, s_io.bootstrap, s_mosquitto.port, "fault-subscriber");
    cfg->options.publish_received_handler = s_on_received;
    CHECK_INT_EQ(fx5_connect(s_alloc, cfg, ev, out), 0);
    CHECK_INT_EQ(fx5_subscribe(*out, ev, filter, AWS_MQTT5_QOS_EXACTLY_ONCE), 0);
    return 0;
}

static int s_proxy_start(struct fx_broker *proxy, const char *seed) {
    char port[16];
    snprintf(port, sizeof(port), "%d", s_mosquitto.port);
    return fx_broker_start(proxy, FX_FRAGMENTS("--fault-forward", port, "--cut-every", "50000-500000",
                                               "--fault-seed", seed));
}

static int test_mqtt5_through_cuts(void) {
    s_tally_reset();
    struct fx5_events sub_ev;
    struct fx5_config sub_cfg;
    struct aws_mqtt5_client *subscriber = NULL;
    CHECK_INT_EQ(s_subscriber(&sub_ev, &sub_cfg, &subscriber, "fault/5"), 0);
    struct fx_broker proxy;
    CHECK_INT_EQ(s_proxy_start(&proxy, "5"), 0);

    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, proxy.port, "fault-publisher5");
    cfg.options.session_behavior = AWS_MQTT5_CSBT_REJOIN_ALWAYS;
    cfg.session_expiry = 3600;
    cfg.connect.session_expiry_interval_seconds = &cfg.session_expiry;
    cfg.options.ack_timeout_seconds = 0;
    struct aws_mqtt5_client *publisher = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &publisher), 0);
    char payload[16];
    for (int i = 0; i < MESSAGES; ++i) {
        snprintf(payload, sizeof(payload), "m%d", i);
        struct aws_mqtt5_packet_publish_view publish = {
            .topic = aws_byte_cursor_from_c_str("fault/5"),
            .payload = aws_byte_cursor_from_c_str(payload),
            .qos = i % 2 ? AWS_MQTT5_QOS_EXACTLY_ONCE : AWS_MQTT5_QOS_AT_LEAST_ONCE,
        };
        struct aws_mqtt5_publish_completion_options completion = {
            .completion_callback = s_on_publish5_complete,
            .completion_user_data = (void *)(intptr_t)i,
        };
        CHECK_INT_EQ(aws_mqtt5_client_publish(publisher, &publish, &completion), AWS_OP_SUCCESS);
    }
    CHECK_INT_EQ(s_check_tally("MQTT 5"), 0);
    int cuts = fx_log_count(&proxy, FX_FRAGMENTS("\"event\":\"fault_cut\""));
    printf("MQTT 5: the proxy cut the connection %d times; %d connections succeeded\n", cuts,
           fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS));
    CHECK(cuts >= 2);
    CHECK_INT_EQ(fx5_finish_and_clean_up(publisher, &ev), 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(subscriber, &sub_ev), 0);
    fx_broker_stop(&proxy);
    return 0;
}

static int test_mqtt311_through_cuts(void) {
    s_tally_reset();
    struct fx5_events sub_ev;
    struct fx5_config sub_cfg;
    struct aws_mqtt5_client *subscriber = NULL;
    CHECK_INT_EQ(s_subscriber(&sub_ev, &sub_cfg, &subscriber, "fault/311"), 0);
    struct fx_broker proxy;
    CHECK_INT_EQ(s_proxy_start(&proxy, "311"), 0);

    struct aws_mqtt_client *mqtt = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *connection = NULL;
    CHECK_INT_EQ(fx_connection_new(mqtt, &connection, &ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_reconnect_timeout(connection, 0, 1), AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, proxy.port, "fault-publisher311", &ev);
    options.clean_session = false;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(connection, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete >= 1, 10000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    struct aws_byte_cursor topic = aws_byte_cursor_from_c_str("fault/311");
    char text[16];
    for (int i = 0; i < MESSAGES; ++i) {
        snprintf(text, sizeof(text), "m%d", i);
        struct aws_byte_cursor payload = aws_byte_cursor_from_c_str(text);
        enum aws_mqtt_qos qos = i % 2 ? AWS_MQTT_QOS_EXACTLY_ONCE : AWS_MQTT_QOS_AT_LEAST_ONCE;
        uint16_t id = aws_mqtt_client_connection_publish(connection, &topic, qos, false, &payload,
                                                         s_on_publish311_complete, (void *)(intptr_t)i);
        if (id == 0) {
            /* Every packet id is in use (65,535 unacknowledged): wait for some to come back. */
            int done = 0;
            FX_READ(&s_tally, s_tally.completions, done);
            CHECK_WAIT(&s_tally, s_tally.completions > done, 60000);
            --i;
        }
    }
    CHECK_INT_EQ(s_check_tally("MQTT 3.1.1"), 0);
    int cuts = fx_log_count(&proxy, FX_FRAGMENTS("\"event\":\"fault_cut\""));
    printf("MQTT 3.1.1: the proxy cut the connection %d times; %d interruptions, %d resumptions\n", cuts,
           ev.interrupted, ev.resumed);
    CHECK(cuts >= 2);
    CHECK_INT_EQ(fx_disconnect_and_release(connection, &ev), 0);
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(mqtt);
    CHECK_INT_EQ(fx5_finish_and_clean_up(subscriber, &sub_ev), 0);
    fx_broker_stop(&proxy);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx5_mosquitto_start_without_limits(&s_mosquitto), 0);
    aws_mutex_init(&s_tally.lock);
    aws_condition_variable_init(&s_tally.signal);

    RUN(test_mqtt5_through_cuts);
    RUN(test_mqtt311_through_cuts);

    aws_condition_variable_clean_up(&s_tally.signal);
    aws_mutex_clean_up(&s_tally.lock);
    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}
