/* Publishes and subscribes through the MQTT 5 client (aws/mqtt/v5/mqtt5_client.h), following
 * the flow of the MQTT 5 user guide: build the client's options, start it, wait for the
 * CONNECTION_SUCCESS lifecycle event, subscribe, publish, stop it with a DISCONNECT, wait for
 * STOPPED, release it.
 *
 * usage: mqtt5_pubsub HOST PORT [TOPIC]
 *
 * Connects over plain TCP (no TLS) with a clean session, subscribes to TOPIC/# at QoS 1,
 * publishes one message to each of TOPIC/qos0, TOPIC/qos1 and TOPIC/qos2 at that QoS with two
 * user properties, prints every message the broker sends back (with its properties) and every
 * publish completion, unsubscribes, stops and releases everything. TOPIC defaults to
 * "aws-c-mqtt/example5". (QoS 2 publishes are this library's addition: upstream's MQTT 5
 * client fails them.)
 *
 * Exit code: 0 when all three messages came back (and every operation succeeded), 1 otherwise.
 *
 * The client is asynchronous: every call returns at once and the outcome comes later through a
 * callback, on the client's event loop thread. This program keeps what the callbacks report in
 * one struct guarded by a mutex, and main() waits for each step on a condition variable.
 *
 * Try it against a local broker:  mosquitto -p 1883 &  then  mqtt5_pubsub 127.0.0.1 1883 */
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
#include <aws/mqtt/v5/mqtt5_client.h>
#include <aws/mqtt/v5/mqtt5_types.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MESSAGE_COUNT 3

/* How long to wait for each answer that depends on the broker. */
#define RESPONSE_TIMEOUT_SECS 10

/* One message this program publishes, and what became of it. */
struct message {
    struct app_state *app;
    enum aws_mqtt5_qos qos;
    char topic[256];
    char payload[64];
    bool completed; /* the publish's completion callback ran... */
    int error_code; /* ...with this error code */
    bool received;  /* the broker sent it back to our subscription */
};

/* Everything the callbacks tell main(); read and written with `lock` held. */
struct app_state {
    struct aws_mutex lock;
    struct aws_condition_variable signal;

    bool connected;       /* CONNECTION_SUCCESS */
    int failed_attempts;  /* CONNECTION_FAILURE events */
    bool stopped;         /* STOPPED */
    bool terminated;      /* the client's memory is gone */

    bool suback_done;
    int suback_error;
    int suback_reason_code;

    struct message messages[MESSAGE_COUNT];

    bool unsuback_done;
    int unsuback_error;

    bool disconnect_done;
    int disconnect_error;
};

/* ---- Lifecycle events ---------------------------------------------------------------------- */

/* Every lifecycle event of the client. ATTEMPTING_CONNECT is followed by CONNECTION_SUCCESS or
 * CONNECTION_FAILURE; CONNECTION_SUCCESS by DISCONNECTION; STOPPED comes after a stop. The client
 * reconnects by itself (with backoff) until it is stopped. */
static void s_on_lifecycle_event(const struct aws_mqtt5_client_lifecycle_event *event) {
    struct app_state *app = event->user_data;
    aws_mutex_lock(&app->lock);
    switch (event->event_type) {
        case AWS_MQTT5_CLET_ATTEMPTING_CONNECT:
            printf("lifecycle: attempting to connect\n");
            break;
        case AWS_MQTT5_CLET_CONNECTION_SUCCESS:
            /* The negotiated settings combine what we asked for and what the broker allows. */
            printf("lifecycle: connected as " PRInSTR ", receive maximum %u, maximum QoS %d, session %s\n",
                   AWS_BYTE_BUF_PRI(event->settings->client_id_storage),
                   (unsigned)event->settings->receive_maximum_from_server, (int)event->settings->maximum_qos,
                   event->settings->rejoined_session ? "resumed" : "new");
            app->connected = true;
            break;
        case AWS_MQTT5_CLET_CONNECTION_FAILURE:
            printf("lifecycle: connection failed: %s", aws_error_name(event->error_code));
            if (event->connack_data != NULL) {
                /* The broker refused us: its CONNACK says why. */
                printf(" (CONNACK reason code %d)", (int)event->connack_data->reason_code);
            }
            printf("\n");
            app->failed_attempts += 1;
            break;
        case AWS_MQTT5_CLET_DISCONNECTION:
            printf("lifecycle: disconnected: %s", aws_error_name(event->error_code));
            if (event->disconnect_data != NULL) {
                printf(" (server DISCONNECT reason code %d)", (int)event->disconnect_data->reason_code);
            }
            printf("\n");
            break;
        case AWS_MQTT5_CLET_STOPPED:
            printf("lifecycle: stopped\n");
            app->stopped = true;
            break;
    }
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* The last release finished: nothing of the client is left. */
static void s_on_terminated(void *user_data) {
    struct app_state *app = user_data;
    aws_mutex_lock(&app->lock);
    app->terminated = true;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* ---- Operation callbacks ------------------------------------------------------------------- */

/* A PUBLISH from the broker. The view is only valid during this call. */
static void s_on_publish_received(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    struct app_state *app = user_data;
    printf("received: topic " PRInSTR ", QoS %d%s, payload \"" PRInSTR "\"", AWS_BYTE_CURSOR_PRI(publish->topic),
           (int)publish->qos, publish->retain ? ", retained" : "", AWS_BYTE_CURSOR_PRI(publish->payload));
    for (size_t i = 0; i < publish->user_property_count; ++i) {
        printf(", " PRInSTR "=" PRInSTR, AWS_BYTE_CURSOR_PRI(publish->user_properties[i].name),
               AWS_BYTE_CURSOR_PRI(publish->user_properties[i].value));
    }
    if (publish->content_type != NULL) {
        printf(", content type " PRInSTR, AWS_BYTE_CURSOR_PRI(*publish->content_type));
    }
    printf("\n");
    aws_mutex_lock(&app->lock);
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        struct message *message = &app->messages[i];
        if (aws_byte_cursor_eq_c_str(&publish->topic, message->topic) &&
            aws_byte_cursor_eq_c_str(&publish->payload, message->payload)) {
            message->received = true;
        }
    }
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* A publish completed: QoS 0 once written (no packet), QoS 1 with the PUBACK, QoS 2 at the end
 * of its exchange. A PUBACK with a reason code >= 128 is a refusal, though the error code is 0. */
static void s_on_publish_complete(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                                  void *user_data) {
    struct message *message = user_data;
    struct app_state *app = message->app;
    if (error_code == AWS_ERROR_SUCCESS && packet_type == AWS_MQTT5_PT_PUBACK && packet != NULL) {
        const struct aws_mqtt5_packet_puback_view *puback = packet;
        printf("publish complete: %s at QoS %d, PUBACK reason code %d\n", message->topic, (int)message->qos,
               (int)puback->reason_code);
        if (puback->reason_code >= 128) {
            error_code = AWS_ERROR_MQTT_PROTOCOL_ERROR;
        }
    } else if (error_code == AWS_ERROR_SUCCESS) {
        printf("publish complete: %s at QoS %d\n", message->topic, (int)message->qos);
    } else {
        printf("publish failed: %s at QoS %d: %s\n", message->topic, (int)message->qos, aws_error_name(error_code));
    }
    aws_mutex_lock(&app->lock);
    message->completed = true;
    message->error_code = error_code;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* The SUBACK: one reason code per subscription (the granted QoS, or a refusal >= 128). */
static void s_on_subscribe_complete(const struct aws_mqtt5_packet_suback_view *suback, int error_code,
                                    void *user_data) {
    struct app_state *app = user_data;
    aws_mutex_lock(&app->lock);
    app->suback_done = true;
    app->suback_error = error_code;
    if (suback != NULL && suback->reason_code_count > 0) {
        app->suback_reason_code = (int)suback->reason_codes[0];
        printf("subscribed: reason code %d\n", app->suback_reason_code);
    }
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

static void s_on_unsubscribe_complete(const struct aws_mqtt5_packet_unsuback_view *unsuback, int error_code,
                                      void *user_data) {
    struct app_state *app = user_data;
    if (unsuback != NULL && unsuback->reason_code_count > 0) {
        printf("unsubscribed: reason code %d\n", (int)unsuback->reason_codes[0]);
    }
    aws_mutex_lock(&app->lock);
    app->unsuback_done = true;
    app->unsuback_error = error_code;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* The DISCONNECT given to aws_mqtt5_client_stop was written (or could not be). */
static void s_on_disconnect_complete(int error_code, void *user_data) {
    struct app_state *app = user_data;
    aws_mutex_lock(&app->lock);
    app->disconnect_done = true;
    app->disconnect_error = error_code;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* ---- Waiting ------------------------------------------------------------------------------- */

static bool s_connected_or_gave_up(void *ctx) {
    struct app_state *app = ctx;
    return app->connected || app->failed_attempts >= 3;
}
static bool s_suback_done(void *ctx) {
    return ((struct app_state *)ctx)->suback_done;
}
static bool s_unsuback_done(void *ctx) {
    return ((struct app_state *)ctx)->unsuback_done;
}
static bool s_stopped(void *ctx) {
    struct app_state *app = ctx;
    return app->stopped && app->disconnect_done;
}
static bool s_terminated(void *ctx) {
    return ((struct app_state *)ctx)->terminated;
}
static bool s_all_messages_done(void *ctx) {
    struct app_state *app = ctx;
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        const struct message *message = &app->messages[i];
        if (!message->completed || (message->error_code == AWS_ERROR_SUCCESS && !message->received)) {
            return false;
        }
    }
    return true;
}

/* Waits for `done`; false (after saying so) when nothing happens for RESPONSE_TIMEOUT_SECS. */
static bool s_wait(struct app_state *app, aws_condition_predicate_fn *done, const char *what) {
    int64_t timeout_ns =
        (int64_t)aws_timestamp_convert(RESPONSE_TIMEOUT_SECS, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_NANOS, NULL);
    aws_mutex_lock(&app->lock);
    int result = aws_condition_variable_wait_for_pred(&app->signal, &app->lock, timeout_ns, done, app);
    aws_mutex_unlock(&app->lock);
    if (result != AWS_OP_SUCCESS) {
        fprintf(stderr, "timed out after %d s waiting for %s\n", RESPONSE_TIMEOUT_SECS, what);
        return false;
    }
    return true;
}

static bool s_failed(const char *call) {
    fprintf(stderr, "%s failed: %s\n", call, aws_error_name(aws_last_error()));
    return false;
}

/* ---- The program, step by step ------------------------------------------------------------- */

/* Subscribe to `filter`, publish the three messages with user properties, wait for them to
 * come back, unsubscribe. */
static bool s_pubsub(struct app_state *app, struct aws_mqtt5_client *client, const char *filter) {
    struct aws_mqtt5_subscription_view subscription = {
        .topic_filter = aws_byte_cursor_from_c_str(filter),
        .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
    };
    struct aws_mqtt5_packet_subscribe_view subscribe = {.subscription_count = 1, .subscriptions = &subscription};
    struct aws_mqtt5_subscribe_completion_options subscribe_completion = {
        .completion_callback = s_on_subscribe_complete,
        .completion_user_data = app,
    };
    /* The client copies the view: it need not outlive the call. */
    if (aws_mqtt5_client_subscribe(client, &subscribe, &subscribe_completion)) {
        return s_failed("aws_mqtt5_client_subscribe");
    }
    if (!s_wait(app, s_suback_done, "the SUBACK")) {
        return false;
    }
    if (app->suback_error != AWS_ERROR_SUCCESS || app->suback_reason_code >= 128) {
        fprintf(stderr, "subscribe failed: %s, reason code %d\n", aws_error_name(app->suback_error),
                app->suback_reason_code);
        return false;
    }

    struct aws_mqtt5_user_property properties[] = {
        {.name = aws_byte_cursor_from_c_str("example"), .value = aws_byte_cursor_from_c_str("mqtt5_pubsub")},
        {.name = aws_byte_cursor_from_c_str("language"), .value = aws_byte_cursor_from_c_str("C")},
    };
    struct aws_byte_cursor content_type = aws_byte_cursor_from_c_str("text/plain");
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        struct message *message = &app->messages[i];
        struct aws_mqtt5_packet_publish_view publish = {
            .qos = message->qos,
            .topic = aws_byte_cursor_from_c_str(message->topic),
            .payload = aws_byte_cursor_from_c_str(message->payload),
            .content_type = &content_type,
            .user_property_count = sizeof(properties) / sizeof(properties[0]),
            .user_properties = properties,
        };
        struct aws_mqtt5_publish_completion_options completion = {
            .completion_callback = s_on_publish_complete,
            .completion_user_data = message,
        };
        if (aws_mqtt5_client_publish(client, &publish, &completion)) {
            return s_failed("aws_mqtt5_client_publish");
        }
    }
    if (!s_wait(app, s_all_messages_done, "the messages and their completions")) {
        aws_mutex_lock(&app->lock);
        for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
            fprintf(stderr, "  %s: publish %s, %s\n", app->messages[i].topic,
                    app->messages[i].completed ? "completed" : "NOT completed",
                    app->messages[i].received ? "received" : "NOT received");
        }
        aws_mutex_unlock(&app->lock);
        return false;
    }
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        if (app->messages[i].error_code != AWS_ERROR_SUCCESS) {
            fprintf(stderr, "publish to %s failed: %s\n", app->messages[i].topic,
                    aws_error_name(app->messages[i].error_code));
            return false;
        }
    }
    printf("all %d messages received\n", MESSAGE_COUNT);

    struct aws_mqtt5_packet_unsubscribe_view unsubscribe = {
        .topic_filter_count = 1,
        .topic_filters = &subscription.topic_filter,
    };
    struct aws_mqtt5_unsubscribe_completion_options unsubscribe_completion = {
        .completion_callback = s_on_unsubscribe_complete,
        .completion_user_data = app,
    };
    if (aws_mqtt5_client_unsubscribe(client, &unsubscribe, &unsubscribe_completion)) {
        return s_failed("aws_mqtt5_client_unsubscribe");
    }
    if (!s_wait(app, s_unsuback_done, "the UNSUBACK")) {
        return false;
    }
    return app->unsuback_error == AWS_ERROR_SUCCESS;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s HOST PORT [TOPIC]\n", argv[0]);
        return 1;
    }
    const char *host = argv[1];
    char *port_end = NULL;
    unsigned long port = strtoul(argv[2], &port_end, 10);
    if (*argv[2] == '\0' || *port_end != '\0' || port == 0 || port > 65535) {
        fprintf(stderr, "not a port: %s\n", argv[2]);
        return 1;
    }
    const char *topic = argc == 4 ? argv[3] : "aws-c-mqtt/example5";

    char filter[256];
    static struct app_state app;
    int length = snprintf(filter, sizeof(filter), "%s/#", topic);
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        struct message *message = &app.messages[i];
        message->app = &app;
        message->qos = (enum aws_mqtt5_qos)i;
        int n = snprintf(message->topic, sizeof(message->topic), "%s/qos%d", topic, (int)i);
        snprintf(message->payload, sizeof(message->payload), "hello at QoS %d", (int)i);
        length = n > length ? n : length;
    }
    if (length < 0 || (size_t)length >= sizeof(filter)) {
        fprintf(stderr, "topic too long: %s\n", topic);
        return 1;
    }
    if (aws_mutex_init(&app.lock) || aws_condition_variable_init(&app.signal)) {
        s_failed("aws_mutex_init/aws_condition_variable_init");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    struct aws_allocator *allocator = aws_default_allocator();
    aws_mqtt_library_init(allocator);

    /* The I/O runtime: one event loop thread, a host resolver, a client bootstrap. */
    struct aws_event_loop_group_options group_options = {.loop_count = 1};
    struct aws_event_loop_group *group = aws_event_loop_group_new(allocator, &group_options);
    struct aws_host_resolver_default_options resolver_options = {.max_entries = 8, .el_group = group};
    struct aws_host_resolver *resolver = group ? aws_host_resolver_new_default(allocator, &resolver_options) : NULL;
    struct aws_client_bootstrap_options bootstrap_options = {.event_loop_group = group, .host_resolver = resolver};
    struct aws_client_bootstrap *bootstrap = resolver ? aws_client_bootstrap_new(allocator, &bootstrap_options) : NULL;
    if (bootstrap == NULL) {
        s_failed("creating the event loop group, host resolver and bootstrap");
    }

    /* The client's options. Everything is copied by aws_mqtt5_client_new; after it, the
     * configuration cannot change. The client id must be unique on the broker. */
    uint64_t now = 0;
    aws_high_res_clock_get_ticks(&now);
    char client_id[64];
    snprintf(client_id, sizeof(client_id), "mqtt5-pubsub-%" PRIu64, now % 1000000000);
    struct aws_socket_options socket_options = {
        .type = AWS_SOCKET_STREAM,
        .domain = AWS_SOCKET_IPV4,
        .connect_timeout_ms = 3000,
    };
    struct aws_mqtt5_packet_connect_view connect_options = {
        .keep_alive_interval_seconds = 30,
        .client_id = aws_byte_cursor_from_c_str(client_id),
    };
    struct aws_mqtt5_client_options client_options = {
        .host_name = aws_byte_cursor_from_c_str(host),
        .port = (uint32_t)port,
        .bootstrap = bootstrap,
        .socket_options = &socket_options,
        .tls_options = NULL, /* plain TCP; see aws_tls_connection_options */
        .connect_options = &connect_options,
        .session_behavior = AWS_MQTT5_CSBT_CLEAN,
        .offline_queue_behavior = AWS_MQTT5_COQBT_FAIL_QOS0_PUBLISH_ON_DISCONNECT,
        .retry_jitter_mode = AWS_EXPONENTIAL_BACKOFF_JITTER_FULL,
        .min_reconnect_delay_ms = 500,
        .max_reconnect_delay_ms = 5000,
        .ack_timeout_seconds = RESPONSE_TIMEOUT_SECS,
        .publish_received_handler = s_on_publish_received,
        .publish_received_handler_user_data = &app,
        .lifecycle_event_handler = s_on_lifecycle_event,
        .lifecycle_event_handler_user_data = &app,
        .client_termination_handler = s_on_terminated,
        .client_termination_handler_user_data = &app,
    };

    bool succeeded = false;
    struct aws_mqtt5_client *client = bootstrap ? aws_mqtt5_client_new(allocator, &client_options) : NULL;
    if (bootstrap != NULL && client == NULL) {
        s_failed("aws_mqtt5_client_new");
    }
    if (client != NULL) {
        printf("connecting to %s:%lu as %s\n", host, port, client_id);
        if (aws_mqtt5_client_start(client)) {
            s_failed("aws_mqtt5_client_start");
        } else {
            if (s_wait(&app, s_connected_or_gave_up, "a connection") && app.connected) {
                succeeded = s_pubsub(&app, client, filter);
            } else {
                fprintf(stderr, "could not connect\n");
            }
            /* Stop with a DISCONNECT (normal disconnection): the broker discards our will, if
             * we had one. Then wait for the STOPPED event. */
            struct aws_mqtt5_packet_disconnect_view disconnect = {
                .reason_code = AWS_MQTT5_DRC_NORMAL_DISCONNECTION,
            };
            struct aws_mqtt5_disconnect_completion_options disconnect_completion = {
                .completion_callback = s_on_disconnect_complete,
                .completion_user_data = &app,
            };
            if (aws_mqtt5_client_stop(client, &disconnect, &disconnect_completion)) {
                succeeded = s_failed("aws_mqtt5_client_stop");
            } else if (app.connected) {
                succeeded = s_wait(&app, s_stopped, "STOPPED") && app.disconnect_error == AWS_ERROR_SUCCESS &&
                            succeeded;
            }
        }
        /* The last reference: the client shuts down in the background, then calls
         * client_termination_handler. */
        aws_mqtt5_client_release(client);
        succeeded = s_wait(&app, s_terminated, "the client's termination") && succeeded;
    }
    if (bootstrap != NULL) {
        aws_client_bootstrap_release(bootstrap);
    }
    if (resolver != NULL) {
        aws_host_resolver_release(resolver);
    }
    if (group != NULL) {
        aws_event_loop_group_release(group);
    }
    aws_mqtt_library_clean_up();

    aws_condition_variable_clean_up(&app.signal);
    aws_mutex_clean_up(&app.lock);
    printf("%s\n", succeeded ? "done" : "FAILED");
    return succeeded ? 0 : 1;
}
