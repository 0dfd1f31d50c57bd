/* What every AWS IoT builder example does once its builder is made: the library set up, the
 * client built, started, a subscription and one message to it and back, then stopped and
 * everything given back. Each iot_*.c example only makes its builder: one constructor per
 * connection method of the AWS IoT SDKs' guides. */
#ifndef IOT_EXAMPLE_H
#define IOT_EXAMPLE_H

#include <aws/auth/auth.h>
#include <aws/common/condition_variable.h>
#include <aws/common/mutex.h>
#include <aws/iotdevice/mqtt5_client_builder.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_client.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the callbacks report (on the client's loop); the example waits on `signal`. */
static struct {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    int connected; /* 1 connected, -1 the attempt failed */
    int subscribed;
    int received;
    int stopped;
} s_iot;

static void s_iot_note(int *field, int value) {
    aws_mutex_lock(&s_iot.lock);
    *field = value;
    aws_condition_variable_notify_all(&s_iot.signal);
    aws_mutex_unlock(&s_iot.lock);
}

static bool s_iot_wait(int *field, int seconds) {
    aws_mutex_lock(&s_iot.lock);
    for (int i = 0; i < seconds * 10 && *field == 0; ++i) {
        aws_condition_variable_wait_for(&s_iot.signal, &s_iot.lock, 100000000);
    }
    bool done = *field > 0;
    aws_mutex_unlock(&s_iot.lock);
    return done;
}

static void s_iot_on_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    switch (event->event_type) {
        case AWS_MQTT5_CLET_CONNECTION_SUCCESS:
            printf("connected\n");
            s_iot_note(&s_iot.connected, 1);
            break;
        case AWS_MQTT5_CLET_CONNECTION_FAILURE:
            printf("connection failed: %s\n", aws_error_name(event->error_code));
            s_iot_note(&s_iot.connected, -1);
            break;
        case AWS_MQTT5_CLET_STOPPED:
            s_iot_note(&s_iot.stopped, 1);
            break;
        default:
            break;
    }
}

static void s_iot_on_publish(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)user_data;
    printf("received on %.*s: %.*s\n", (int)publish->topic.len, (const char *)publish->topic.ptr,
           (int)publish->payload.len, (const char *)publish->payload.ptr);
    s_iot_note(&s_iot.received, 1);
}

static void s_iot_on_suback(const struct aws_mqtt5_packet_suback_view *suback, int error_code, void *user_data) {
    (void)suback, (void)user_data;
    s_iot_note(&s_iot.subscribed, error_code == AWS_ERROR_SUCCESS ? 1 : -1);
}

/* The library, before the builder is made. */
static void iot_example_init(void) {
    aws_mqtt_library_init(aws_default_allocator());
    aws_auth_library_init(aws_default_allocator());
    aws_mutex_init(&s_iot.lock);
    aws_condition_variable_init(&s_iot.signal);
}

/* Builds a client with `builder` (client id `name`), subscribes to `name`/#, publishes one
 * message to `name`/hello and waits for it; destroys the builder and shuts the library down.
 * The exit code: 0 when the message came back. */
static int iot_example_run(struct aws_iot_mqtt5_client_builder *builder, const char *name) {
    if (builder == NULL) {
        fprintf(stderr, "%s: no builder: %s\n", name, aws_error_name(aws_last_error()));
        return 1;
    }
    struct aws_mqtt5_packet_connect_view connect = {
        .client_id = aws_byte_cursor_from_c_str(name),
        .keep_alive_interval_seconds = 30,
    };
    aws_iot_mqtt5_client_builder_set_connect_options(builder, &connect);
    aws_iot_mqtt5_client_builder_set_lifecycle_event_handler(builder, s_iot_on_lifecycle, NULL);
    aws_iot_mqtt5_client_builder_set_publish_received_handler(builder, s_iot_on_publish, NULL);
    struct aws_mqtt5_client *client = aws_iot_mqtt5_client_builder_build(builder);
    /* The client holds what it needs: the builder may go now. */
    aws_iot_mqtt5_client_builder_destroy(builder);
    if (client == NULL) {
        fprintf(stderr, "%s: build failed: %s\n", name, aws_error_name(aws_last_error()));
        return 1;
    }
    int status = 1;
    char filter[128], topic[128];
    snprintf(filter, sizeof(filter), "%s/#", name);
    snprintf(topic, sizeof(topic), "%s/hello", name);
    aws_mqtt5_client_start(client);
    if (s_iot_wait(&s_iot.connected, 20)) {
        struct aws_mqtt5_subscription_view subscription = {
            .topic_filter = aws_byte_cursor_from_c_str(filter),
            .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
        };
        struct aws_mqtt5_packet_subscribe_view subscribe = {.subscriptions = &subscription, .subscription_count = 1};
        struct aws_mqtt5_subscribe_completion_options suback = {.completion_callback = s_iot_on_suback};
        aws_mqtt5_client_subscribe(client, &subscribe, &suback);
        if (s_iot_wait(&s_iot.subscribed, 10)) {
            struct aws_mqtt5_packet_publish_view publish = {
                .topic = aws_byte_cursor_from_c_str(topic),
                .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
                .payload = aws_byte_cursor_from_c_str("hello from an AWS IoT builder"),
            };
            aws_mqtt5_client_publish(client, &publish, NULL);
            status = s_iot_wait(&s_iot.received, 10) ? 0 : 1;
        }
    }
    aws_mqtt5_client_stop(client, NULL, NULL);
    s_iot_wait(&s_iot.stopped, 10);
    aws_mqtt5_client_release(client);
    aws_thread_join_all_managed();
    aws_auth_library_clean_up();
    aws_mqtt_library_clean_up();
    printf("%s: %s\n", name, status == 0 ? "ok" : "FAILED");
    return status;
}

/* A port argument: 0 (the method's default, 443 or 8883) when absent. */
static uint32_t iot_example_port(const char *arg) {
    return arg ? (uint32_t)strtoul(arg, NULL, 10) : 0;
}

#endif /* IOT_EXAMPLE_H */
