/* AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS, as the project's issue asks for it: "extended
 * validation and flow control: IoT Core's topic and client-id limits and its per-connection
 * throttles of 100 publishes/s and 512 KiB/s".
 *
 * Upstream v0.16.2 removed the validation half (spec 7.6: only the throttles and the generated
 * client id remain), so the limits below are where this library deliberately does more than
 * upstream: topic names of at most 256 bytes and 8 levels (after an uncounted "$aws/rules/NAME/"
 * prefix), filters of at most 8 levels (after an uncounted "$share/NAME/"), client ids of at most
 * 128 bytes, all refused synchronously with upstream's *_OPTIONS_VALIDATION codes; with
 * AWS_MQTT5_EVAFCO_NONE the same values pass. The throttles are timed against mqtt-test-broker
 * (env MQTT_TEST_BROKER). */
#include "mqtt5_fixture.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;

static char s_text[128 * 1024 + 1];

/* `len` bytes of 'a' in a cursor over s_text. */
static struct aws_byte_cursor s_as(size_t len) {
    return aws_byte_cursor_from_array(s_text, len);
}

/* A client that is never started, in `mode`. */
static int s_idle_client(struct fx5_config *cfg, struct fx5_events *ev,
                         enum aws_mqtt5_extended_validation_and_flow_control_options mode,
                         struct aws_mqtt5_client **out) {
    fx5_setup(ev, cfg, s_io.bootstrap, 1883, "fx5-iot");
    cfg->options.extended_validation_and_flow_control_options = mode;
    *out = fx5_client_new(s_alloc, cfg, ev);
    CHECK(*out != NULL);
    return 0;
}

static int s_publish_result(struct aws_mqtt5_client *c, struct aws_byte_cursor topic) {
    struct aws_mqtt5_packet_publish_view p = {.qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .topic = topic};
    aws_reset_error();
    return aws_mqtt5_client_publish(c, &p, NULL) == AWS_OP_SUCCESS ? 0 : aws_last_error();
}

static int s_subscribe_result(struct aws_mqtt5_client *c, const char *filter) {
    struct aws_mqtt5_subscription_view s = {.topic_filter = fx_cur(filter), .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE};
    struct aws_mqtt5_packet_subscribe_view v = {.subscription_count = 1, .subscriptions = &s};
    aws_reset_error();
    return aws_mqtt5_client_subscribe(c, &v, NULL) == AWS_OP_SUCCESS ? 0 : aws_last_error();
}

static int s_topic_limits(enum aws_mqtt5_extended_validation_and_flow_control_options mode) {
    bool iot = mode == AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS;
    struct fx5_events ev;
    struct fx5_config cfg;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(s_idle_client(&cfg, &ev, mode, &c), 0);
    const int PUB = AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION;
    const int SUB = AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION;
    CHECK_INT_EQ(s_publish_result(c, s_as(256)), 0);
    CHECK_INT_EQ(s_publish_result(c, s_as(257)), iot ? PUB : 0);
    CHECK_INT_EQ(s_publish_result(c, fx_cur("a/b/c/d/e/f/g/h")), 0);
    CHECK_INT_EQ(s_publish_result(c, fx_cur("a/b/c/d/e/f/g/h/i")), iot ? PUB : 0);
    /* Empty levels count too. */
    CHECK_INT_EQ(s_publish_result(c, fx_cur("a////////")), iot ? PUB : 0);
    /* The rules-engine prefix is not counted. */
    CHECK_INT_EQ(s_publish_result(c, fx_cur("$aws/rules/my_rule/a/b/c/d/e/f/g/h")), 0);
    CHECK_INT_EQ(s_publish_result(c, fx_cur("$aws/rules/my_rule/a/b/c/d/e/f/g/h/i")), iot ? PUB : 0);
    CHECK_INT_EQ(s_subscribe_result(c, "a/b/c/d/e/f/g/#"), 0);
    CHECK_INT_EQ(s_subscribe_result(c, "a/b/c/d/e/f/g/h/#"), iot ? SUB : 0);
    CHECK_INT_EQ(s_subscribe_result(c, "$share/group/a/b/c/d/e/f/g/h"), 0);
    CHECK_INT_EQ(s_subscribe_result(c, "$share/group/a/b/c/d/e/f/g/h/+"), iot ? SUB : 0);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    fx5_events_clean_up(&ev);
    return 0;
}

static int test_iot_core_defaults_refuse_topics_over_256_bytes_or_8_levels(void) {
    CHECK_INT_EQ(s_topic_limits(AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS), 0);
    /* Without IoT Core's limits, the same topics are fine. */
    CHECK_INT_EQ(s_topic_limits(AWS_MQTT5_EVAFCO_NONE), 0);
    return 0;
}

static int test_iot_core_defaults_refuse_a_client_id_over_128_bytes(void) {
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, 1883, "");
    cfg.options.extended_validation_and_flow_control_options = AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS;
    cfg.connect.client_id = s_as(129);
    aws_reset_error();
    CHECK(aws_mqtt5_client_new(s_alloc, &cfg.options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    cfg.connect.client_id = s_as(128);
    struct aws_mqtt5_client *c = fx5_client_new(s_alloc, &cfg, &ev);
    CHECK(c != NULL);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    fx5_events_clean_up(&ev);
    /* MQTT itself allows 65535 bytes. */
    fx5_events_init(&ev);
    cfg.options.extended_validation_and_flow_control_options = AWS_MQTT5_EVAFCO_NONE;
    cfg.connect.client_id = s_as(129);
    c = fx5_client_new(s_alloc, &cfg, &ev);
    CHECK(c != NULL);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    fx5_events_clean_up(&ev);
    return 0;
}

static int test_iot_core_defaults_generate_a_client_id_when_none_is_given(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, NULL), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "");
    cfg.options.extended_validation_and_flow_control_options = AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    /* Upstream: "gen" and 32 lowercase hex digits (IoT Core refuses its own $GEN/ ids later). */
    char line[2048];
    CHECK(fx_log_find(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"CONNECT\""), line, sizeof(line)));
    const char *id = strstr(line, "\"client_id\":\"gen");
    CHECK(id != NULL);
    id += strlen("\"client_id\":\"");
    size_t len = strcspn(id, "\"");
    CHECK_INT_EQ(len, 35);
    CHECK_INT_EQ(strspn(id + 3, "0123456789abcdef"), 32);
    struct fx5_event success = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0);
    CHECK(strncmp(success.settings.client_id, id, 35) == 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

/* Seconds from submitting `count` QoS 0 publishes of `payload_len` bytes until the broker has
 * logged them all; -1 on failure. */
static double s_time_publishes(enum aws_mqtt5_extended_validation_and_flow_control_options mode, int count,
                               size_t payload_len) {
    struct fx_broker b;
    if (fx_broker_start(&b, NULL)) {
        return -1;
    }
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-throttle");
    cfg.options.extended_validation_and_flow_control_options = mode;
    double seconds = -1;
    struct aws_mqtt5_client *c = fx5_client_new(s_alloc, &cfg, &ev);
    if (c && fx5_start_and_wait(c, &ev) == 0) {
        struct aws_mqtt5_packet_publish_view p = {.topic = fx_cur("fx5/throttle/t"), .payload = s_as(payload_len)};
        uint64_t start = fx_now_ns();
        int submitted = 0;
        while (submitted < count && aws_mqtt5_client_publish(c, &p, NULL) == AWS_OP_SUCCESS) {
            ++submitted;
        }
        char length[48];
        snprintf(length, sizeof(length), "\"payload_len\":%zu,", payload_len);
        int logged = fx_log_wait_count(
            &b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\"", "\"topic\":\"fx5/throttle/t\"", length), count,
            30000);
        if (submitted == count && logged == count) {
            seconds = (double)(fx_now_ns() - start) / 1e9;
        } else {
            fprintf(stderr, "submitted %d, logged %d of %d\n", submitted, logged, count);
        }
        fx5_finish(c, &ev);
    } else if (c) {
        fx5_release_and_wait(c, &ev);
    }
    fx5_events_clean_up(&ev);
    fx_broker_stop(&b);
    return seconds;
}

static int test_iot_core_defaults_throttle_publishes_to_100_per_second(void) {
    /* 300 publishes at 100/s from an empty bucket: about 3 s; at least 2 s with slack. */
    double throttled = s_time_publishes(AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS, 300, 8);
    double free_running = s_time_publishes(AWS_MQTT5_EVAFCO_NONE, 300, 8);
    fprintf(stderr, "300 publishes: %.2f s with IoT Core limits, %.2f s without\n", throttled, free_running);
    CHECK(throttled >= 2.0);
    CHECK(throttled < 20.0);
    /* The contrast shows the limit is what made it slow. */
    CHECK(free_running >= 0 && free_running < 1.5);
    return 0;
}

static int test_iot_core_defaults_throttle_throughput_to_512_kib_per_second(void) {
    /* 12 x 100 KiB = 1.2 MB at 512 KiB/s: about 2.3 s; at least 1.5 s with slack. */
    double throttled = s_time_publishes(AWS_MQTT5_EVAFCO_AWS_IOT_CORE_DEFAULTS, 12, 100 * 1024);
    double free_running = s_time_publishes(AWS_MQTT5_EVAFCO_NONE, 12, 100 * 1024);
    fprintf(stderr, "1.2 MB: %.2f s with IoT Core limits, %.2f s without\n", throttled, free_running);
    CHECK(throttled >= 1.5);
    CHECK(throttled < 20.0);
    CHECK(free_running >= 0 && free_running < 1.0);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    memset(s_text, 'a', sizeof(s_text) - 1);

    RUN(test_iot_core_defaults_refuse_topics_over_256_bytes_or_8_levels);
    RUN(test_iot_core_defaults_refuse_a_client_id_over_128_bytes);
    RUN(test_iot_core_defaults_generate_a_client_id_when_none_is_given);
    RUN(test_iot_core_defaults_throttle_publishes_to_100_per_second);
    RUN(test_iot_core_defaults_throttle_throughput_to_512_kib_per_second);

    return fx_suite_end(s_alloc, &s_io);
}
