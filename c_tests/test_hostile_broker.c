/* A hostile broker (issue 20, item 2): mqtt-test-broker misbehaving as broken or malicious
 * brokers do, each a known crash class of MQTT clients, against both clients: the connection
 * ends with the documented error code (no crash, leak or hang: the suite runs this under
 * ASan/UBSan too) and the client connects again, or, for what a client should just ignore, the
 * connection stays up and works.
 *
 * The broker misbehaves on its first connection only (--only-first-connection); the raw bytes
 * go out after it answered the CONNECT (--send-raw-after 1) unless the case says otherwise. */
#include "mqtt5_fixture.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;

/* Expected outcome: the error code ending the first connection, or STAYS (0) for a packet the
 * client ignores. */
#define STAYS 0
/* A case one protocol does not have. */
#define NOT_APPLICABLE -1

struct hostile {
    const char *what;
    const char *args[8];
    int error311; /* 3.1.1: interrupted (or connection complete, before the CONNACK) with this */
    int error5;   /* MQTT 5: DISCONNECTION (or CONNECTION_FAILURE) with this */
    bool before_connack;
};

#define RAW(hex) {"--send-raw-after", "1", hex}

static const struct hostile s_cases[] = {
    {"an ack for a packet id nobody used", RAW("40 02 12 34"), STAYS, NOT_APPLICABLE, false},
    {"an MQTT 5 ack for a packet id nobody used", RAW("40 03 12 34 00"), NOT_APPLICABLE, STAYS, false},
    {"a remaining length of five bytes", RAW("30 FF FF FF FF 01"), AWS_ERROR_MQTT_INVALID_REMAINING_LENGTH,
     AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR, false},
    {"a second CONNACK", RAW("20 02 00 00"), AWS_ERROR_MQTT_PROTOCOL_ERROR, NOT_APPLICABLE, false},
    {"a second MQTT 5 CONNACK", RAW("20 03 00 00 00"), NOT_APPLICABLE, AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR,
     false},
    {"a PUBLISH before the CONNACK",
     {"--no-connack", "--send-raw-on", "connect", "30 04 00 01 61 78"},
     AWS_ERROR_MQTT_PROTOCOL_ERROR,
     AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR,
     true},
    {"topic alias 0", RAW("30 08 00 01 61 03 23 00 00 78"), NOT_APPLICABLE, AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR,
     false},
    {"a topic alias above the client's maximum", RAW("30 08 00 01 61 03 23 00 05 78"), NOT_APPLICABLE,
     AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR, false},
    {"QoS 3", RAW("36 06 00 01 61 00 01 78"), AWS_ERROR_MQTT_PROTOCOL_ERROR, AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR,
     false},
    {"an empty topic", RAW("30 03 00 00 78"), AWS_ERROR_MQTT_PROTOCOL_ERROR, NOT_APPLICABLE, false},
    {"an empty topic without an alias", RAW("30 04 00 00 00 78"), NOT_APPLICABLE,
     AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR, false},
    {"a property twice", RAW("30 09 00 01 61 04 01 00 01 00 78"), NOT_APPLICABLE,
     AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR, false},
    {"a topic of invalid UTF-8", RAW("30 05 00 02 C3 28 78"), AWS_ERROR_MQTT_PROTOCOL_ERROR, NOT_APPLICABLE, false},
    {"an MQTT 5 topic of invalid UTF-8", RAW("30 06 00 02 C3 28 00 78"), NOT_APPLICABLE,
     AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR, false},
    {"garbage", RAW("F5 13 37 C0 FF EE"), AWS_ERROR_MQTT_INVALID_PACKET_TYPE, AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR,
     false},
    {"a SUBACK for nothing with a reason code the spec lacks", RAW("90 03 00 07 03"), AWS_ERROR_MQTT_PROTOCOL_ERROR,
     NOT_APPLICABLE, false},
};

static int s_expect(const struct hostile *h, bool v5, int error) {
    int expected = v5 ? h->error5 : h->error311;
    if (error != expected) {
        fprintf(stderr, "%s, %s: ended with %s (%d), expected %s\n", h->what, v5 ? "MQTT 5" : "3.1.1",
                aws_error_name(error), error, aws_error_name(expected));
    }
    CHECK_INT_EQ(error, expected);
    return 0;
}

static int s_run311(const struct hostile *h, int port) {
    struct aws_mqtt_client *mqtt = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(mqtt, &c, &ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_reconnect_timeout(c, 0, 1), AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, port, "hostile311", &ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete >= 1, 10000);
    if (h->before_connack) {
        CHECK_INT_EQ(s_expect(h, false, ev.complete_error), 0);
        aws_mqtt_client_connection_release(c);
        CHECK_WAIT(&ev, ev.terminated == 1, 10000);
    } else {
        CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
        if (h->error311 == STAYS) {
            fx_sleep_ms(300);
            CHECK_INT_EQ(ev.interrupted, 0);
        } else {
            CHECK_WAIT(&ev, ev.interrupted >= 1, 10000);
            CHECK_INT_EQ(s_expect(h, false, ev.interrupted_error), 0);
            CHECK_WAIT(&ev, ev.resumed >= 1, 10000);
        }
        /* Either way the connection (again) works. */
        CHECK_INT_EQ(fx_subscribe(c, &ev, "hostile/311", AWS_MQTT_QOS_AT_LEAST_ONCE), 0);
        CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    }
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(mqtt);
    return 0;
}

static int s_run5(const struct hostile *h, int port) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, port, "hostile5");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    if (h->before_connack) {
        CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >= 1, 10000);
        CHECK_INT_EQ(s_expect(h, true, fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0).error_code), 0);
    } else if (h->error5 == STAYS) {
        CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) >= 1, 10000);
        fx_sleep_ms(300);
        CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_DISCONNECTION), 0);
    } else {
        CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) >= 1, 10000);
        CHECK_INT_EQ(s_expect(h, true, fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code), 0);
    }
    /* The client (re)connects, and the connection works. */
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) >= 1 + (h->error5 != STAYS && !h->before_connack), 10000);
    CHECK_INT_EQ(fx5_subscribe(c, &ev, "hostile/5", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    return 0;
}

static int test_each_hostile_packet_ends_the_connection_with_its_error(void) {
    for (size_t i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); ++i) {
        const struct hostile *h = &s_cases[i];
        for (int v5 = 0; v5 <= 1; ++v5) {
            if ((v5 ? h->error5 : h->error311) == NOT_APPLICABLE) {
                continue;
            }
            const char *args[12] = {0};
            int n = 0;
            for (int a = 0; a < 8 && h->args[a]; ++a) {
                args[n++] = h->args[a];
            }
            args[n++] = "--only-first-connection";
            struct fx_broker b;
            CHECK_INT_EQ(fx_broker_start(&b, args), 0);
            int failed = v5 ? s_run5(h, b.port) : s_run311(h, b.port);
            if (failed) {
                fprintf(stderr, "case: %s (%s)\n", h->what, v5 ? "MQTT 5" : "3.1.1");
                fx_broker_dump_log(&b);
            }
            fx_broker_stop(&b);
            CHECK_INT_EQ(failed, 0);
        }
    }
    return 0;
}

/* A remaining length of 268,435,455 (the largest there is), then silence: the client waits
 * for the packet, and its keep-alive gives up on the silent server. */
static int test_the_largest_remaining_length_then_silence_ends_with_the_ping_timeout(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--send-raw-after", "1", "30 FF FF FF 7F", "--only-first-connection")),
                 0);
    struct aws_mqtt_client *mqtt = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(mqtt, &c, &ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "silent311", &ev);
    options.keep_alive_time_secs = 2;
    options.ping_timeout_ms = 500;
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete >= 1, 10000);
    CHECK_WAIT(&ev, ev.interrupted >= 1, 10000);
    CHECK_INT_EQ(ev.interrupted_error, AWS_ERROR_MQTT_TIMEOUT);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(mqtt);

    struct fx5_events ev5;
    struct fx5_config cfg;
    fx5_setup(&ev5, &cfg, s_io.bootstrap, b.port, "silent5");
    cfg.connect.keep_alive_interval_seconds = 2;
    cfg.options.ping_timeout_ms = 500;
    struct aws_mqtt5_client *c5 = NULL;
    fx_broker_stop(&b);
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--send-raw-after", "1", "30 FF FF FF 7F", "--only-first-connection")),
                 0);
    cfg.options.port = (uint32_t)b.port;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev5, &c5), 0);
    CHECK_WAIT(&ev5, fx5_count_locked(&ev5, AWS_MQTT5_CLET_DISCONNECTION) >= 1, 10000);
    CHECK_INT_EQ(fx5_nth(&ev5, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code, AWS_ERROR_MQTT5_PING_RESPONSE_TIMEOUT);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c5, &ev5), 0);
    fx_broker_stop(&b);
    return 0;
}

/* A CONNACK dripping in one byte every 200 ms is still a CONNACK, within the timeout. */
static int test_a_connack_one_byte_every_200_ms_connects(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--connack-drip-ms", "200")), 0);
    struct aws_mqtt_client *mqtt = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connect(mqtt, &c, &ev, b.port, "drip311"), 0);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(mqtt);
    struct fx5_events ev5;
    struct fx5_config cfg;
    fx5_setup(&ev5, &cfg, s_io.bootstrap, b.port, "drip5");
    struct aws_mqtt5_client *c5 = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev5, &c5), 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c5, &ev5), 0);
    fx_broker_stop(&b);
    return 0;
}

/* A DISCONNECT with a reason string of 60,000 bytes: read whole, reported, and the client goes
 * on. */
static int test_a_60_kb_reason_string_is_reported(void) {
    size_t len = 60000;
    size_t remaining = 1 + 3 + 3 + len; /* reason code, property length (3 bytes), id + length, string */
    char *hex = malloc((remaining + 16) * 3 + 1);
    CHECK(hex != NULL);
    size_t at = 0;
    at += (size_t)sprintf(hex + at, "E0 %02X %02X %02X 00 %02X %02X %02X 1F %02X %02X ", (unsigned)(remaining & 0x7F) | 0x80,
                          (unsigned)((remaining >> 7) & 0x7F) | 0x80, (unsigned)(remaining >> 14),
                          (unsigned)((len + 3) & 0x7F) | 0x80, (unsigned)(((len + 3) >> 7) & 0x7F) | 0x80,
                          (unsigned)((len + 3) >> 14), (unsigned)(len >> 8), (unsigned)(len & 0xFF));
    for (size_t i = 0; i < len; ++i) {
        at += (size_t)sprintf(hex + at, "61");
    }
    struct fx_broker b;
    int started = fx_broker_start(&b, FX_FRAGMENTS("--send-raw-after", "1", hex, "--only-first-connection"));
    free(hex);
    CHECK_INT_EQ(started, 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "reason5");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) >= 1, 10000);
    struct fx5_event d = fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0);
    CHECK_INT_EQ(d.error_code, AWS_ERROR_MQTT5_DISCONNECT_RECEIVED);
    CHECK(d.has_disconnect);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) >= 2, 10000);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    RUN(test_each_hostile_packet_ends_the_connection_with_its_error);
    RUN(test_the_largest_remaining_length_then_silence_ends_with_the_ping_timeout);
    RUN(test_a_connack_one_byte_every_200_ms_connects);
    RUN(test_a_60_kb_reason_string_is_reported);
    return fx_suite_end(s_alloc, &s_io);
}
