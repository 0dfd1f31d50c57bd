/* Validation in the MQTT 5 client, with upstream v0.16.2's error codes (spec section 12 for the
 * client options, section 7 for the packet views): aws_mqtt5_client_new refuses invalid options
 * with NULL; publish, subscribe, unsubscribe and stop refuse invalid views synchronously and
 * change nothing; and what only the negotiated settings rule out fails at send time without
 * ending the connection (against mqtt-test-broker, env MQTT_TEST_BROKER). IoT Core's limits:
 * test_mqtt5_iot_core.c. aws_mqtt5_disconnect_reason_code_to_c_string tells, as upstream, which
 * reason codes a DISCONNECT may carry. */
#include "mqtt5_fixture.h"

#include <aws/mqtt/private/v5/mqtt5_utils.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx5_events s_ev;
static char s_big[70000]; /* 'x' * 69999: over every 65535-byte field limit */
static const uint8_t s_bad_utf8_bytes[] = {'u', 0xC3, 0x28};

static struct aws_byte_cursor s_bad_utf8(void) {
    return aws_byte_cursor_from_array(s_bad_utf8_bytes, sizeof(s_bad_utf8_bytes));
}

static struct aws_byte_cursor s_long(size_t len) {
    return aws_byte_cursor_from_array(s_big, len);
}

/* aws_mqtt5_client_new refuses `cfg` with `code`. */
static int s_refused(struct fx5_config *cfg, int code) {
    aws_reset_error();
    struct aws_mqtt5_client *client = aws_mqtt5_client_new(s_alloc, &cfg->options);
    if (client) {
        aws_mqtt5_client_release(client);
    }
    CHECK(client == NULL);
    CHECK_INT_EQ(aws_last_error(), code);
    return 0;
}

/* Each case starts from a valid configuration and changes one thing. */
#define REFUSED(mutation, code)                                                                    \
    do {                                                                                           \
        fx5_config_init(&cfg, s_io.bootstrap, 1883, "fx5-valid", &s_ev);                            \
        mutation;                                                                                  \
        if (s_refused(&cfg, (code))) {                                                             \
            fprintf(stderr, "case: %s\n", #mutation);                                              \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

static int test_client_new_refuses_invalid_client_options(void) {
    struct fx5_config cfg;
    aws_reset_error();
    CHECK(aws_mqtt5_client_new(s_alloc, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    REFUSED(cfg.options.host_name = fx_cur(""), AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED(cfg.options.bootstrap = NULL, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED(cfg.socket.type = AWS_SOCKET_DGRAM, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED(cfg.socket.connect_timeout_ms = 0, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED(cfg.options.port = 0, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED(cfg.options.port = 65536, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED(cfg.options.lifecycle_event_handler = NULL, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED(cfg.options.publish_received_handler = NULL, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED((cfg.aliasing.outbound_topic_alias_behavior = (enum aws_mqtt5_client_outbound_topic_alias_behavior_type)4,
             cfg.options.topic_aliasing_options = &cfg.aliasing),
            AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    REFUSED((cfg.aliasing.inbound_topic_alias_behavior = (enum aws_mqtt5_client_inbound_topic_alias_behavior_type)3,
             cfg.options.topic_aliasing_options = &cfg.aliasing),
            AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    struct aws_mqtt_iot_metrics metrics = {.library_name = s_bad_utf8()};
    REFUSED(cfg.options.metrics = &metrics, AWS_ERROR_MQTT5_CLIENT_OPTIONS_VALIDATION);
    /* The baseline itself is valid, and nothing above left a client behind. */
    fx5_config_init(&cfg, s_io.bootstrap, 1883, "fx5-valid", &s_ev);
    struct aws_mqtt5_client *client = fx5_client_new(s_alloc, &cfg, &s_ev);
    CHECK(client != NULL);
    CHECK_INT_EQ(fx5_release_and_wait(client, &s_ev), 0);
    return 0;
}

static int test_client_new_refuses_an_invalid_connect_view(void) {
    struct fx5_config cfg;
    struct aws_byte_cursor bad = s_bad_utf8();
    struct aws_byte_cursor too_long = s_long(65536);
    uint16_t zero16 = 0;
    uint32_t zero32 = 0;
    uint8_t two = 2;
    struct aws_mqtt5_user_property bad_property = {.name = bad, .value = fx_cur("v")};
    REFUSED(cfg.options.connect_options = NULL, AWS_ERROR_INVALID_ARGUMENT);
    /* Strings are MQTT UTF-8 [MQTT-1.5.4-1], at most 65535 bytes. */
    REFUSED(cfg.connect.client_id = bad, AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    REFUSED(cfg.connect.client_id = too_long, AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    REFUSED(cfg.connect.username = &bad, AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    REFUSED(cfg.connect.password = &too_long, AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    /* Receive Maximum 0 and Maximum Packet Size 0 are protocol errors (3.1.2.11.3, 3.1.2.11.4). */
    REFUSED(cfg.connect.receive_maximum = &zero16, AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    REFUSED(cfg.connect.maximum_packet_size_bytes = &zero32, AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    REFUSED(cfg.connect.request_problem_information = &two, AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    REFUSED(cfg.connect.request_response_information = &two, AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    REFUSED((cfg.connect.user_property_count = 1, cfg.connect.user_properties = NULL),
            AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION);
    REFUSED((cfg.connect.user_property_count = 1, cfg.connect.user_properties = &bad_property),
            AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION);
    /* The will is validated as a PUBLISH (its own code), its payload against 65535 bytes. */
    REFUSED((cfg.will = (struct aws_mqtt5_packet_publish_view){.topic = fx_cur("will/+")}, cfg.connect.will = &cfg.will),
            AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION);
    REFUSED((cfg.will = (struct aws_mqtt5_packet_publish_view){.topic = fx_cur("will/t"), .qos = 3},
             cfg.connect.will = &cfg.will),
            AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION);
    REFUSED((cfg.will = (struct aws_mqtt5_packet_publish_view){.topic = fx_cur("will/t"), .payload = too_long},
             cfg.connect.will = &cfg.will),
            AWS_ERROR_MQTT5_CONNECT_OPTIONS_VALIDATION);
    return 0;
}

/* A client that is never started: views are validated before anything is queued. */
static int s_idle_client(struct fx5_config *cfg, struct aws_mqtt5_client **out) {
    fx5_events_clean_up(&s_ev);
    fx5_setup(&s_ev, cfg, s_io.bootstrap, 1883, "fx5-views");
    *out = fx5_client_new(s_alloc, cfg, &s_ev);
    CHECK(*out != NULL);
    return 0;
}

#define PUBLISH_FAILS(mutation, code)                                                              \
    do {                                                                                           \
        struct aws_mqtt5_packet_publish_view p = {                                                 \
            .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .topic = fx_cur("ok/t"), .payload = fx_cur("x")};    \
        mutation;                                                                                  \
        aws_reset_error();                                                                         \
        if (aws_mqtt5_client_publish(c, &p, NULL) != AWS_OP_ERR || aws_last_error() != (code)) {   \
            fprintf(stderr, "publish case %s: got %s\n", #mutation, aws_error_name(aws_last_error())); \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

static int test_publish_refuses_an_invalid_view(void) {
    struct fx5_config cfg;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(s_idle_client(&cfg, &c), 0);
    struct aws_mqtt5_packet_publish_view valid = {.qos = AWS_MQTT5_QOS_AT_LEAST_ONCE, .topic = fx_cur("ok/t")};
    CHECK_FAILS_WITH(aws_mqtt5_client_publish(NULL, &valid, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt5_client_publish(c, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    enum aws_mqtt5_payload_format_indicator utf8 = AWS_MQTT5_PFI_UTF8;
    enum aws_mqtt5_payload_format_indicator format_2 = (enum aws_mqtt5_payload_format_indicator)2;
    uint16_t alias_0 = 0;
    uint32_t sub_id = 1;
    struct aws_byte_cursor wildcard = fx_cur("reply/+");
    struct aws_byte_cursor bad = s_bad_utf8();
    const int V = AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION;
    PUBLISH_FAILS(p.qos = (enum aws_mqtt5_qos)3, V);
    /* QoS 0 carries no DUP [MQTT-3.3.1-2] and no packet id [MQTT-2.2.1-2]. */
    PUBLISH_FAILS((p.qos = AWS_MQTT5_QOS_AT_MOST_ONCE, p.duplicate = true), V);
    PUBLISH_FAILS((p.qos = AWS_MQTT5_QOS_AT_MOST_ONCE, p.packet_id = 7), V);
    /* The client picks packet ids: a caller's is refused at any QoS. */
    PUBLISH_FAILS(p.packet_id = 7, V);
    /* Topic names: non-empty, no wildcards [MQTT-3.3.2-2], MQTT UTF-8. */
    PUBLISH_FAILS(p.topic = fx_cur(""), V);
    PUBLISH_FAILS(p.topic = fx_cur("a/+/b"), V);
    PUBLISH_FAILS(p.topic = fx_cur("a/#"), V);
    PUBLISH_FAILS(p.topic = bad, V);
    PUBLISH_FAILS(p.topic_alias = &alias_0, V); /* [MQTT-3.3.2-8] */
    PUBLISH_FAILS(p.payload_format = &format_2, V);
    PUBLISH_FAILS((p.payload_format = &utf8, p.payload = bad), V);
    PUBLISH_FAILS(p.response_topic = &wildcard, V);
    /* Only a server sends Subscription Identifiers in a PUBLISH [MQTT-3.3.4-6]. */
    PUBLISH_FAILS((p.subscription_identifier_count = 1, p.subscription_identifiers = &sub_id), V);
    PUBLISH_FAILS(p.content_type = &bad, V);
    PUBLISH_FAILS((p.user_property_count = 2, p.user_properties = NULL), AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION);
    /* Nothing was queued. */
    struct aws_mqtt5_client_operation_statistics stats;
    aws_mqtt5_client_get_stats(c, &stats);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);
    CHECK_INT_EQ(fx5_release_and_wait(c, &s_ev), 0);
    return 0;
}

static int test_subscribe_and_unsubscribe_refuse_invalid_views(void) {
    struct fx5_config cfg;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(s_idle_client(&cfg, &c), 0);
    static struct aws_mqtt5_subscription_view many[1025];
    for (int i = 0; i < 1025; ++i) {
        many[i] = (struct aws_mqtt5_subscription_view){.topic_filter = fx_cur("ok/#")};
    }
    const struct {
        struct aws_mqtt5_subscription_view subscription;
        const char *why;
    } bad_subscriptions[] = {
        {{.topic_filter = fx_cur("a/#/b")}, "# not last [MQTT-4.7.1-1]"},
        {{.topic_filter = fx_cur("a+")}, "+ not a whole level [MQTT-4.7.1-2]"},
        {{.topic_filter = fx_cur("")}, "empty filter [MQTT-4.7.3-1]"},
        {{.topic_filter = s_bad_utf8()}, "not UTF-8"},
        {{.topic_filter = fx_cur("ok/#"), .qos = (enum aws_mqtt5_qos)3}, "QoS 3 (3.8.3.1)"},
        {{.topic_filter = fx_cur("ok/#"), .retain_handling_type = (enum aws_mqtt5_retain_handling_type)3},
         "retain handling 3 (3.8.3.1)"},
        {{.topic_filter = fx_cur("$share/g/ok/#"), .no_local = true}, "no local on a shared filter [MQTT-3.8.3-4]"},
    };
    struct aws_mqtt5_packet_subscribe_view subscribe = {0};
    CHECK_FAILS_WITH(aws_mqtt5_client_subscribe(NULL, &subscribe, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt5_client_subscribe(c, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    /* At least one subscription [MQTT-3.8.3-2], at most upstream's 1024. */
    CHECK_FAILS_WITH(aws_mqtt5_client_subscribe(c, &subscribe, NULL), AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION);
    subscribe.subscription_count = 1025;
    subscribe.subscriptions = many;
    CHECK_FAILS_WITH(aws_mqtt5_client_subscribe(c, &subscribe, NULL), AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION);
    subscribe.subscription_count = 1;
    for (size_t i = 0; i < sizeof(bad_subscriptions) / sizeof(bad_subscriptions[0]); ++i) {
        subscribe.subscriptions = &bad_subscriptions[i].subscription;
        aws_reset_error();
        if (aws_mqtt5_client_subscribe(c, &subscribe, NULL) != AWS_OP_ERR ||
            aws_last_error() != AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION) {
            fprintf(stderr, "subscribe accepted or misreported: %s\n", bad_subscriptions[i].why);
            return 1;
        }
    }
    subscribe.subscriptions = many;
    uint32_t too_big_id = 268435456; /* 1 .. 268,435,455 (3.8.2.1.2) */
    subscribe.subscription_identifier = &too_big_id;
    CHECK_FAILS_WITH(aws_mqtt5_client_subscribe(c, &subscribe, NULL), AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION);
    subscribe.subscription_identifier = NULL;
    subscribe.packet_id = 9;
    CHECK_FAILS_WITH(aws_mqtt5_client_subscribe(c, &subscribe, NULL), AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION);
    subscribe.packet_id = 0;
    subscribe.user_property_count = 1;
    CHECK_FAILS_WITH(aws_mqtt5_client_subscribe(c, &subscribe, NULL), AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION);

    struct aws_byte_cursor filters[] = {fx_cur("ok/#"), fx_cur("a/#/b")};
    struct aws_mqtt5_packet_unsubscribe_view unsubscribe = {0};
    CHECK_FAILS_WITH(aws_mqtt5_client_unsubscribe(NULL, &unsubscribe, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt5_client_unsubscribe(c, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    /* At least one filter [MQTT-3.10.3-2], each a valid one. */
    CHECK_FAILS_WITH(aws_mqtt5_client_unsubscribe(c, &unsubscribe, NULL),
                     AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION);
    unsubscribe.topic_filter_count = 2;
    unsubscribe.topic_filters = filters;
    CHECK_FAILS_WITH(aws_mqtt5_client_unsubscribe(c, &unsubscribe, NULL),
                     AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION);
    unsubscribe.topic_filter_count = 1;
    unsubscribe.packet_id = 3;
    CHECK_FAILS_WITH(aws_mqtt5_client_unsubscribe(c, &unsubscribe, NULL),
                     AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION);
    unsubscribe.packet_id = 0;
    unsubscribe.user_property_count = 1;
    CHECK_FAILS_WITH(aws_mqtt5_client_unsubscribe(c, &unsubscribe, NULL), AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION);
    struct aws_mqtt5_client_operation_statistics stats;
    aws_mqtt5_client_get_stats(c, &stats);
    CHECK_INT_EQ(stats.incomplete_operation_count, 0);
    CHECK_INT_EQ(fx5_release_and_wait(c, &s_ev), 0);
    return 0;
}

static int test_stop_refuses_an_invalid_disconnect_view(void) {
    struct fx5_config cfg;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(s_idle_client(&cfg, &c), 0);
    struct aws_byte_cursor bad = s_bad_utf8();
    struct aws_byte_cursor server = fx_cur("elsewhere:1883");
    struct aws_mqtt5_packet_disconnect_view d = {.reason_code = (enum aws_mqtt5_disconnect_reason_code)5};
    CHECK_FAILS_WITH(aws_mqtt5_client_stop(NULL, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    /* Only the reason codes of section 3.14.2.1. */
    CHECK_FAILS_WITH(aws_mqtt5_client_stop(c, &d, NULL), AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION);
    d.reason_code = AWS_MQTT5_DRC_NORMAL_DISCONNECTION;
    d.reason_string = &bad;
    CHECK_FAILS_WITH(aws_mqtt5_client_stop(c, &d, NULL), AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION);
    d.reason_string = NULL;
    /* Only a server sends a Server Reference (3.14.2.2.5). */
    d.server_reference = &server;
    CHECK_FAILS_WITH(aws_mqtt5_client_stop(c, &d, NULL), AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION);
    d.server_reference = NULL;
    d.user_property_count = 1;
    CHECK_FAILS_WITH(aws_mqtt5_client_stop(c, &d, NULL), AWS_ERROR_MQTT5_USER_PROPERTY_VALIDATION);
    /* A failed stop changed nothing: no lifecycle event at all. */
    int events;
    FX_READ(&s_ev, s_ev.event_count, events);
    CHECK_INT_EQ(events, 0);
    CHECK_INT_EQ(fx5_release_and_wait(c, &s_ev), 0);
    return 0;
}

/* Upstream's signature, (reason_code, bool *is_valid): a program compiled against upstream passes
 * both, and is_valid may be NULL. */
static int test_disconnect_reason_code_names_tell_which_codes_are_valid(void) {
    bool is_valid = false;
    CHECK(strcmp(aws_mqtt5_disconnect_reason_code_to_c_string(AWS_MQTT5_DRC_SESSION_TAKEN_OVER, &is_valid),
                 "Session Taken Over") == 0);
    CHECK(is_valid);
    CHECK(strcmp(aws_mqtt5_disconnect_reason_code_to_c_string(AWS_MQTT5_DRC_NORMAL_DISCONNECTION, NULL),
                 "Normal Disconnection") == 0);
    /* 0x86 (Bad Username Or Password) is a CONNACK code; 5 and 0xA3 are no code at all. */
    const int invalid[] = {0x86, 5, 0xA3, -1};
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        is_valid = true;
        const char *name =
            aws_mqtt5_disconnect_reason_code_to_c_string((enum aws_mqtt5_disconnect_reason_code)invalid[i], &is_valid);
        CHECK(strcmp(name, "Unknown Reason") == 0);
        CHECK(!is_valid);
    }
    CHECK(strcmp(aws_mqtt5_disconnect_reason_code_to_c_string((enum aws_mqtt5_disconnect_reason_code)5, NULL),
                 "Unknown Reason") == 0);
    return 0;
}

static int test_what_the_server_disallows_fails_at_send_time_and_the_connection_stays(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--retain-available", "0", "--maximum-qos", "0")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-send-time");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev, &c), 0);
    struct fx5_event success = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS, 0);
    CHECK_INT_EQ(success.settings.maximum_qos, AWS_MQTT5_QOS_AT_MOST_ONCE);
    CHECK(!success.settings.retain_available);
    /* Maximum QoS 0 (3.2.2.3.4) and Retain Available 0 (3.2.2.3.5) bind the client. */
    struct fx5_op *qos1 = fx5_publish(c, &ev, "fx5/send/qos1", AWS_MQTT5_QOS_AT_LEAST_ONCE, "x");
    struct fx5_op *retained = fx5_op_new(&ev);
    struct aws_mqtt5_packet_publish_view publish = {.retain = true, .topic = fx_cur("fx5/send/retained")};
    struct aws_mqtt5_publish_completion_options done = {.completion_callback = fx5_on_publish_complete,
                                                        .completion_user_data = retained};
    CHECK_INT_EQ(aws_mqtt5_client_publish(c, &publish, &done), AWS_OP_SUCCESS);
    struct fx5_op *fine = fx5_publish(c, &ev, "fx5/send/fine", AWS_MQTT5_QOS_AT_MOST_ONCE, "x");
    CHECK(qos1 && fine);
    CHECK_WAIT(&ev, qos1->completions == 1 && retained->completions == 1 && fine->completions == 1, 10000);
    CHECK_INT_EQ(qos1->error_code, AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION);
    CHECK_INT_EQ(retained->error_code, AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION);
    CHECK_INT_EQ(fine->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx_log_wait_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"topic\":\"fx5/send/fine\""), 1, 2000), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PUBLISH\"")), 1);

    /* A DISCONNECT may not set a Session Expiry the CONNECT left at 0 (3.14.2.2.2): stop
     * accepts it, then the send fails and the connection ends with that error (spec 1.5). */
    uint32_t expiry = 10;
    struct aws_mqtt5_packet_disconnect_view disconnect = {.session_expiry_interval_seconds = &expiry};
    struct fx5_op *stop_done = fx5_op_new(&ev);
    struct aws_mqtt5_disconnect_completion_options stop_completion = {
        .completion_callback = fx5_on_disconnect_complete, .completion_user_data = stop_done};
    CHECK_INT_EQ(aws_mqtt5_client_stop(c, &disconnect, &stop_completion), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, stop_done->completions == 1 && fx5_count_locked(&ev, AWS_MQTT5_CLET_STOPPED) == 1, 10000);
    CHECK_INT_EQ(stop_done->error_code, AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code, AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"DISCONNECT\"")), 0);
    CHECK_INT_EQ(fx5_release_and_wait(c, &ev), 0);
    fx5_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    memset(s_big, 'x', sizeof(s_big) - 1);
    fx5_events_init(&s_ev);

    RUN(test_client_new_refuses_invalid_client_options);
    RUN(test_client_new_refuses_an_invalid_connect_view);
    RUN(test_publish_refuses_an_invalid_view);
    RUN(test_subscribe_and_unsubscribe_refuse_invalid_views);
    RUN(test_stop_refuses_an_invalid_disconnect_view);
    RUN(test_disconnect_reason_code_names_tell_which_codes_are_valid);
    RUN(test_what_the_server_disallows_fails_at_send_time_and_the_connection_stays);

    fx5_events_clean_up(&s_ev);
    return fx_suite_end(s_alloc, &s_io);
}
