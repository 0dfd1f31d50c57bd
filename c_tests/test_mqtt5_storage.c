/* Tests of aws/mqtt/v5/mqtt5_packet_storage.h and the negotiated settings functions of
 * aws/mqtt/v5/mqtt5_client.h through the C API: each storage is filled from a view carrying
 * every property, the view's memory is scribbled over and freed, every field of storage_view is
 * checked, and cleaning up gives back every block (the counting allocator). */
#include <aws/common/error.h>
#include <aws/mqtt/v5/mqtt5_client.h>
#include <aws/mqtt/v5/mqtt5_packet_storage.h>

#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include "counting_allocator.h"

/* The source strings of the current test: malloc'd so they can be destroyed after the copy. */
#define MAX_SOURCES 64
static char *s_sources[MAX_SOURCES];
static size_t s_source_count;

static struct aws_byte_cursor s_src(const char *text) {
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    memcpy(copy, text, len + 1);
    s_sources[s_source_count++] = copy;
    return aws_byte_cursor_from_array(copy, len);
}

/* Overwrites and frees every source string, so a copy that still pointed there would show. */
static void s_destroy_sources(void) {
    for (size_t i = 0; i < s_source_count; ++i) {
        memset(s_sources[i], 'X', strlen(s_sources[i]));
        free(s_sources[i]);
    }
    s_source_count = 0;
}

static bool s_is(const struct aws_byte_cursor *c, const char *text) {
    return c != NULL && aws_byte_cursor_eq_c_str(c, text);
}

static int test_user_property_set(void) {
    struct aws_byte_buf buf;
    CHECK_INT_EQ(aws_byte_buf_init(&buf, &s_counting, 16), AWS_OP_SUCCESS);
    struct aws_mqtt5_user_property props[] = {
        {s_src("a"), s_src("bc")},
        {s_src("de"), s_src("f")},
    };
    struct aws_mqtt5_user_property_set set;
    CHECK_INT_EQ(aws_mqtt5_user_property_set_init_with_storage(&set, &s_counting, &buf, 2, props), AWS_OP_SUCCESS);
    s_destroy_sources();
    CHECK_INT_EQ(aws_mqtt5_user_property_set_size(&set), 2);
    CHECK_INT_EQ(buf.len, 6);
    struct aws_mqtt5_user_property *second = NULL;
    CHECK_INT_EQ(aws_array_list_get_at_ptr(&set.properties, (void **)&second, 1), AWS_OP_SUCCESS);
    CHECK(s_is(&second->name, "de") && s_is(&second->value, "f"));

    /* A buffer without room fails and leaves the set empty. */
    struct aws_mqtt5_user_property big = {s_src("0123456789"), s_src("0123456789")};
    struct aws_mqtt5_user_property_set other;
    CHECK_FAILS_WITH(aws_mqtt5_user_property_set_init_with_storage(&other, &s_counting, &buf, 1, &big),
                     AWS_ERROR_DEST_COPY_TOO_SMALL);
    CHECK_INT_EQ(aws_mqtt5_user_property_set_size(&other), 0);
    s_destroy_sources();

    aws_mqtt5_user_property_set_clean_up(&set);
    aws_byte_buf_clean_up(&buf);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int s_check_properties(const struct aws_mqtt5_user_property *props, size_t count) {
    CHECK_INT_EQ(count, 2);
    CHECK(s_is(&props[0].name, "name1") && s_is(&props[0].value, "value1"));
    CHECK(s_is(&props[1].name, "name2") && s_is(&props[1].value, ""));
    return 0;
}

/* Two user properties, the second with an empty value. */
static struct aws_mqtt5_user_property s_props[2];
static void s_make_properties(void) {
    s_props[0].name = s_src("name1");
    s_props[0].value = s_src("value1");
    s_props[1].name = s_src("name2");
    s_props[1].value = s_src("");
}

static void s_fill_publish(struct aws_mqtt5_packet_publish_view *view, struct aws_byte_cursor *cursors,
                           const uint32_t *ids, const enum aws_mqtt5_payload_format_indicator *pfi,
                           const uint32_t *expiry, const uint16_t *alias) {
    memset(view, 0, sizeof(*view));
    cursors[0] = s_src("reply/to");
    cursors[1] = s_src("correlation");
    cursors[2] = s_src("application/json");
    view->payload = s_src("{\"hello\":1}");
    view->packet_id = 42;
    view->qos = AWS_MQTT5_QOS_AT_LEAST_ONCE;
    view->duplicate = true;
    view->retain = true;
    view->topic = s_src("sensors/1");
    view->payload_format = pfi;
    view->message_expiry_interval_seconds = expiry;
    view->topic_alias = alias;
    view->response_topic = &cursors[0];
    view->correlation_data = &cursors[1];
    view->subscription_identifier_count = 2;
    view->subscription_identifiers = ids;
    view->content_type = &cursors[2];
    view->user_property_count = 2;
    view->user_properties = s_props;
}

static int s_check_publish(const struct aws_mqtt5_packet_publish_view *v) {
    CHECK(s_is(&v->payload, "{\"hello\":1}"));
    CHECK_INT_EQ(v->packet_id, 42);
    CHECK_INT_EQ(v->qos, AWS_MQTT5_QOS_AT_LEAST_ONCE);
    CHECK(v->duplicate && v->retain);
    CHECK(s_is(&v->topic, "sensors/1"));
    CHECK(v->payload_format != NULL && *v->payload_format == AWS_MQTT5_PFI_UTF8);
    CHECK(v->message_expiry_interval_seconds != NULL && *v->message_expiry_interval_seconds == 3600);
    CHECK(v->topic_alias != NULL && *v->topic_alias == 3);
    CHECK(s_is(v->response_topic, "reply/to"));
    CHECK(s_is(v->correlation_data, "correlation"));
    CHECK_INT_EQ(v->subscription_identifier_count, 2);
    CHECK(v->subscription_identifiers[0] == 11 && v->subscription_identifiers[1] == 268435455);
    CHECK(s_is(v->content_type, "application/json"));
    return s_check_properties(v->user_properties, v->user_property_count);
}

static int test_publish_storage(void) {
    struct aws_mqtt5_packet_publish_storage storage;
    {
        struct aws_byte_cursor cursors[3];
        uint32_t ids[] = {11, 268435455};
        enum aws_mqtt5_payload_format_indicator pfi = AWS_MQTT5_PFI_UTF8;
        uint32_t expiry = 3600;
        uint16_t alias = 3;
        struct aws_mqtt5_packet_publish_view view;
        s_make_properties();
        s_fill_publish(&view, cursors, ids, &pfi, &expiry, &alias);
        CHECK_INT_EQ(aws_mqtt5_packet_publish_storage_init(&storage, &s_counting, &view), AWS_OP_SUCCESS);
        memset(&view, 0, sizeof(view));
        memset(cursors, 0, sizeof(cursors));
        ids[0] = ids[1] = 0;
        s_destroy_sources();
    }
    CHECK(s_check_publish(&storage.storage_view) == 0);
    CHECK(storage.storage_view.payload_format == &storage.payload_format);
    CHECK(storage.storage_view.response_topic == &storage.response_topic);
    aws_mqtt5_packet_publish_storage_clean_up(&storage);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_puback_storage(void) {
    struct aws_mqtt5_packet_puback_storage storage;
    {
        struct aws_byte_cursor reason = s_src("no one listening");
        s_make_properties();
        struct aws_mqtt5_packet_puback_view view = {
            .packet_id = 9,
            .reason_code = AWS_MQTT5_PARC_NO_MATCHING_SUBSCRIBERS,
            .reason_string = &reason,
            .user_property_count = 2,
            .user_properties = s_props,
        };
        CHECK_INT_EQ(aws_mqtt5_packet_puback_storage_init(&storage, &s_counting, &view), AWS_OP_SUCCESS);
        memset(&reason, 0, sizeof(reason));
        s_destroy_sources();
    }
    const struct aws_mqtt5_packet_puback_view *v = &storage.storage_view;
    CHECK_INT_EQ(v->packet_id, 9);
    CHECK_INT_EQ(v->reason_code, AWS_MQTT5_PARC_NO_MATCHING_SUBSCRIBERS);
    CHECK(s_is(v->reason_string, "no one listening"));
    CHECK(s_check_properties(v->user_properties, v->user_property_count) == 0);
    aws_mqtt5_packet_puback_storage_clean_up(&storage);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_connect_storage(void) {
    struct aws_mqtt5_packet_connect_storage storage;
    {
        struct aws_byte_cursor will_cursors[3];
        uint32_t ids[] = {11, 268435455};
        enum aws_mqtt5_payload_format_indicator pfi = AWS_MQTT5_PFI_UTF8;
        uint32_t expiry = 3600;
        uint16_t alias = 3;
        struct aws_mqtt5_packet_publish_view will;
        s_make_properties();
        s_fill_publish(&will, will_cursors, ids, &pfi, &expiry, &alias);
        struct aws_byte_cursor username = s_src("user");
        struct aws_byte_cursor password = s_src("pass");
        struct aws_byte_cursor method = s_src("SCRAM");
        struct aws_byte_cursor data = s_src("challenge");
        uint32_t session_expiry = 600, max_packet = 65536, will_delay = 30;
        uint8_t response_info = 1, problem_info = 0;
        uint16_t receive_max = 100, alias_max = 8;
        struct aws_mqtt5_packet_connect_view view = {
            .keep_alive_interval_seconds = 1200,
            .client_id = s_src("client-7"),
            .username = &username,
            .password = &password,
            .clean_start = true,
            .session_expiry_interval_seconds = &session_expiry,
            .request_response_information = &response_info,
            .request_problem_information = &problem_info,
            .receive_maximum = &receive_max,
            .topic_alias_maximum = &alias_max,
            .maximum_packet_size_bytes = &max_packet,
            .will_delay_interval_seconds = &will_delay,
            .will = &will,
            .user_property_count = 2,
            .user_properties = s_props,
            .authentication_method = &method,
            .authentication_data = &data,
        };
        CHECK_INT_EQ(aws_mqtt5_packet_connect_storage_init(&storage, &s_counting, &view, NULL), AWS_OP_SUCCESS);
        memset(&view, 0, sizeof(view));
        memset(&will, 0, sizeof(will));
        s_destroy_sources();
    }
    const struct aws_mqtt5_packet_connect_view *v = &storage.storage_view;
    CHECK(storage.allocator == &s_counting);
    CHECK_INT_EQ(v->keep_alive_interval_seconds, 1200);
    CHECK(s_is(&v->client_id, "client-7"));
    CHECK(s_is(v->username, "user") && v->username == &storage.username);
    CHECK(s_is(v->password, "pass"));
    CHECK(v->clean_start);
    CHECK(*v->session_expiry_interval_seconds == 600);
    CHECK(*v->request_response_information == 1 && *v->request_problem_information == 0);
    CHECK(*v->receive_maximum == 100 && *v->topic_alias_maximum == 8);
    CHECK(*v->maximum_packet_size_bytes == 65536 && *v->will_delay_interval_seconds == 30);
    CHECK(v->will == &storage.will->storage_view);
    CHECK(s_check_publish(v->will) == 0);
    CHECK(s_check_properties(v->user_properties, v->user_property_count) == 0);
    CHECK(s_is(v->authentication_method, "SCRAM") && s_is(v->authentication_data, "challenge"));
    aws_mqtt5_packet_connect_storage_clean_up(&storage);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_connack_storage(void) {
    struct aws_mqtt5_packet_connack_storage storage;
    {
        uint32_t session_expiry = 7, max_packet = 1000;
        uint16_t receive_max = 20, alias_max = 5, keep_alive = 60;
        enum aws_mqtt5_qos max_qos = AWS_MQTT5_QOS_AT_LEAST_ONCE;
        bool yes = true, no = false;
        struct aws_byte_cursor strings[6] = {
            s_src("assigned"), s_src("why"), s_src("info"), s_src("other.host"), s_src("m"), s_src("d"),
        };
        s_make_properties();
        struct aws_mqtt5_packet_connack_view view = {
            .session_present = true,
            .reason_code = AWS_MQTT5_CRC_SUCCESS,
            .session_expiry_interval = &session_expiry,
            .receive_maximum = &receive_max,
            .maximum_qos = &max_qos,
            .retain_available = &yes,
            .maximum_packet_size = &max_packet,
            .assigned_client_identifier = &strings[0],
            .topic_alias_maximum = &alias_max,
            .reason_string = &strings[1],
            .user_property_count = 2,
            .user_properties = s_props,
            .wildcard_subscriptions_available = &no,
            .subscription_identifiers_available = &yes,
            .shared_subscriptions_available = &no,
            .server_keep_alive = &keep_alive,
            .response_information = &strings[2],
            .server_reference = &strings[3],
            .authentication_method = &strings[4],
            .authentication_data = &strings[5],
        };
        CHECK_INT_EQ(aws_mqtt5_packet_connack_storage_init(&storage, &s_counting, &view), AWS_OP_SUCCESS);
        memset(&view, 0, sizeof(view));
        memset(strings, 0, sizeof(strings));
        s_destroy_sources();
    }
    const struct aws_mqtt5_packet_connack_view *v = &storage.storage_view;
    CHECK(v->session_present);
    CHECK_INT_EQ(v->reason_code, AWS_MQTT5_CRC_SUCCESS);
    CHECK(*v->session_expiry_interval == 7 && *v->receive_maximum == 20);
    CHECK(*v->maximum_qos == AWS_MQTT5_QOS_AT_LEAST_ONCE && *v->retain_available);
    CHECK(*v->maximum_packet_size == 1000 && *v->topic_alias_maximum == 5);
    CHECK(s_is(v->assigned_client_identifier, "assigned") && s_is(v->reason_string, "why"));
    CHECK(s_check_properties(v->user_properties, v->user_property_count) == 0);
    CHECK(!*v->wildcard_subscriptions_available && *v->subscription_identifiers_available);
    CHECK(!*v->shared_subscriptions_available && *v->server_keep_alive == 60);
    CHECK(s_is(v->response_information, "info") && s_is(v->server_reference, "other.host"));
    CHECK(s_is(v->authentication_method, "m") && s_is(v->authentication_data, "d"));
    aws_mqtt5_packet_connack_storage_clean_up(&storage);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_disconnect_storage(void) {
    struct aws_mqtt5_packet_disconnect_storage storage;
    {
        uint32_t session_expiry = 0;
        struct aws_byte_cursor reason = s_src("bye");
        struct aws_byte_cursor reference = s_src("elsewhere");
        s_make_properties();
        struct aws_mqtt5_packet_disconnect_view view = {
            .reason_code = AWS_MQTT5_DRC_SERVER_MOVED,
            .session_expiry_interval_seconds = &session_expiry,
            .reason_string = &reason,
            .user_property_count = 2,
            .user_properties = s_props,
            .server_reference = &reference,
        };
        CHECK_INT_EQ(aws_mqtt5_packet_disconnect_storage_init(&storage, &s_counting, &view), AWS_OP_SUCCESS);
        s_destroy_sources();
    }
    const struct aws_mqtt5_packet_disconnect_view *v = &storage.storage_view;
    CHECK_INT_EQ(v->reason_code, AWS_MQTT5_DRC_SERVER_MOVED);
    CHECK(v->session_expiry_interval_seconds != NULL && *v->session_expiry_interval_seconds == 0);
    CHECK(s_is(v->reason_string, "bye") && s_is(v->server_reference, "elsewhere"));
    CHECK(s_check_properties(v->user_properties, v->user_property_count) == 0);
    aws_mqtt5_packet_disconnect_storage_clean_up(&storage);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_subscribe_storage(void) {
    struct aws_mqtt5_packet_subscribe_storage storage;
    {
        uint32_t id = 77;
        struct aws_mqtt5_subscription_view subs[2] = {
            {s_src("a/+"), AWS_MQTT5_QOS_AT_LEAST_ONCE, true, false, AWS_MQTT5_RHT_DONT_SEND},
            {s_src("b/#"), AWS_MQTT5_QOS_AT_MOST_ONCE, false, true, AWS_MQTT5_RHT_SEND_ON_SUBSCRIBE_IF_NEW},
        };
        s_make_properties();
        struct aws_mqtt5_packet_subscribe_view view = {
            .packet_id = 3,
            .subscription_count = 2,
            .subscriptions = subs,
            .subscription_identifier = &id,
            .user_property_count = 2,
            .user_properties = s_props,
        };
        CHECK_INT_EQ(aws_mqtt5_packet_subscribe_storage_init(&storage, &s_counting, &view), AWS_OP_SUCCESS);
        memset(subs, 0, sizeof(subs));
        s_destroy_sources();
    }
    const struct aws_mqtt5_packet_subscribe_view *v = &storage.storage_view;
    CHECK_INT_EQ(v->packet_id, 3);
    CHECK(v->subscription_identifier != NULL && *v->subscription_identifier == 77);
    CHECK_INT_EQ(v->subscription_count, 2);
    CHECK(s_is(&v->subscriptions[0].topic_filter, "a/+"));
    CHECK_INT_EQ(v->subscriptions[0].qos, AWS_MQTT5_QOS_AT_LEAST_ONCE);
    CHECK(v->subscriptions[0].no_local && !v->subscriptions[0].retain_as_published);
    CHECK_INT_EQ(v->subscriptions[0].retain_handling_type, AWS_MQTT5_RHT_DONT_SEND);
    CHECK(s_is(&v->subscriptions[1].topic_filter, "b/#"));
    CHECK(!v->subscriptions[1].no_local && v->subscriptions[1].retain_as_published);
    CHECK_INT_EQ(v->subscriptions[1].retain_handling_type, AWS_MQTT5_RHT_SEND_ON_SUBSCRIBE_IF_NEW);
    CHECK(s_check_properties(v->user_properties, v->user_property_count) == 0);
    aws_mqtt5_packet_subscribe_storage_clean_up(&storage);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_unsubscribe_storage(void) {
    struct aws_mqtt5_packet_unsubscribe_storage storage;
    {
        struct aws_byte_cursor filters[2] = {s_src("a/+"), s_src("b/#")};
        s_make_properties();
        struct aws_mqtt5_packet_unsubscribe_view view = {
            .packet_id = 4,
            .topic_filter_count = 2,
            .topic_filters = filters,
            .user_property_count = 2,
            .user_properties = s_props,
        };
        CHECK_INT_EQ(aws_mqtt5_packet_unsubscribe_storage_init(&storage, &s_counting, &view), AWS_OP_SUCCESS);
        memset(filters, 0, sizeof(filters));
        s_destroy_sources();
    }
    const struct aws_mqtt5_packet_unsubscribe_view *v = &storage.storage_view;
    CHECK_INT_EQ(v->packet_id, 4);
    CHECK_INT_EQ(v->topic_filter_count, 2);
    CHECK(s_is(&v->topic_filters[0], "a/+") && s_is(&v->topic_filters[1], "b/#"));
    CHECK(s_check_properties(v->user_properties, v->user_property_count) == 0);
    aws_mqtt5_packet_unsubscribe_storage_clean_up(&storage);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_suback_and_unsuback_storage(void) {
    struct aws_mqtt5_packet_suback_storage suback;
    struct aws_mqtt5_packet_unsuback_storage unsuback;
    {
        enum aws_mqtt5_suback_reason_code codes[] = {AWS_MQTT5_SARC_GRANTED_QOS_1, AWS_MQTT5_SARC_NOT_AUTHORIZED};
        enum aws_mqtt5_unsuback_reason_code ucodes[] = {AWS_MQTT5_UARC_NO_SUBSCRIPTION_EXISTED};
        struct aws_byte_cursor reason = s_src("partly");
        s_make_properties();
        struct aws_mqtt5_packet_suback_view view = {
            .packet_id = 5,
            .reason_string = &reason,
            .user_property_count = 2,
            .user_properties = s_props,
            .reason_code_count = 2,
            .reason_codes = codes,
        };
        struct aws_mqtt5_packet_unsuback_view uview = {
            .packet_id = 6,
            .reason_string = &reason,
            .user_property_count = 2,
            .user_properties = s_props,
            .reason_code_count = 1,
            .reason_codes = ucodes,
        };
        CHECK_INT_EQ(aws_mqtt5_packet_suback_storage_init(&suback, &s_counting, &view), AWS_OP_SUCCESS);
        CHECK_INT_EQ(aws_mqtt5_packet_unsuback_storage_init(&unsuback, &s_counting, &uview), AWS_OP_SUCCESS);
        memset(codes, 0, sizeof(codes));
        memset(ucodes, 0, sizeof(ucodes));
        s_destroy_sources();
    }
    const struct aws_mqtt5_packet_suback_view *v = &suback.storage_view;
    CHECK_INT_EQ(v->packet_id, 5);
    CHECK(s_is(v->reason_string, "partly"));
    CHECK_INT_EQ(v->reason_code_count, 2);
    CHECK(v->reason_codes[0] == AWS_MQTT5_SARC_GRANTED_QOS_1 && v->reason_codes[1] == AWS_MQTT5_SARC_NOT_AUTHORIZED);
    CHECK(s_check_properties(v->user_properties, v->user_property_count) == 0);
    const struct aws_mqtt5_packet_unsuback_view *u = &unsuback.storage_view;
    CHECK_INT_EQ(u->packet_id, 6);
    CHECK(s_is(u->reason_string, "partly"));
    CHECK(u->reason_code_count == 1 && u->reason_codes[0] == AWS_MQTT5_UARC_NO_SUBSCRIPTION_EXISTED);
    CHECK(s_check_properties(u->user_properties, u->user_property_count) == 0);
    aws_mqtt5_packet_suback_storage_clean_up(&suback);
    aws_mqtt5_packet_unsuback_storage_clean_up(&unsuback);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_empty_views_and_external_storage(void) {
    struct aws_mqtt5_packet_publish_view empty_publish;
    memset(&empty_publish, 0, sizeof(empty_publish));
    struct aws_mqtt5_packet_publish_storage publish;
    CHECK_INT_EQ(aws_mqtt5_packet_publish_storage_init(&publish, &s_counting, &empty_publish), AWS_OP_SUCCESS);
    CHECK(publish.storage_view.payload_format == NULL && publish.storage_view.response_topic == NULL);
    CHECK(publish.storage_view.user_properties == NULL && publish.storage_view.subscription_identifiers == NULL);
    CHECK_INT_EQ(publish.storage_view.topic.len, 0);
    aws_mqtt5_packet_publish_storage_clean_up(&publish);

    struct aws_mqtt5_packet_suback_storage suback;
    CHECK_INT_EQ(aws_mqtt5_packet_suback_storage_init_from_external_storage(&suback, &s_counting), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_array_list_length(&suback.reason_codes), 0);
    CHECK_INT_EQ(aws_mqtt5_user_property_set_size(&suback.user_properties), 0);
    aws_mqtt5_packet_suback_storage_clean_up(&suback);

    struct aws_mqtt5_packet_connect_storage connect;
    CHECK_INT_EQ(aws_mqtt5_packet_connect_storage_init_from_external_storage(&connect, &s_counting), AWS_OP_SUCCESS);
    CHECK(connect.will == NULL);
    aws_mqtt5_packet_connect_storage_clean_up(&connect);

    /* NULL arguments are refused; NULL clean-ups do nothing. */
    CHECK_FAILS_WITH(aws_mqtt5_packet_publish_storage_init(&publish, &s_counting, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_mqtt5_packet_publish_storage_init(NULL, &s_counting, &empty_publish),
                     AWS_ERROR_INVALID_ARGUMENT);
    aws_mqtt5_packet_publish_storage_clean_up(&publish);
    aws_mqtt5_packet_disconnect_storage_clean_up(NULL);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

static int test_negotiated_settings(void) {
    struct aws_mqtt5_negotiated_settings source;
    struct aws_mqtt5_negotiated_settings dest;
    memset(&source, 0, sizeof(source));
    memset(&dest, 0, sizeof(dest));
    struct aws_byte_cursor id = s_src("device-1");
    CHECK_INT_EQ(aws_mqtt5_negotiated_settings_init(&s_counting, &source, &id), AWS_OP_SUCCESS);
    s_destroy_sources();
    source.maximum_qos = AWS_MQTT5_QOS_AT_LEAST_ONCE;
    source.receive_maximum_from_server = 10;
    source.shared_subscriptions_available = true;
    CHECK(aws_byte_cursor_eq_c_str(&(struct aws_byte_cursor){source.client_id_storage.len,
                                                             source.client_id_storage.buffer},
                                   "device-1"));
    CHECK_INT_EQ(aws_mqtt5_negotiated_settings_copy(&source, &dest), AWS_OP_SUCCESS);
    CHECK_INT_EQ(dest.maximum_qos, AWS_MQTT5_QOS_AT_LEAST_ONCE);
    CHECK_INT_EQ(dest.receive_maximum_from_server, 10);
    CHECK(dest.shared_subscriptions_available);
    CHECK(dest.client_id_storage.buffer != source.client_id_storage.buffer);
    CHECK(aws_byte_buf_eq(&dest.client_id_storage, &source.client_id_storage));
    aws_mqtt5_negotiated_settings_clean_up(&source);
    aws_mqtt5_negotiated_settings_clean_up(&dest);
    CHECK_INT_EQ(s_live_blocks, 0);
    return 0;
}

int main(void) {
    RUN(test_user_property_set);
    RUN(test_publish_storage);
    RUN(test_puback_storage);
    RUN(test_connect_storage);
    RUN(test_connack_storage);
    RUN(test_disconnect_storage);
    RUN(test_subscribe_storage);
    RUN(test_unsubscribe_storage);
    RUN(test_suback_and_unsuback_storage);
    RUN(test_empty_views_and_external_storage);
    RUN(test_negotiated_settings);
    return 0;
}
