/* aws/mqtt/mqtt.h: topic name and topic filter syntax (aws_mqtt_is_valid_topic,
 * aws_mqtt_is_valid_topic_filter) and MQTT's UTF-8 rules (aws_mqtt_validate_utf8_text).
 * Each check cites its MQTT 3.1.1 normative statement (numbered as in
 * ../shared/spec/mqtt311-normative-statements.csv; the UTF-8 statements [MQTT-1.4.0-x] are
 * section 1.5.3's in the OASIS text). */
#include <aws/common/byte_buf.h>
#include <aws/common/error.h>
#include <aws/mqtt/mqtt.h>

#include <stdlib.h>
#include <string.h>

#include "test_support.h"

static bool s_name(const char *topic) {
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str(topic);
    return aws_mqtt_is_valid_topic(&cursor);
}

static bool s_filter(const char *filter) {
    struct aws_byte_cursor cursor = aws_byte_cursor_from_c_str(filter);
    return aws_mqtt_is_valid_topic_filter(&cursor);
}

static bool s_name_bytes(const void *bytes, size_t len) {
    struct aws_byte_cursor cursor = aws_byte_cursor_from_array(bytes, len);
    return aws_mqtt_is_valid_topic(&cursor);
}

static bool s_filter_bytes(const void *bytes, size_t len) {
    struct aws_byte_cursor cursor = aws_byte_cursor_from_array(bytes, len);
    return aws_mqtt_is_valid_topic_filter(&cursor);
}

static int s_utf8(const void *bytes, size_t len) {
    return aws_mqtt_validate_utf8_text(aws_byte_cursor_from_array(bytes, len));
}

static int test_ordinary_topic_names_are_valid(void) {
    /* [MQTT-4.7.3-1] at least one character, [MQTT-1.4.0-1] well-formed UTF-8, no wildcard. */
    CHECK(s_name("a"));
    CHECK(s_name("sport/tennis/player1"));
    CHECK(s_name("$SYS/broker/clients"));
    CHECK(s_name("sensors/temp\xC3\xA9rature/\xF0\x9F\x8C\xA1"));
    /* Every ordinary topic name is a valid filter too. */
    CHECK(s_filter("sport/tennis/player1"));
    return 0;
}

static int test_empty_levels_are_allowed(void) {
    /* OASIS 3.1.1 section 4.7.1.1 (no numbered statement): adjacent separators make a
     * zero-length level, so "/" alone is a topic of two empty levels. */
    CHECK(s_name("/"));
    CHECK(s_name("a//b"));
    CHECK(s_name("/a/"));
    CHECK(s_filter("//"));
    return 0;
}

static int test_topics_are_at_least_one_character(void) {
    /* [MQTT-4.7.3-1] */
    CHECK(!s_name(""));
    CHECK(!s_filter(""));
    static const char bytes[] = "abc";
    CHECK(!s_name_bytes(bytes, 0));
    CHECK(!s_filter_bytes(bytes, 0));
    struct aws_byte_cursor empty = {.len = 0, .ptr = NULL};
    CHECK(!aws_mqtt_is_valid_topic(&empty));
    CHECK(!aws_mqtt_is_valid_topic_filter(&empty));
    return 0;
}

static int test_wildcards_are_refused_in_topic_names(void) {
    /* [MQTT-4.7.1-1] */
    CHECK(!s_name("#"));
    CHECK(!s_name("+"));
    CHECK(!s_name("a/#"));
    CHECK(!s_name("a/+/b"));
    CHECK(!s_name("a+b"));
    CHECK(!s_name("a#"));
    return 0;
}

static int test_multi_level_wildcard_stands_alone_and_last(void) {
    /* [MQTT-4.7.1-2] */
    CHECK(s_filter("#"));
    CHECK(s_filter("a/#"));
    CHECK(s_filter("/#"));
    CHECK(s_filter("+/#"));
    CHECK(!s_filter("a#"));
    CHECK(!s_filter("a/b#"));
    CHECK(!s_filter("##"));
    CHECK(!s_filter("a/#/b"));
    CHECK(!s_filter("#/"));
    CHECK(!s_filter("#/#"));
    return 0;
}

static int test_single_level_wildcard_occupies_a_whole_level(void) {
    /* [MQTT-4.7.1-3] */
    CHECK(s_filter("+"));
    CHECK(s_filter("+/+"));
    CHECK(s_filter("/+"));
    CHECK(s_filter("+/tennis/#"));
    CHECK(s_filter("sport/+/player1"));
    CHECK(!s_filter("a+"));
    CHECK(!s_filter("+a"));
    CHECK(!s_filter("sport+"));
    CHECK(!s_filter("a/b+/c"));
    CHECK(!s_filter("++"));
    CHECK(!s_filter("+#"));
    return 0;
}

static int test_shared_subscription_filters_are_filters(void) {
    /* MQTT 3.1.1 has no shared subscriptions: "$share/group/..." is checked by the ordinary
     * rules [MQTT-4.7.1-2] and [MQTT-4.7.1-3], which it meets. */
    CHECK(s_filter("$share/group/sport/+"));
    CHECK(s_filter("$share/group/#"));
    return 0;
}

static int test_the_null_character_is_refused_in_topics(void) {
    /* [MQTT-4.7.3-2] */
    static const char with_null[] = {'a', '\0', 'b'};
    CHECK(!s_name_bytes(with_null, sizeof(with_null)));
    CHECK(!s_filter_bytes(with_null, sizeof(with_null)));
    static const char only_null[] = {'\0'};
    CHECK(!s_name_bytes(only_null, sizeof(only_null)));
    return 0;
}

static int test_topics_encode_to_at_most_65535_bytes(void) {
    /* [MQTT-4.7.3-3] */
    char *long_topic = malloc(65536);
    CHECK(long_topic != NULL);
    memset(long_topic, 'a', 65536);
    bool longest_name = s_name_bytes(long_topic, 65535);
    bool longest_filter = s_filter_bytes(long_topic, 65535);
    bool too_long_name = s_name_bytes(long_topic, 65536);
    bool too_long_filter = s_filter_bytes(long_topic, 65536);
    free(long_topic);
    CHECK(longest_name);
    CHECK(longest_filter);
    CHECK(!too_long_name);
    CHECK(!too_long_filter);
    return 0;
}

static int test_ill_formed_utf8_is_refused_in_topics(void) {
    /* [MQTT-1.4.0-1] */
    CHECK(!s_name("a/\xC0\x80"));          /* overlong encoding of U+0000 */
    CHECK(!s_name("a/\xED\xA0\x80"));      /* surrogate half U+D800 */
    CHECK(!s_filter("a/\xE2\x82"));        /* truncated sequence */
    CHECK(!s_filter("\xFF/#"));            /* byte that never appears in UTF-8 */
    return 0;
}

static int test_topic_validation_refuses_null(void) {
    aws_reset_error();
    CHECK(!aws_mqtt_is_valid_topic(NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_mqtt_is_valid_topic_filter(NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_byte_cursor dangling = {.len = 5, .ptr = NULL};
    aws_reset_error();
    CHECK(!aws_mqtt_is_valid_topic(&dangling));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(!aws_mqtt_is_valid_topic_filter(&dangling));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_well_formed_utf8_text_is_valid(void) {
    /* [MQTT-1.4.0-1] well-formed UTF-8 of one to four bytes per character */
    CHECK_INT_EQ(s_utf8("hello", 5), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_utf8("\xC3\xA9", 2), AWS_OP_SUCCESS);          /* U+00E9 */
    CHECK_INT_EQ(s_utf8("\xE2\x82\xAC", 3), AWS_OP_SUCCESS);      /* U+20AC */
    CHECK_INT_EQ(s_utf8("\xF0\x9D\x84\x9E", 4), AWS_OP_SUCCESS);  /* U+1D11E */
    CHECK_INT_EQ(s_utf8("\xF4\x8F\xBF\xBD", 4), AWS_OP_SUCCESS);  /* U+10FFFD */
    CHECK_INT_EQ(s_utf8("\xC2\xA0~", 3), AWS_OP_SUCCESS);         /* U+00A0, U+007E next to the controls */
    CHECK_INT_EQ(s_utf8("", 0), AWS_OP_SUCCESS);
    struct aws_byte_cursor empty = {.len = 0, .ptr = NULL};
    CHECK_INT_EQ(aws_mqtt_validate_utf8_text(empty), AWS_OP_SUCCESS);
    return 0;
}

static int test_a_byte_order_mark_is_an_ordinary_character(void) {
    /* [MQTT-1.4.0-3] 0xEF 0xBB 0xBF is U+FEFF wherever it appears */
    CHECK_INT_EQ(s_utf8("\xEF\xBB\xBF" "abc", 6), AWS_OP_SUCCESS);
    CHECK(s_name("\xEF\xBB\xBF" "a/b"));
    return 0;
}

static int test_ill_formed_utf8_text_fails_with_invalid_utf8(void) {
    /* [MQTT-1.4.0-1] */
    CHECK_FAILS_WITH(s_utf8("\xC0\x80", 2), AWS_ERROR_INVALID_UTF8);          /* overlong */
    CHECK_FAILS_WITH(s_utf8("\xE0\x80\xAF", 3), AWS_ERROR_INVALID_UTF8);      /* overlong '/' */
    CHECK_FAILS_WITH(s_utf8("\xED\xA0\x80", 3), AWS_ERROR_INVALID_UTF8);      /* U+D800 */
    CHECK_FAILS_WITH(s_utf8("\xED\xBF\xBF", 3), AWS_ERROR_INVALID_UTF8);      /* U+DFFF */
    CHECK_FAILS_WITH(s_utf8("ab\xE2\x82", 4), AWS_ERROR_INVALID_UTF8);        /* truncated */
    CHECK_FAILS_WITH(s_utf8("\x80", 1), AWS_ERROR_INVALID_UTF8);              /* lone continuation */
    CHECK_FAILS_WITH(s_utf8("\xFF", 1), AWS_ERROR_INVALID_UTF8);              /* never valid */
    CHECK_FAILS_WITH(s_utf8("\xC3\x28", 2), AWS_ERROR_INVALID_UTF8);          /* bad continuation */
    /* RFC 3629 ends at U+10FFFF. (Upstream's decoder lets U+110000 through; we do not.) */
    CHECK_FAILS_WITH(s_utf8("\xF4\x90\x80\x80", 4), AWS_ERROR_INVALID_UTF8);
    return 0;
}

static int test_the_null_character_fails_with_invalid_utf8_string(void) {
    /* [MQTT-1.4.0-2] */
    CHECK_FAILS_WITH(s_utf8("a\0b", 3), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);
    CHECK_FAILS_WITH(s_utf8("\0", 1), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);
    return 0;
}

static int test_control_characters_fail_with_invalid_utf8_string(void) {
    /* OASIS 3.1.1 section 1.5.3 (no numbered statement): U+0001..U+001F and U+007F..U+009F
     * SHOULD NOT appear; upstream refuses them, and so do we. */
    CHECK_FAILS_WITH(s_utf8("\x01", 1), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);
    CHECK_FAILS_WITH(s_utf8("tab\there", 8), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);
    CHECK_FAILS_WITH(s_utf8("\x1F", 1), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);
    CHECK_FAILS_WITH(s_utf8("\x7F", 1), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);
    CHECK_FAILS_WITH(s_utf8("\xC2\x80", 2), AWS_ERROR_MQTT5_INVALID_UTF8_STRING); /* U+0080 */
    CHECK_FAILS_WITH(s_utf8("\xC2\x9F", 2), AWS_ERROR_MQTT5_INVALID_UTF8_STRING); /* U+009F */
    /* The same rule makes a topic invalid. */
    CHECK(!s_name("a/\x01"));
    return 0;
}

static int test_non_characters_fail_with_invalid_utf8_string(void) {
    /* OASIS 3.1.1 section 1.5.3 (no numbered statement): Unicode non-characters SHOULD NOT
     * appear; upstream refuses them, and so do we. */
    CHECK_FAILS_WITH(s_utf8("\xEF\xBF\xBE", 3), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);     /* U+FFFE */
    CHECK_FAILS_WITH(s_utf8("\xEF\xBF\xBF", 3), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);     /* U+FFFF */
    CHECK_FAILS_WITH(s_utf8("\xEF\xB7\x90", 3), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);     /* U+FDD0 */
    CHECK_FAILS_WITH(s_utf8("\xEF\xB7\xAF", 3), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);     /* U+FDEF */
    CHECK_FAILS_WITH(s_utf8("\xF0\x9F\xBF\xBE", 4), AWS_ERROR_MQTT5_INVALID_UTF8_STRING); /* U+1FFFE */
    CHECK_FAILS_WITH(s_utf8("\xF4\x8F\xBF\xBF", 4), AWS_ERROR_MQTT5_INVALID_UTF8_STRING); /* U+10FFFF */
    CHECK_INT_EQ(s_utf8("\xEF\xB7\x8F", 3), AWS_OP_SUCCESS);                              /* U+FDCF */
    CHECK_INT_EQ(s_utf8("\xEF\xBF\xBD", 3), AWS_OP_SUCCESS);                              /* U+FFFD */
    return 0;
}

static int test_the_first_fault_in_the_text_decides_the_error(void) {
    /* As upstream, which decodes from the start: a control character before ill-formed bytes
     * ([MQTT-1.4.0-1]) is reported as such, and ill-formed bytes before one as ill-formed. */
    CHECK_FAILS_WITH(s_utf8("a\x01\xFF", 3), AWS_ERROR_MQTT5_INVALID_UTF8_STRING);
    CHECK_FAILS_WITH(s_utf8("a\xFF\x01", 3), AWS_ERROR_INVALID_UTF8);
    return 0;
}

static int test_utf8_validation_refuses_a_cursor_without_bytes(void) {
    struct aws_byte_cursor dangling = {.len = 3, .ptr = NULL};
    CHECK_FAILS_WITH(aws_mqtt_validate_utf8_text(dangling), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

int main(void) {
    RUN(test_ordinary_topic_names_are_valid);
    RUN(test_empty_levels_are_allowed);
    RUN(test_topics_are_at_least_one_character);
    RUN(test_wildcards_are_refused_in_topic_names);
    RUN(test_multi_level_wildcard_stands_alone_and_last);
    RUN(test_single_level_wildcard_occupies_a_whole_level);
    RUN(test_shared_subscription_filters_are_filters);
    RUN(test_the_null_character_is_refused_in_topics);
    RUN(test_topics_encode_to_at_most_65535_bytes);
    RUN(test_ill_formed_utf8_is_refused_in_topics);
    RUN(test_topic_validation_refuses_null);
    RUN(test_well_formed_utf8_text_is_valid);
    RUN(test_a_byte_order_mark_is_an_ordinary_character);
    RUN(test_ill_formed_utf8_text_fails_with_invalid_utf8);
    RUN(test_the_null_character_fails_with_invalid_utf8_string);
    RUN(test_control_characters_fail_with_invalid_utf8_string);
    RUN(test_non_characters_fail_with_invalid_utf8_string);
    RUN(test_the_first_fault_in_the_text_decides_the_error);
    RUN(test_utf8_validation_refuses_a_cursor_without_bytes);
    return 0;
}
