/* Gets and updates a device "shadow" through the request-response client
 * (aws/mqtt/request-response/request_response_client.h), the way the AWS IoT device SDKs'
 * shadow clients do, against a small shadow service this program runs itself on the broker.
 *
 * usage: shadow_get HOST PORT [THING]
 *
 * Two MQTT 5 clients connect to the broker:
 * - the "service" answers "things/THING/shadow/get" and ".../update" on ".../accepted" (the
 *   document, or the new state and version) or ".../rejected" (an update without a "state");
 * - the "device" makes a request-response client and sends four requests, one at a time:
 *   get, update {"reported":{"color":"green"}}, get again, and an update without a state.
 * Every request carries a clientToken; the service copies it into its answer, which is how the
 * request-response client matches an answer to its request.
 *
 * Exit code: 0 when the four answers are as expected (accepted, accepted, accepted with the new
 * color, rejected), 1 otherwise. Each step waits on a condition variable, never by sleeping. */
#include <aws/common/allocator.h>
#include <aws/common/byte_buf.h>
#include <aws/common/clock.h>
#include <aws/common/condition_variable.h>
#include <aws/common/error.h>
#include <aws/common/mutex.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/socket.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/request-response/request_response_client.h>
#include <aws/mqtt/v5/mqtt5_client.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_SECS 10

/* What the callbacks tell main(), guarded by `lock`. */
struct app_state {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    int connected;        /* CONNECTION_SUCCESS events, both clients */
    int stopped;          /* STOPPED events */
    int terminated;       /* client termination callbacks (both clients and the rr client) */
    int subscribed;       /* the service's SUBACK */
    bool answered;        /* the current request completed... */
    int error_code;       /* ...with this error code... */
    char topic[256];      /* ...and this response topic... */
    char payload[1024];   /* ...and payload */
};

/* The service's shadow document: its reported state (a JSON object) and version. */
struct shadow_service {
    struct aws_mqtt5_client *client;
    char state[512];
    int version;
};

static void s_copy(char *dst, size_t size, struct aws_byte_cursor c) {
    size_t n = c.len < size - 1 ? c.len : size - 1;
    memcpy(dst, c.ptr, n);
    dst[n] = '\0';
}

/* Copies the string value of "key" out of a flat JSON text ("" when absent). */
static void s_json_string(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":\"", key);
    out[0] = '\0';
    const char *at = strstr(json, pattern);
    const char *end = at ? strchr(at + strlen(pattern), '"') : NULL;
    if (at && end) {
        at += strlen(pattern);
        size_t n = (size_t)(end - at) < size - 1 ? (size_t)(end - at) : size - 1;
        memcpy(out, at, n);
        out[n] = '\0';
    }
}

/* Copies the JSON object that is the value of "key" (braces balanced; "" when absent). */
static void s_json_object(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":{", key);
    out[0] = '\0';
    const char *at = strstr(json, pattern);
    if (!at) {
        return;
    }
    at += strlen(pattern) - 1;
    int depth = 0;
    for (const char *p = at; *p; ++p) {
        depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
        if (depth == 0) {
            size_t n = (size_t)(p - at + 1) < size - 1 ? (size_t)(p - at + 1) : size - 1;
            memcpy(out, at, n);
            out[n] = '\0';
            return;
        }
    }
}

/* The shadow service: answers each request on ".../accepted" or ".../rejected". */
static void s_service_on_publish(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    struct shadow_service *service = user_data;
    char topic[256];
    char request[1024];
    s_copy(topic, sizeof(topic), publish->topic);
    s_copy(request, sizeof(request), publish->payload);
    char token[128];
    s_json_string(request, "clientToken", token, sizeof(token));
    char answer[1024];
    const char *outcome = "accepted";
    size_t topic_len = strlen(topic);
    bool update = topic_len >= 7 && strcmp(topic + topic_len - 7, "/update") == 0;
    if (update) {
        char state[512];
        s_json_object(request, "state", state, sizeof(state));
        if (state[0] == '\0') {
            outcome = "rejected";
            snprintf(answer, sizeof(answer),
                     "{\"clientToken\":\"%s\",\"code\":400,\"message\":\"Missing required node: state\"}", token);
        } else {
            snprintf(service->state, sizeof(service->state), "%s", state);
            service->version++;
            snprintf(answer, sizeof(answer), "{\"clientToken\":\"%s\",\"state\":%s,\"version\":%d}", token,
                     service->state, service->version);
        }
    } else {
        snprintf(answer, sizeof(answer), "{\"clientToken\":\"%s\",\"state\":%s,\"version\":%d}", token,
                 service->state, service->version);
    }
    char reply_topic[300];
    snprintf(reply_topic, sizeof(reply_topic), "%s/%s", topic, outcome);
    printf("  service: %s %s -> %s %s\n", topic, request, reply_topic, answer);
    struct aws_mqtt5_packet_publish_view reply = {
        .topic = aws_byte_cursor_from_c_str(reply_topic),
        .payload = aws_byte_cursor_from_c_str(answer),
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
    };
    if (aws_mqtt5_client_publish(service->client, &reply, NULL)) {
        fprintf(stderr, "service: publish failed: %s\n", aws_error_name(aws_last_error()));
    }
}

/* The device's own handler (the client requires one): the request-response client sees the
 * answers through a listener of its own, so there is nothing to do here. */
static void s_device_on_publish(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)publish;
    (void)user_data;
}

static void s_on_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    struct app_state *app = event->user_data;
    aws_mutex_lock(&app->lock);
    if (event->event_type == AWS_MQTT5_CLET_CONNECTION_SUCCESS) {
        app->connected++;
    } else if (event->event_type == AWS_MQTT5_CLET_STOPPED) {
        app->stopped++;
    } else if (event->event_type == AWS_MQTT5_CLET_CONNECTION_FAILURE) {
        fprintf(stderr, "connection failed: %s\n", aws_error_name(event->error_code));
    }
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

static void s_on_terminated(void *user_data) {
    struct app_state *app = user_data;
    aws_mutex_lock(&app->lock);
    app->terminated++;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

static void s_on_suback(const struct aws_mqtt5_packet_suback_view *suback, int error_code, void *user_data) {
    (void)suback;
    struct app_state *app = user_data;
    aws_mutex_lock(&app->lock);
    app->subscribed = error_code == AWS_ERROR_SUCCESS ? 1 : -1;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* A request completed: with the response, or with an error (and no response). */
static void s_on_response(const struct aws_mqtt_rr_incoming_publish_event *response, int error_code, void *user_data) {
    struct app_state *app = user_data;
    aws_mutex_lock(&app->lock);
    app->answered = true;
    app->error_code = error_code;
    app->topic[0] = app->payload[0] = '\0';
    if (response) {
        s_copy(app->topic, sizeof(app->topic), response->topic);
        s_copy(app->payload, sizeof(app->payload), response->payload);
    }
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* Waits until `*counter` reaches `target` (or TIMEOUT_SECS pass). */
static bool s_wait_count(struct app_state *app, int *counter, int target) {
    uint64_t deadline = 0;
    aws_high_res_clock_get_ticks(&deadline);
    deadline += aws_timestamp_convert(TIMEOUT_SECS, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_NANOS, NULL);
    aws_mutex_lock(&app->lock);
    uint64_t now = 0;
    while (*counter < target && !aws_high_res_clock_get_ticks(&now) && now < deadline) {
        aws_condition_variable_wait_for(&app->signal, &app->lock, (int64_t)(deadline - now));
    }
    bool reached = *counter >= target;
    aws_mutex_unlock(&app->lock);
    return reached;
}

static bool s_answered(void *ctx) {
    return ((struct app_state *)ctx)->answered;
}

/* Sends one shadow request on "things/THING/shadow/VERB" and waits for its outcome; true when
 * it was answered on ".../EXPECTED" with a payload containing `expect_text`. */
static bool s_request(struct app_state *app, struct aws_mqtt_request_response_client *rr, const char *thing,
                      const char *verb, const char *body, int sequence, const char *expected,
                      const char *expect_text) {
    char publish_topic[256], accepted[300], rejected[300], token[64], payload[512];
    snprintf(publish_topic, sizeof(publish_topic), "things/%s/shadow/%s", thing, verb);
    snprintf(accepted, sizeof(accepted), "%s/accepted", publish_topic);
    snprintf(rejected, sizeof(rejected), "%s/rejected", publish_topic);
    snprintf(token, sizeof(token), "token-%d", sequence);
    snprintf(payload, sizeof(payload), "{\"clientToken\":\"%s\"%s%s}", token, body[0] ? "," : "", body);
    struct aws_byte_cursor filters[] = {aws_byte_cursor_from_c_str(accepted), aws_byte_cursor_from_c_str(rejected)};
    struct aws_mqtt_request_operation_response_path paths[] = {
        {.topic = filters[0], .correlation_token_json_path = aws_byte_cursor_from_c_str("clientToken")},
        {.topic = filters[1], .correlation_token_json_path = aws_byte_cursor_from_c_str("clientToken")},
    };
    struct aws_mqtt_request_operation_options request = {
        .subscription_topic_filters = filters,
        .subscription_topic_filter_count = 2,
        .response_paths = paths,
        .response_path_count = 2,
        .publish_topic = aws_byte_cursor_from_c_str(publish_topic),
        .serialized_request = aws_byte_cursor_from_c_str(payload),
        .correlation_token = aws_byte_cursor_from_c_str(token),
        .completion_callback = s_on_response,
        .user_data = app,
    };
    aws_mutex_lock(&app->lock);
    app->answered = false;
    aws_mutex_unlock(&app->lock);
    printf("device: %s %s\n", publish_topic, payload);
    if (aws_mqtt_request_response_client_submit_request(rr, &request)) {
        fprintf(stderr, "submit_request failed: %s\n", aws_error_name(aws_last_error()));
        return false;
    }
    int64_t timeout = aws_timestamp_convert(TIMEOUT_SECS + 1, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_NANOS, NULL);
    aws_mutex_lock(&app->lock);
    aws_condition_variable_wait_for_pred(&app->signal, &app->lock, timeout, s_answered, app);
    bool answered = app->answered;
    int error_code = app->error_code;
    char topic[256], response[1024];
    snprintf(topic, sizeof(topic), "%s", app->topic);
    snprintf(response, sizeof(response), "%s", app->payload);
    aws_mutex_unlock(&app->lock);
    if (!answered || error_code != AWS_ERROR_SUCCESS) {
        fprintf(stderr, "device: no answer: %s\n", answered ? aws_error_name(error_code) : "timed out");
        return false;
    }
    printf("device: answer on %s: %s\n", topic, response);
    size_t tlen = strlen(topic), elen = strlen(expected);
    bool where = tlen > elen && strcmp(topic + tlen - elen, expected) == 0;
    return where && strstr(response, expect_text) != NULL;
}

static struct aws_mqtt5_client *s_client(struct aws_allocator *allocator, struct aws_client_bootstrap *bootstrap,
                                         const char *host, uint32_t port, const char *client_id,
                                         struct app_state *app, aws_mqtt5_publish_received_fn *on_publish,
                                         void *publish_user_data) {
    struct aws_socket_options socket_options = {
        .type = AWS_SOCKET_STREAM,
        .domain = AWS_SOCKET_IPV4,
        .connect_timeout_ms = 3000,
    };
    struct aws_mqtt5_packet_connect_view connect_options = {
        .keep_alive_interval_seconds = 30,
        .client_id = aws_byte_cursor_from_c_str(client_id),
    };
    struct aws_mqtt5_client_options options = {
        .host_name = aws_byte_cursor_from_c_str(host),
        .port = port,
        .bootstrap = bootstrap,
        .socket_options = &socket_options,
        .connect_options = &connect_options,
        .session_behavior = AWS_MQTT5_CSBT_CLEAN,
        .ack_timeout_seconds = TIMEOUT_SECS,
        .publish_received_handler = on_publish,
        .publish_received_handler_user_data = publish_user_data,
        .lifecycle_event_handler = s_on_lifecycle,
        .lifecycle_event_handler_user_data = app,
        .client_termination_handler = s_on_terminated,
        .client_termination_handler_user_data = app,
    };
    struct aws_mqtt5_client *client = aws_mqtt5_client_new(allocator, &options);
    if (client == NULL || aws_mqtt5_client_start(client)) {
        fprintf(stderr, "client %s: %s\n", client_id, aws_error_name(aws_last_error()));
        return client;
    }
    return client;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s HOST PORT [THING]\n", argv[0]);
        return 1;
    }
    const char *host = argv[1];
    char *port_end = NULL;
    unsigned long port = strtoul(argv[2], &port_end, 10);
    if (*argv[2] == '\0' || *port_end != '\0' || port == 0 || port > 65535) {
        fprintf(stderr, "not a port: %s\n", argv[2]);
        return 1;
    }
    const char *thing = argc == 4 ? argv[3] : "example-thing";
    setvbuf(stdout, NULL, _IOLBF, 0);

    static struct app_state app;
    static struct shadow_service service = {.state = "{\"reported\":{\"color\":\"red\"}}", .version = 1};
    aws_mutex_init(&app.lock);
    aws_condition_variable_init(&app.signal);
    struct aws_allocator *allocator = aws_default_allocator();
    aws_mqtt_library_init(allocator);
    struct aws_event_loop_group_options group_options = {.loop_count = 1};
    struct aws_event_loop_group *group = aws_event_loop_group_new(allocator, &group_options);
    struct aws_host_resolver_default_options resolver_options = {.max_entries = 8, .el_group = group};
    struct aws_host_resolver *resolver = aws_host_resolver_new_default(allocator, &resolver_options);
    struct aws_client_bootstrap_options bootstrap_options = {.event_loop_group = group, .host_resolver = resolver};
    struct aws_client_bootstrap *bootstrap = aws_client_bootstrap_new(allocator, &bootstrap_options);

    uint64_t now = 0;
    aws_high_res_clock_get_ticks(&now);
    char service_id[64], device_id[64];
    snprintf(service_id, sizeof(service_id), "shadow-service-%" PRIu64, now % 1000000000);
    snprintf(device_id, sizeof(device_id), "shadow-device-%" PRIu64, now % 1000000000);
    service.client =
        s_client(allocator, bootstrap, host, (uint32_t)port, service_id, &app, s_service_on_publish, &service);
    struct aws_mqtt5_client *device = s_client(allocator, bootstrap, host, (uint32_t)port, device_id, &app, s_device_on_publish, NULL);
    bool ok = service.client != NULL && device != NULL && s_wait_count(&app, &app.connected, 2);

    /* The service listens for requests on every verb of the thing's shadow. */
    char service_filter[256];
    snprintf(service_filter, sizeof(service_filter), "things/%s/shadow/+", thing);
    struct aws_mqtt5_subscription_view subscription = {
        .topic_filter = aws_byte_cursor_from_c_str(service_filter),
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
    };
    struct aws_mqtt5_packet_subscribe_view subscribe = {.subscription_count = 1, .subscriptions = &subscription};
    struct aws_mqtt5_subscribe_completion_options subscribed = {.completion_callback = s_on_suback,
                                                                .completion_user_data = &app};
    ok = ok && !aws_mqtt5_client_subscribe(service.client, &subscribe, &subscribed) &&
         s_wait_count(&app, &app.subscribed, 1);

    struct aws_mqtt_request_response_client_options rr_options = {
        .max_request_response_subscriptions = 4,
        .max_streaming_subscriptions = 2,
        .operation_timeout_seconds = TIMEOUT_SECS,
        .terminated_callback = s_on_terminated,
        .user_data = &app,
    };
    struct aws_mqtt_request_response_client *rr =
        ok ? aws_mqtt_request_response_client_new_from_mqtt5_client(allocator, device, &rr_options) : NULL;
    ok = ok && rr != NULL;
    ok = ok && s_request(&app, rr, thing, "get", "", 1, "/accepted", "\"color\":\"red\"");
    ok = ok && s_request(&app, rr, thing, "update", "\"state\":{\"reported\":{\"color\":\"green\"}}", 2,
                         "/accepted", "\"version\":2");
    ok = ok && s_request(&app, rr, thing, "get", "", 3, "/accepted", "\"color\":\"green\"");
    ok = ok && s_request(&app, rr, thing, "update", "\"note\":\"no state\"", 4, "/rejected", "\"code\":400");

    int terminations = 0;
    if (rr) {
        aws_mqtt_request_response_client_release(rr);
        terminations++;
    }
    struct aws_mqtt5_client *clients[] = {service.client, device};
    for (int i = 0; i < 2; ++i) {
        if (clients[i]) {
            aws_mqtt5_client_stop(clients[i], NULL, NULL);
            aws_mqtt5_client_release(clients[i]);
            terminations++;
        }
    }
    if (!s_wait_count(&app, &app.terminated, terminations)) {
        fprintf(stderr, "the clients did not terminate\n");
        ok = false;
    }
    aws_client_bootstrap_release(bootstrap);
    aws_host_resolver_release(resolver);
    aws_event_loop_group_release(group);
    aws_mqtt_library_clean_up();
    aws_condition_variable_clean_up(&app.signal);
    aws_mutex_clean_up(&app.lock);
    printf("%s\n", ok ? "shadow example: all four answers as expected" : "shadow example: FAILED");
    return ok ? 0 : 1;
}
