/* The request-response client (aws/mqtt/request-response/request_response_client.h) against a
 * real mosquitto, over an MQTT 5 client and over a 3.1.1 connection, with a responder the test
 * runs on the broker: shadow-style "get" and "update" requests answered on ".../accepted" or
 * ".../rejected" with the request's clientToken, concurrent requests, a request nobody answers,
 * invalid options, streaming operations (established, publishes, lost and established again
 * across a broker restart, activated once), and the orders of release. */
#include "mqtt5_fixture.h"

#include <aws/mqtt/request-response/request_response_client.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct fx_mosquitto s_mosquitto;

/* ------------------------------------------------------------------------------------------ */
/* The responder: answers "<thing>/get" and "<thing>/update" requests.                        */

struct responder {
    struct aws_mqtt5_client *client;
    int answered;
};

/* Copies the value of "clientToken" out of a JSON request ("" when absent). */
static void s_token_of(const struct aws_byte_cursor *payload, char *out, size_t size) {
    char text[512] = {0};
    size_t n = payload->len < sizeof(text) - 1 ? payload->len : sizeof(text) - 1;
    memcpy(text, payload->ptr, n);
    out[0] = 0;
    const char *at = strstr(text, "\"clientToken\":\"");
    if (at) {
        at += strlen("\"clientToken\":\"");
        const char *end = strchr(at, '"');
        size_t len = end ? (size_t)(end - at) : 0;
        if (len >= size) {
            len = size - 1;
        }
        memcpy(out, at, len);
        out[len] = 0;
    }
}

/* A request whose payload says "ignore" gets no answer; "reject" is answered on /rejected. */
static void s_responder_on_publish(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    struct responder *r = user_data;
    char payload[512] = {0};
    size_t n = publish->payload.len < sizeof(payload) - 1 ? publish->payload.len : sizeof(payload) - 1;
    memcpy(payload, publish->payload.ptr, n);
    if (strstr(payload, "ignore")) {
        return;
    }
    char token[128];
    s_token_of(&publish->payload, token, sizeof(token));
    char topic[256];
    snprintf(topic, sizeof(topic), "%.*s/%s", (int)publish->topic.len, (const char *)publish->topic.ptr,
             strstr(payload, "reject") ? "rejected" : "accepted");
    char answer[256];
    snprintf(answer, sizeof(answer), "{\"clientToken\":\"%s\",\"state\":{\"reported\":{\"on\":true}}}", token);
    struct aws_mqtt5_packet_publish_view reply = {
        .topic = aws_byte_cursor_from_c_str(topic),
        .payload = aws_byte_cursor_from_c_str(answer),
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
    };
    if (aws_mqtt5_client_publish(r->client, &reply, NULL) == AWS_OP_SUCCESS) {
        r->answered++;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* What the request-response callbacks saw.                                                   */

#define RR_MAX 64

struct rr_completion {
    int count;
    int error_code;
    char topic[128];
    char payload[256];
};

struct rr_events {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    int initialized;
    int terminated;
    struct rr_completion completion[RR_MAX];
    /* Streaming operation 0's callbacks. */
    int statuses[3];
    int halted_error;
    int stream_publishes;
    char stream_topic[128];
    int stream_terminated;
};

struct rr_call {
    struct rr_events *ev;
    int index;
};

static struct rr_call s_calls[RR_MAX];

static void s_rr_events_init(struct rr_events *ev) {
    memset(ev, 0, sizeof(*ev));
    aws_mutex_init(&ev->lock);
    aws_condition_variable_init(&ev->signal);
    for (int i = 0; i < RR_MAX; ++i) {
        s_calls[i].ev = ev;
        s_calls[i].index = i;
    }
}

static void s_rr_events_clean_up(struct rr_events *ev) {
    aws_condition_variable_clean_up(&ev->signal);
    aws_mutex_clean_up(&ev->lock);
}

static void s_copy(char *dst, size_t size, struct aws_byte_cursor c) {
    size_t n = c.len < size - 1 ? c.len : size - 1;
    memcpy(dst, c.ptr, n);
    dst[n] = 0;
}

static void s_on_initialized(void *user_data) {
    struct rr_events *ev = user_data;
    aws_mutex_lock(&ev->lock);
    ev->initialized++;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static void s_on_terminated(void *user_data) {
    struct rr_events *ev = user_data;
    aws_mutex_lock(&ev->lock);
    ev->terminated++;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static void s_on_completion(const struct aws_mqtt_rr_incoming_publish_event *publish, int error_code, void *user_data) {
    struct rr_call *call = user_data;
    struct rr_events *ev = call->ev;
    aws_mutex_lock(&ev->lock);
    struct rr_completion *c = &ev->completion[call->index];
    c->count++;
    c->error_code = error_code;
    if (publish) {
        s_copy(c->topic, sizeof(c->topic), publish->topic);
        s_copy(c->payload, sizeof(c->payload), publish->payload);
    }
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static void s_on_status(enum aws_rr_streaming_subscription_event_type status, int error_code, void *user_data) {
    struct rr_events *ev = user_data;
    aws_mutex_lock(&ev->lock);
    ev->statuses[status]++;
    if (status == ARRSSET_SUBSCRIPTION_HALTED) {
        ev->halted_error = error_code;
    }
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static void s_on_stream_publish(const struct aws_mqtt_rr_incoming_publish_event *publish, void *user_data) {
    struct rr_events *ev = user_data;
    aws_mutex_lock(&ev->lock);
    ev->stream_publishes++;
    s_copy(ev->stream_topic, sizeof(ev->stream_topic), publish->topic);
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static void s_on_stream_terminated(void *user_data) {
    struct rr_events *ev = user_data;
    aws_mutex_lock(&ev->lock);
    ev->stream_terminated++;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

/* ------------------------------------------------------------------------------------------ */
/* Requests                                                                                   */

struct shadow_request {
    char filters[2][128];
    char publish_topic[128];
    char payload[256];
    char token[64];
    struct aws_byte_cursor filter_cursors[2];
    struct aws_mqtt_request_operation_response_path paths[2];
    struct aws_mqtt_request_operation_options options;
};

/* A request on "<thing>/<verb>", answered on ".../accepted" or ".../rejected" with its token. */
static void s_shadow_request(struct shadow_request *r, const char *thing, const char *verb, const char *token,
                             const char *body, int completion_index) {
    memset(r, 0, sizeof(*r));
    snprintf(r->publish_topic, sizeof(r->publish_topic), "%s/%s", thing, verb);
    snprintf(r->filters[0], sizeof(r->filters[0]), "%s/%s/accepted", thing, verb);
    snprintf(r->filters[1], sizeof(r->filters[1]), "%s/%s/rejected", thing, verb);
    snprintf(r->token, sizeof(r->token), "%s", token);
    snprintf(r->payload, sizeof(r->payload), "{\"clientToken\":\"%s\",\"body\":\"%s\"}", token, body);
    for (int i = 0; i < 2; ++i) {
        r->filter_cursors[i] = aws_byte_cursor_from_c_str(r->filters[i]);
        r->paths[i].topic = r->filter_cursors[i];
        r->paths[i].correlation_token_json_path = aws_byte_cursor_from_c_str("clientToken");
    }
    r->options.subscription_topic_filters = r->filter_cursors;
    r->options.subscription_topic_filter_count = 2;
    r->options.response_paths = r->paths;
    r->options.response_path_count = 2;
    r->options.publish_topic = aws_byte_cursor_from_c_str(r->publish_topic);
    r->options.serialized_request = aws_byte_cursor_from_c_str(r->payload);
    r->options.correlation_token = aws_byte_cursor_from_c_str(r->token);
    r->options.completion_callback = s_on_completion;
    r->options.user_data = &s_calls[completion_index];
}

static struct aws_mqtt_request_response_client_options s_client_options(struct rr_events *ev, uint32_t timeout_s) {
    struct aws_mqtt_request_response_client_options options = {
        .max_request_response_subscriptions = 4,
        .max_streaming_subscriptions = 2,
        .operation_timeout_seconds = timeout_s,
        .initialized_callback = s_on_initialized,
        .terminated_callback = s_on_terminated,
        .user_data = ev,
    };
    return options;
}

/* An MQTT 5 client connected to the broker, and a request-response client over it. */
struct rr5 {
    struct fx5_events ev5;
    struct fx5_config cfg;
    struct aws_mqtt5_client *client;
    struct aws_mqtt_request_response_client *rr;
};

static int s_rr5_start(struct rr5 *f, const char *client_id, struct rr_events *ev, uint32_t timeout_s) {
    fx5_setup(&f->ev5, &f->cfg, s_io.bootstrap, s_mosquitto.port, client_id);
    CHECK_INT_EQ(fx5_connect(s_alloc, &f->cfg, &f->ev5, &f->client), 0);
    s_rr_events_init(ev);
    struct aws_mqtt_request_response_client_options options = s_client_options(ev, timeout_s);
    f->rr = aws_mqtt_request_response_client_new_from_mqtt5_client(s_alloc, f->client, &options);
    CHECK(f->rr != NULL);
    CHECK_WAIT(ev, ev->initialized == 1, 5000);
    return 0;
}

/* Waits for the request-response client's termination (the caller released it), then ends
 * the MQTT 5 client. */
static int s_rr5_finish(struct rr5 *f, struct rr_events *ev) {
    CHECK_WAIT(ev, ev->terminated == 1, 10000);
    s_rr_events_clean_up(ev);
    CHECK_INT_EQ(fx5_finish_and_clean_up(f->client, &f->ev5), 0);
    return 0;
}

/* The responder: an MQTT 5 client subscribed to every "rr/+/get" and "rr/+/update". */
static int s_responder_start(struct responder *r, struct fx5_events *ev, struct fx5_config *cfg) {
    memset(r, 0, sizeof(*r));
    fx5_setup(ev, cfg, s_io.bootstrap, s_mosquitto.port, "rr-responder");
    cfg->options.publish_received_handler = s_responder_on_publish;
    cfg->options.publish_received_handler_user_data = r;
    CHECK_INT_EQ(fx5_connect(s_alloc, cfg, ev, &r->client), 0);
    CHECK_INT_EQ(fx5_subscribe(r->client, ev, "rr/+/get", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    CHECK_INT_EQ(fx5_subscribe(r->client, ev, "rr/+/update", AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
    return 0;
}

/* Get accepted, update rejected, and four concurrent gets with distinct tokens, each completed
 * once with its own response. */
static int s_requests_round_trip(struct aws_mqtt_request_response_client *rr, struct rr_events *ev) {
    struct shadow_request get;
    s_shadow_request(&get, "rr/thing1", "get", "tok-get", "", 0);
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &get.options), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, ev->completion[0].count == 1, 10000);
    CHECK_INT_EQ(ev->completion[0].error_code, AWS_ERROR_SUCCESS);
    CHECK(strcmp(ev->completion[0].topic, "rr/thing1/get/accepted") == 0);
    CHECK(strstr(ev->completion[0].payload, "\"clientToken\":\"tok-get\"") != NULL);

    struct shadow_request update;
    s_shadow_request(&update, "rr/thing1", "update", "tok-update", "reject", 1);
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &update.options), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, ev->completion[1].count == 1, 10000);
    CHECK_INT_EQ(ev->completion[1].error_code, AWS_ERROR_SUCCESS);
    CHECK(strcmp(ev->completion[1].topic, "rr/thing1/update/rejected") == 0);

    /* The same get again: its filters were released after the first one (UNSUBSCRIBE), so it
     * subscribes them again and publishes once they are acknowledged. */
    struct shadow_request again;
    s_shadow_request(&again, "rr/thing1", "get", "tok-again", "", 6);
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &again.options), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, ev->completion[6].count == 1, 10000);
    CHECK_INT_EQ(ev->completion[6].error_code, AWS_ERROR_SUCCESS);

    /* As a shadow client asks: one wildcard filter covers both response paths. Twice, so the
     * second finds its filter released and subscribes it again. */
    for (int round = 0; round < 2; ++round) {
        struct shadow_request wild;
        char token[32];
        snprintf(token, sizeof(token), "tok-wild%d", round);
        s_shadow_request(&wild, "rr/thing3", "get", token, "", 7 + round);
        /* The paths keep "accepted"/"rejected" (filters[1] and a copy of filters[0]); the one
         * subscription is the wildcard. */
        char accepted[128];
        snprintf(accepted, sizeof(accepted), "%s", wild.filters[0]);
        wild.paths[0].topic = aws_byte_cursor_from_c_str(accepted);
        snprintf(wild.filters[0], sizeof(wild.filters[0]), "rr/thing3/get/+");
        wild.filter_cursors[0] = aws_byte_cursor_from_c_str(wild.filters[0]);
        wild.options.subscription_topic_filter_count = 1;
        CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &wild.options), AWS_OP_SUCCESS);
        CHECK_WAIT(ev, ev->completion[7 + round].count == 1, 10000);
        CHECK_INT_EQ(ev->completion[7 + round].error_code, AWS_ERROR_SUCCESS);
        /* Time for the pass that releases the filter, and its UNSUBACK. */
        fx_sleep_ms(300);
    }

    struct shadow_request concurrent[4];
    for (int i = 0; i < 4; ++i) {
        char token[32];
        snprintf(token, sizeof(token), "tok-c%d", i);
        s_shadow_request(&concurrent[i], "rr/thing2", "get", token, "", 2 + i);
        CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &concurrent[i].options), AWS_OP_SUCCESS);
    }
    for (int i = 0; i < 4; ++i) {
        CHECK_WAIT(ev, ev->completion[2 + i].count == 1, 10000);
        char expected[64];
        snprintf(expected, sizeof(expected), "\"clientToken\":\"tok-c%d\"", i);
        CHECK_INT_EQ(ev->completion[2 + i].error_code, AWS_ERROR_SUCCESS);
        CHECK(strstr(ev->completion[2 + i].payload, expected) != NULL);
    }
    /* Exactly once: nothing more arrives for any of them. */
    fx_sleep_ms(200);
    aws_mutex_lock(&ev->lock);
    for (int i = 0; i < 9; ++i) {
        CHECK_INT_EQ(ev->completion[i].count, 1);
    }
    aws_mutex_unlock(&ev->lock);
    return 0;
}

static int test_requests_over_mqtt5(void) {
    struct responder responder;
    struct fx5_events responder_ev;
    struct fx5_config responder_cfg;
    CHECK_INT_EQ(s_responder_start(&responder, &responder_ev, &responder_cfg), 0);
    struct rr5 f;
    struct rr_events ev;
    CHECK_INT_EQ(s_rr5_start(&f, "rr-requester5", &ev, 10), 0);
    CHECK(aws_mqtt_request_response_client_get_event_loop(f.rr) != NULL);
    CHECK_INT_EQ(s_requests_round_trip(f.rr, &ev), 0);
    aws_mqtt_request_response_client_release(f.rr);
    CHECK_INT_EQ(s_rr5_finish(&f, &ev), 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(responder.client, &responder_ev), 0);
    return 0;
}

static int test_requests_over_mqtt311(void) {
    struct responder responder;
    struct fx5_events responder_ev;
    struct fx5_config responder_cfg;
    CHECK_INT_EQ(s_responder_start(&responder, &responder_ev, &responder_cfg), 0);

    struct aws_mqtt_client *mqtt = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(mqtt != NULL);
    struct fx_events ev311;
    fx_events_init(&ev311);
    struct aws_mqtt_client_connection *connection = NULL;
    CHECK_INT_EQ(fx_connect(mqtt, &connection, &ev311, s_mosquitto.port, "rr-requester311"), 0);

    struct rr_events ev;
    s_rr_events_init(&ev);
    struct aws_mqtt_request_response_client_options options = s_client_options(&ev, 10);
    struct aws_mqtt_request_response_client *rr =
        aws_mqtt_request_response_client_new_from_mqtt311_client(s_alloc, connection, &options);
    CHECK(rr != NULL);
    CHECK_WAIT(&ev, ev.initialized == 1, 5000);
    CHECK_INT_EQ(s_requests_round_trip(rr, &ev), 0);

    /* Connection released first: the request-response client holds it until it is gone. */
    int disconnected = ev311.disconnected;
    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(connection, fx_on_disconnect, &ev311), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev311, ev311.disconnected > disconnected, 10000);
    aws_mqtt_client_connection_release(connection);
    fx_sleep_ms(100);
    CHECK_INT_EQ(ev311.terminated, 0);
    aws_mqtt_request_response_client_release(rr);
    CHECK_WAIT(&ev, ev.terminated == 1, 10000);
    CHECK_WAIT(&ev311, ev311.terminated == 1, 10000);
    s_rr_events_clean_up(&ev);
    fx_events_clean_up(&ev311);
    aws_mqtt_client_release(mqtt);
    CHECK_INT_EQ(fx5_finish_and_clean_up(responder.client, &responder_ev), 0);
    return 0;
}

/* A request nobody answers fails with the timeout; releasing the client fails what is left
 * with CLIENT_SHUT_DOWN. */
static int test_timeout_and_shutdown(void) {
    struct rr5 f;
    struct rr_events ev;
    CHECK_INT_EQ(s_rr5_start(&f, "rr-timeout", &ev, 1), 0);

    /* No responder runs: nobody answers. */
    struct shadow_request lonely;
    s_shadow_request(&lonely, "rr/nobody", "get", "tok-lonely", "", 0);
    uint64_t start = fx_now_ns();
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(f.rr, &lonely.options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.completion[0].count == 1, 5000);
    CHECK_INT_EQ(ev.completion[0].error_code, AWS_ERROR_MQTT_REQUEST_RESPONSE_TIMEOUT);
    CHECK(fx_now_ns() - start >= 900000000ULL);

    struct shadow_request pending;
    s_shadow_request(&pending, "rr/nobody", "get", "tok-pending", "", 1);
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(f.rr, &pending.options), AWS_OP_SUCCESS);
    aws_mqtt_request_response_client_release(f.rr);
    CHECK_WAIT(&ev, ev.completion[1].count == 1, 5000);
    CHECK_INT_EQ(ev.completion[1].error_code, AWS_ERROR_MQTT_REQUEST_RESPONSE_CLIENT_SHUT_DOWN);
    CHECK_INT_EQ(s_rr5_finish(&f, &ev), 0);
    return 0;
}

/* Invalid client and request options are refused at once with AWS_ERROR_INVALID_ARGUMENT. */
static int test_invalid_options(void) {
    struct fx5_events ev5;
    struct fx5_config cfg;
    fx5_setup(&ev5, &cfg, s_io.bootstrap, s_mosquitto.port, "rr-invalid");
    struct aws_mqtt5_client *client = fx5_client_new(s_alloc, &cfg, &ev5);
    CHECK(client != NULL);
    struct rr_events ev;
    s_rr_events_init(&ev);

    struct aws_mqtt_request_response_client_options options = s_client_options(&ev, 5);
    options.max_request_response_subscriptions = 1;
    CHECK(aws_mqtt_request_response_client_new_from_mqtt5_client(s_alloc, client, &options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    options = s_client_options(&ev, 0);
    CHECK(aws_mqtt_request_response_client_new_from_mqtt5_client(s_alloc, client, &options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    options = s_client_options(&ev, 5);
    CHECK(aws_mqtt_request_response_client_new_from_mqtt5_client(s_alloc, NULL, &options) == NULL);
    CHECK(aws_mqtt_request_response_client_new_from_mqtt5_client(s_alloc, client, NULL) == NULL);
    CHECK(aws_mqtt_request_response_client_new_from_mqtt311_client(s_alloc, NULL, &options) == NULL);

    struct aws_mqtt_request_response_client *rr =
        aws_mqtt_request_response_client_new_from_mqtt5_client(s_alloc, client, &options);
    CHECK(rr != NULL);
    struct shadow_request r;
    s_shadow_request(&r, "rr/bad", "get", "t", "", 0);
    r.options.response_path_count = 0;
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &r.options), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    s_shadow_request(&r, "rr/bad", "get", "t", "", 0);
    r.options.subscription_topic_filter_count = 0;
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &r.options), AWS_OP_ERR);
    s_shadow_request(&r, "rr/bad", "get", "t", "", 0);
    r.options.publish_topic = aws_byte_cursor_from_c_str("rr/+/get");
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &r.options), AWS_OP_ERR);
    s_shadow_request(&r, "rr/bad", "get", "t", "", 0);
    r.paths[1].topic = aws_byte_cursor_from_c_str("rr/#");
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &r.options), AWS_OP_ERR);
    s_shadow_request(&r, "rr/bad", "get", "t", "", 0);
    r.filter_cursors[0] = aws_byte_cursor_from_c_str("rr/#/x");
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &r.options), AWS_OP_ERR);
    s_shadow_request(&r, "rr/bad", "get", "t", "", 0);
    r.options.serialized_request = aws_byte_cursor_from_c_str("");
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &r.options), AWS_OP_ERR);
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, NULL), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    s_shadow_request(&r, "rr/bad", "get", "t", "", 0);
    CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(NULL, &r.options), AWS_OP_ERR);
    struct aws_mqtt_streaming_operation_options stream = {.topic_filter = aws_byte_cursor_from_c_str("a/#/b")};
    CHECK(aws_mqtt_request_response_client_create_streaming_operation(rr, &stream) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(aws_mqtt_request_response_client_get_event_loop(NULL) == NULL);

    aws_mqtt_request_response_client_release(rr);
    CHECK_WAIT(&ev, ev.terminated == 1, 10000);
    CHECK_INT_EQ(ev.completion[0].count, 0); /* refused requests never complete */
    s_rr_events_clean_up(&ev);
    CHECK_INT_EQ(fx5_release_and_wait(client, &ev5), 0);
    fx5_events_clean_up(&ev5);
    return 0;
}

/* A streaming operation: inactive until activated (once), established, sees matching publishes,
 * is lost and established again when the broker restarts without the session, and terminates
 * after its last release; the client terminates only after that. */
static int test_streaming_operation_across_a_broker_restart(void) {
    struct rr5 f;
    struct rr_events ev;
    CHECK_INT_EQ(s_rr5_start(&f, "rr-stream", &ev, 5), 0);
    struct aws_mqtt_request_response_client *rr = f.rr;
    struct aws_mqtt5_client *client = f.client;
    struct fx5_events *ev5 = &f.ev5;

    struct aws_mqtt_streaming_operation_options stream_options = {
        .topic_filter = aws_byte_cursor_from_c_str("rr/stream/+"),
        .subscription_status_callback = s_on_status,
        .incoming_publish_callback = s_on_stream_publish,
        .terminated_callback = s_on_stream_terminated,
        .user_data = &ev,
    };
    struct aws_mqtt_rr_client_operation *stream =
        aws_mqtt_request_response_client_create_streaming_operation(rr, &stream_options);
    CHECK(stream != NULL);
    fx_sleep_ms(100);
    CHECK_INT_EQ(ev.statuses[ARRSSET_SUBSCRIPTION_ESTABLISHED], 0); /* inactive */
    CHECK_INT_EQ(aws_mqtt_rr_client_operation_activate(stream), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_rr_client_operation_activate(stream), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT_REUQEST_RESPONSE_STREAM_ALREADY_ACTIVATED);
    CHECK_WAIT(&ev, ev.statuses[ARRSSET_SUBSCRIPTION_ESTABLISHED] == 1, 10000);

    struct fx5_op *op = fx5_publish(client, ev5, "rr/stream/a", AWS_MQTT5_QOS_AT_LEAST_ONCE, "event");
    CHECK(op != NULL);
    CHECK_WAIT(&ev, ev.stream_publishes == 1, 10000);
    CHECK(strcmp(ev.stream_topic, "rr/stream/a") == 0);

    /* The broker restarts without persistence: the session is gone, the subscription is lost,
     * and made again once the client reconnects. */
    CHECK_INT_EQ(fx5_mosquitto_restart(&s_mosquitto, false), 0);
    CHECK_WAIT(&ev, ev.statuses[ARRSSET_SUBSCRIPTION_LOST] == 1, 20000);
    CHECK_WAIT(&ev, ev.statuses[ARRSSET_SUBSCRIPTION_ESTABLISHED] == 2, 20000);
    op = fx5_publish(client, ev5, "rr/stream/b", AWS_MQTT5_QOS_AT_LEAST_ONCE, "again");
    CHECK(op != NULL);
    CHECK_WAIT(&ev, ev.stream_publishes == 2, 10000);
    CHECK(strcmp(ev.stream_topic, "rr/stream/b") == 0);

    /* Client released first: the operation is halted with CLIENT_SHUT_DOWN, and the client
     * terminates only once the operation is released too. */
    aws_mqtt_request_response_client_release(rr);
    CHECK_WAIT(&ev, ev.statuses[ARRSSET_SUBSCRIPTION_HALTED] == 1, 10000);
    CHECK_INT_EQ(ev.halted_error, AWS_ERROR_MQTT_REQUEST_RESPONSE_CLIENT_SHUT_DOWN);
    fx_sleep_ms(100);
    CHECK_INT_EQ(ev.terminated, 0);
    aws_mqtt_rr_client_operation_release(stream);
    CHECK_WAIT(&ev, ev.stream_terminated == 1, 10000);
    CHECK_INT_EQ(s_rr5_finish(&f, &ev), 0);
    return 0;
}

/* CVE-2026-115417: a SUBACK whose reason-code count differs from the SUBSCRIBE's filter count
 * is a protocol error that closes the connection; the request that needed the subscription
 * fails with SUBSCRIBE_FAILURE. The test broker withholds its own SUBACKs and answers the first
 * SUBSCRIBE (packet id 1, one filter) with a SUBACK of two codes. */
static int test_a_suback_with_the_wrong_code_count_fails_the_request(void) {
    for (int v5 = 0; v5 <= 1; ++v5) {
        struct fx_broker b;
        const char *suback = v5 ? "90 05 00 01 00 00 00" : "90 04 00 01 01 01";
        CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--no-ack", "--send-raw-on", "subscribe", suback)), 0);
        struct rr_events ev;
        s_rr_events_init(&ev);
        struct aws_mqtt_request_response_client_options options = s_client_options(&ev, 5);

        struct fx5_events ev5;
        struct fx5_config cfg;
        struct aws_mqtt5_client *client5 = NULL;
        struct aws_mqtt_client *mqtt = NULL;
        struct fx_events ev311;
        struct aws_mqtt_client_connection *connection = NULL;
        struct aws_mqtt_request_response_client *rr = NULL;
        if (v5) {
            fx5_setup(&ev5, &cfg, s_io.bootstrap, b.port, "rr-cve5");
            CHECK_INT_EQ(fx5_connect(s_alloc, &cfg, &ev5, &client5), 0);
            rr = aws_mqtt_request_response_client_new_from_mqtt5_client(s_alloc, client5, &options);
        } else {
            mqtt = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
            fx_events_init(&ev311);
            CHECK_INT_EQ(fx_connect(mqtt, &connection, &ev311, b.port, "rr-cve311"), 0);
            rr = aws_mqtt_request_response_client_new_from_mqtt311_client(s_alloc, connection, &options);
        }
        CHECK(rr != NULL);
        struct shadow_request get;
        s_shadow_request(&get, "rr/cve", "get", "tok-cve", "", 0);
        CHECK_INT_EQ(aws_mqtt_request_response_client_submit_request(rr, &get.options), AWS_OP_SUCCESS);
        CHECK_WAIT(&ev, ev.completion[0].count == 1, 10000);
        CHECK_INT_EQ(ev.completion[0].error_code, AWS_ERROR_MQTT_REQUEST_RESPONSE_SUBSCRIBE_FAILURE);
        /* The client closed the first connection: with DISCONNECT "protocol error" (0x82) in
         * MQTT 5, by closing the socket in 3.1.1. */
        if (v5) {
            CHECK_INT_EQ(fx_log_wait_count(&b,
                                           FX_FRAGMENTS("\"conn\":1,", "\"dir\":\"in\"", "\"type\":\"DISCONNECT\"",
                                                        "\"reason_code\":130"),
                                           1, 5000),
                         1);
        } else {
            CHECK_WAIT(&ev311, ev311.interrupted >= 1, 10000);
            CHECK_INT_EQ(ev311.interrupted_error, AWS_ERROR_MQTT_PROTOCOL_ERROR);
        }
        aws_mqtt_request_response_client_release(rr);
        CHECK_WAIT(&ev, ev.terminated == 1, 10000);
        s_rr_events_clean_up(&ev);
        if (v5) {
            CHECK_INT_EQ(fx5_finish_and_clean_up(client5, &ev5), 0);
        } else {
            CHECK_INT_EQ(fx_disconnect_and_release(connection, &ev311), 0);
            fx_events_clean_up(&ev311);
            aws_mqtt_client_release(mqtt);
        }
        fx_broker_stop(&b);
    }
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    CHECK_INT_EQ(fx5_mosquitto_start(&s_mosquitto, false), 0);

    RUN(test_requests_over_mqtt5);
    RUN(test_requests_over_mqtt311);
    RUN(test_timeout_and_shutdown);
    RUN(test_invalid_options);
    RUN(test_streaming_operation_across_a_broker_restart);
    RUN(test_a_suback_with_the_wrong_code_count_fails_the_request);

    fx_mosquitto_stop(&s_mosquitto);
    return fx_suite_end(s_alloc, &s_io);
}
