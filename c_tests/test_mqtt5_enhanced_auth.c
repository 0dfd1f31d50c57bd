/* Beyond upstream: MQTT 5 enhanced authentication (aws/mqtt/ext/enhanced_auth.h) against the
 * project's mqtt-test-broker under --scram USER:PASSWORD, which runs the server side of
 * SCRAM-SHA-256 (RFC 7677): the CONNECT's exchange answered from the test's thread after the
 * challenge callback returned, a wrong password refused, an AUTH the client never asked for,
 * and re-authentication in the middle of a burst of publishes [MQTT-4.12]. */
#include "mqtt5_fixture.h"
#include "scram_client.h"

#include <aws/mqtt/ext/enhanced_auth.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;

#define SCRAM_METHOD "SCRAM-SHA-256"
#define BURST 400

/* What the authentication callbacks saw; guarded by the fixture record's lock. */
struct auth_record {
    struct fx5_events *ev;
    int challenges;
    char challenge[512];
    size_t challenge_len;
    uint8_t challenge_reason;
    char challenge_method[64];
    int completions;
    int complete_error;
    char complete_data[128];
};

static void s_copy(char *dst, size_t size, const struct aws_byte_cursor *src, size_t *len) {
    size_t n = src->len < size - 1 ? src->len : size - 1;
    memcpy(dst, src->ptr, n);
    dst[n] = '\0';
    if (len) {
        *len = n;
    }
}

static void s_on_challenge(struct aws_mqtt5_client *client, const struct aws_mqtt_ext_auth_view *challenge,
                           void *user_data) {
    (void)client;
    struct auth_record *r = user_data;
    aws_mutex_lock(&r->ev->lock);
    r->challenges++;
    r->challenge_reason = challenge->reason_code;
    s_copy(r->challenge_method, sizeof(r->challenge_method), &challenge->authentication_method, NULL);
    r->challenge_len = 0;
    r->challenge[0] = '\0';
    if (challenge->authentication_data) {
        s_copy(r->challenge, sizeof(r->challenge), challenge->authentication_data, &r->challenge_len);
    }
    aws_condition_variable_notify_all(&r->ev->signal);
    aws_mutex_unlock(&r->ev->lock);
}

static void s_on_complete(struct aws_mqtt5_client *client, int error_code,
                                  const struct aws_mqtt_ext_auth_view *success, void *user_data) {
    (void)client;
    struct auth_record *r = user_data;
    aws_mutex_lock(&r->ev->lock);
    r->completions++;
    r->complete_error = error_code;
    r->complete_data[0] = '\0';
    if (success && success->authentication_data) {
        s_copy(r->complete_data, sizeof(r->complete_data), success->authentication_data, NULL);
    }
    aws_condition_variable_notify_all(&r->ev->signal);
    aws_mutex_unlock(&r->ev->lock);
}

/* A client of the broker on `port` that authenticates with SCRAM as `user`, nonce `nonce`. */
static int s_scram_client(struct fx5_events *ev, struct fx5_config *cfg, struct auth_record *rec,
                          struct scram_client *sc, int port, const char *user, const char *nonce,
                          struct aws_mqtt5_client **out) {
    fx5_setup(ev, cfg, s_io.bootstrap, port, "fx5-scram");
    memset(rec, 0, sizeof(*rec));
    rec->ev = ev;
    *out = fx5_client_new(s_alloc, cfg, ev);
    CHECK(*out != NULL);
    scram_client_start(sc, user, nonce);
    struct aws_byte_cursor first = aws_byte_cursor_from_c_str(sc->client_first);
    struct aws_mqtt_ext_enhanced_auth_options options = {
        .authentication_method = fx_cur(SCRAM_METHOD),
        .initial_data = &first,
        .on_challenge = s_on_challenge,
        .on_complete = s_on_complete,
        .user_data = rec,
    };
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_enhanced_auth(*out, &options), AWS_OP_SUCCESS);
    return 0;
}

/* Waits for challenge number `n` and answers it, from this thread, with `password`'s proof. */
static int s_answer(struct aws_mqtt5_client *c, struct auth_record *rec, struct scram_client *sc, int n,
                    const char *password) {
    CHECK_WAIT(rec->ev, rec->challenges >= n, 10000);
    char server_first[512];
    size_t len;
    aws_mutex_lock(&rec->ev->lock);
    memcpy(server_first, rec->challenge, sizeof(server_first));
    len = rec->challenge_len;
    /* [MQTT-4.12.0-2] a challenge is an AUTH Continue; [MQTT-4.12.0-5] with the CONNECT's method. */
    int reason = rec->challenge_reason;
    int same_method = strcmp(rec->challenge_method, SCRAM_METHOD) == 0;
    aws_mutex_unlock(&rec->ev->lock);
    CHECK_INT_EQ(reason, 0x18);
    CHECK(same_method);
    CHECK_INT_EQ(scram_client_answer(sc, password, server_first, len), 0);
    struct aws_byte_cursor final = aws_byte_cursor_from_c_str(sc->client_final);
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_continue_auth(c, &final), AWS_OP_SUCCESS);
    return 0;
}

/* A SCRAM client of the broker `b` started and connected with the right password. */
static int s_scram_connect(struct fx_broker *b, struct fx5_events *ev, struct fx5_config *cfg, struct auth_record *rec,
                           struct scram_client *sc, struct aws_mqtt5_client **c) {
    CHECK_INT_EQ(fx_broker_start(b, FX_FRAGMENTS("--scram", "user:pencil")), 0);
    CHECK_INT_EQ(s_scram_client(ev, cfg, rec, sc, b->port, "user", "fyko+d2lbbFgONRv9qkxdawL", c), 0);
    CHECK_INT_EQ(aws_mqtt5_client_start(*c), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_answer(*c, rec, sc, 1, "pencil"), 0);
    CHECK_WAIT(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 1, 10000);
    return 0;
}

static int test_the_scram_client_pieces_compute_rfc_7677s_example(void) {
    CHECK_INT_EQ(scram_self_test(), 0);
    return 0;
}

static int test_a_scram_exchange_answered_later_connects(void) {
    struct fx_broker b;
    struct fx5_events ev;
    struct fx5_config cfg;
    struct auth_record rec;
    struct scram_client sc;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(s_scram_connect(&b, &ev, &cfg, &rec, &sc, &c), 0);
    /* The CONNACK's data is the server's final message: it proved it knows the password too
     * (the server signature the client computed). */
    CHECK_WAIT(&ev, rec.completions == 1, 10000);
    CHECK_INT_EQ(rec.complete_error, AWS_ERROR_SUCCESS);
    CHECK(strcmp(rec.complete_data, sc.server_signature) == 0);
    /* The CONNECT carried the method and the client-first message; one AUTH answered the one
     * challenge [MQTT-4.12.0-3]. */
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"CONNECT\"", SCRAM_METHOD)), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"AUTH\"")), 1);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"out\"", "\"type\":\"AUTH\"")), 1);
    /* And the connection works. */
    struct fx5_op *op = fx5_publish(c, &ev, "scram/t", AWS_MQTT5_QOS_AT_LEAST_ONCE, "after auth");
    CHECK(op != NULL);
    CHECK_WAIT(&ev, op->completions == 1, 10000);
    CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_wrong_password_is_refused_in_the_connack(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--scram", "user:pencil")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    struct auth_record rec;
    struct scram_client sc;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(s_scram_client(&ev, &cfg, &rec, &sc, b.port, "user", "nonce-1", &c), 0);
    CHECK_INT_EQ(aws_mqtt5_client_start(c), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_answer(c, &rec, &sc, 1, "crayon"), 0);
    /* [MQTT-4.12.0-4]: refused with a CONNACK reason code, here Not authorized. */
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >= 1, 10000);
    struct fx5_event failure = fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0);
    CHECK_INT_EQ(failure.error_code, AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED);
    CHECK(failure.has_connack);
    CHECK_INT_EQ(failure.connack_reason_code, AWS_MQTT5_CRC_NOT_AUTHORIZED);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_an_auth_the_client_did_not_ask_for_ends_the_connection(void) {
    /* [MQTT-4.12.0-6]: no AUTH after a CONNECT without a method. The broker writes an AUTH
     * Continue (method SCRAM-SHA-256) right after its CONNACK. */
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--send-raw-after", "1",
                                                  "F0 12 18 10 15 00 0D 53 43 52 41 4D 2D 53 48 41 2D 32 35 36",
                                                  "--only-first-connection")),
                 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    fx5_setup(&ev, &cfg, s_io.bootstrap, b.port, "fx5-unasked-auth");
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(fx5_launch(s_alloc, &cfg, &ev, &c), 0);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_DISCONNECTION) == 1, 10000);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_DISCONNECTION, 0).error_code, AWS_ERROR_MQTT5_DECODE_PROTOCOL_ERROR);
    /* The client says why before closing: DISCONNECT 0x82 (protocol error). */
    CHECK_INT_EQ(fx_log_wait_count(&b,
                                   FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"DISCONNECT\"",
                                                "\"reason_code\":130"),
                                   1, 3000),
                 1);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 2, 10000);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_reauthentication_in_a_burst_of_publishes_loses_none(void) {
    struct fx_broker b;
    struct fx5_events ev;
    struct fx5_config cfg;
    struct auth_record rec;
    struct scram_client sc;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(s_scram_connect(&b, &ev, &cfg, &rec, &sc, &c), 0);

    struct fx5_op *ops[BURST];
    for (int i = 0; i < BURST / 2; ++i) {
        CHECK((ops[i] = fx5_publish(c, &ev, "scram/burst", AWS_MQTT5_QOS_AT_LEAST_ONCE, "x")) != NULL);
    }
    /* [MQTT-4.12.1-1]: AUTH Re-authenticate with a fresh client-first message. */
    scram_client_start(&sc, "user", "second-nonce");
    struct aws_byte_cursor first = aws_byte_cursor_from_c_str(sc.client_first);
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_reauthenticate(c, &first), AWS_OP_SUCCESS);
    for (int i = BURST / 2; i < BURST; ++i) {
        CHECK((ops[i] = fx5_publish(c, &ev, "scram/burst", AWS_MQTT5_QOS_AT_LEAST_ONCE, "x")) != NULL);
    }
    CHECK_INT_EQ(s_answer(c, &rec, &sc, 2, "pencil"), 0);
    /* The first completion was the CONNACK's; the second, the AUTH Success, carries the new
     * server-final message. */
    CHECK_WAIT(&ev, rec.completions == 2, 10000);
    CHECK_INT_EQ(rec.complete_error, AWS_ERROR_SUCCESS);
    CHECK(strcmp(rec.complete_data, sc.server_signature) == 0);
    for (int i = 0; i < BURST; ++i) {
        CHECK_WAIT(&ev, ops[i]->completions == 1, 10000);
        CHECK_INT_EQ(ops[i]->error_code, AWS_ERROR_SUCCESS);
    }
    /* One connection throughout: re-authentication disturbed nothing. */
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_DISCONNECTION), 0);
    CHECK_INT_EQ(fx_log_count(&b, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"AUTH\"")), 3);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

static int test_reauthentication_without_a_connection_or_a_method_fails(void) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--scram", "user:pencil")), 0);
    struct fx5_events ev;
    struct fx5_config cfg;
    struct auth_record rec;
    struct scram_client sc;
    struct aws_mqtt5_client *c = NULL;
    CHECK_INT_EQ(s_scram_client(&ev, &cfg, &rec, &sc, b.port, "user", "n", &c), 0);
    /* Not started: nothing to re-authenticate. */
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_reauthenticate(c, NULL), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, rec.completions == 1, 10000);
    CHECK_INT_EQ(rec.complete_error, AWS_ERROR_MQTT_NOT_CONNECTED);
    /* Misuse is refused at the call. */
    struct aws_mqtt_ext_enhanced_auth_options no_callback = {.authentication_method = fx_cur(SCRAM_METHOD)};
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_enhanced_auth(c, &no_callback), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_mqtt_ext_enhanced_auth_options no_method = {.on_challenge = s_on_challenge};
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_enhanced_auth(c, &no_method), AWS_OP_ERR);
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_enhanced_auth(NULL, NULL), AWS_OP_ERR);
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_continue_auth(NULL, NULL), AWS_OP_ERR);
    /* Turned off, the CONNECT carries no method, and this broker refuses it (0x8C). */
    CHECK_INT_EQ(aws_mqtt_ext_mqtt5_client_set_enhanced_auth(c, NULL), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt5_client_start(c), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, fx5_count_locked(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >= 1, 10000);
    CHECK_INT_EQ(fx5_nth(&ev, AWS_MQTT5_CLET_CONNECTION_FAILURE, 0).connack_reason_code,
                 AWS_MQTT5_CRC_BAD_AUTHENTICATION_METHOD);
    CHECK_INT_EQ(fx5_finish_and_clean_up(c, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);

    RUN(test_the_scram_client_pieces_compute_rfc_7677s_example);
    RUN(test_a_scram_exchange_answered_later_connects);
    RUN(test_a_wrong_password_is_refused_in_the_connack);
    RUN(test_an_auth_the_client_did_not_ask_for_ends_the_connection);
    RUN(test_reauthentication_in_a_burst_of_publishes_loses_none);
    RUN(test_reauthentication_without_a_connection_or_a_method_fails);

    return fx_suite_end(s_alloc, &s_io);
}
