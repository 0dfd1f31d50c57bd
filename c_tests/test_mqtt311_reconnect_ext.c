/* Beyond upstream (aws/mqtt/ext/reconnect.h): a 3.1.1 connection asked to retry its first
 * connect goes on trying with its backoff until a broker answers, reporting each failure, and
 * completes connect once; a disconnect ends the retries and completes connect with
 * AWS_ERROR_MQTT_CONNECTION_SHUTDOWN; bad options are refused. */

#include "mqtt_fixture.h"

#include <aws/mqtt/ext/reconnect.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;

/* A new connection that retries its first connect, connecting to 127.0.0.1:port. */
static int s_connect_retrying(int port, const char *client_id, enum aws_exponential_backoff_jitter_mode jitter,
                              uint64_t min_ms, uint64_t max_ms, struct fx_events *ev,
                              struct aws_mqtt_client_connection **out) {
    fx_events_init(ev);
    CHECK_INT_EQ(fx_connection_new(s_client, out, ev), 0);
    struct aws_mqtt_ext_reconnect_options reconnect = {
        .retry_first_connect = true,
        .jitter_mode = jitter,
        .min_reconnect_delay_ms = min_ms,
        .max_reconnect_delay_ms = max_ms,
    };
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_set_reconnect_options(*out, &reconnect), AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, port, client_id, ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(*out, &options), AWS_OP_SUCCESS);
    return 0;
}

static int test_a_failed_first_connect_is_retried_until_a_broker_answers(void) {
    int port = fx_free_port();
    struct fx_events ev;
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(s_connect_retrying(port, "ext-retry", AWS_EXPONENTIAL_BACKOFF_JITTER_NONE, 100, 200, &ev, &c), 0);
    /* Nothing listens yet: failures are reported, connect is not completed. */
    CHECK_WAIT(&ev, ev.failure >= 3, 10000);
    CHECK_INT_EQ(ev.failure_error, AWS_IO_SOCKET_CONNECTION_REFUSED);
    CHECK_INT_EQ(ev.complete, 0);
    /* A broker comes up on that port: the next attempt connects. */
    char port_text[16];
    snprintf(port_text, sizeof(port_text), "%d", port);
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, FX_FRAGMENTS("--port", port_text)), 0);
    CHECK_WAIT(&ev, ev.complete == 1, 10000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_WAIT(&ev, ev.success == 1, 10000);
    CHECK_INT_EQ(fx_disconnect_and_release(c, &ev), 0);
    CHECK_INT_EQ(ev.complete, 1);
    fx_events_clean_up(&ev);
    fx_broker_stop(&b);
    return 0;
}

static int test_a_disconnect_ends_the_retries(void) {
    int port = fx_free_port();
    struct fx_events ev;
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(s_connect_retrying(port, "ext-stop", AWS_EXPONENTIAL_BACKOFF_JITTER_FULL, 50, 100, &ev, &c), 0);
    CHECK_WAIT(&ev, ev.failure >= 2, 10000);
    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(c, fx_on_disconnect, &ev), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.disconnected == 1 && ev.complete == 1, 10000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_MQTT_CONNECTION_SHUTDOWN);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 10000);
    CHECK_INT_EQ(ev.complete, 1);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_without_the_option_a_first_failure_stops_as_upstream(void) {
    int port = fx_free_port();
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, port, "ext-none", &ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(c, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete == 1, 10000);
    CHECK_INT_EQ(ev.complete_error, AWS_IO_SOCKET_CONNECTION_REFUSED);
    CHECK_WAIT(&ev, ev.failure == 1, 10000);
    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(c, NULL, NULL), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_MQTT_NOT_CONNECTED);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 10000);
    fx_events_clean_up(&ev);
    return 0;
}

static int test_bad_options_are_refused(void) {
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *c = NULL;
    CHECK_INT_EQ(fx_connection_new(s_client, &c, &ev), 0);
    struct aws_mqtt_ext_reconnect_options bad_jitter = {.jitter_mode = (enum aws_exponential_backoff_jitter_mode)7};
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_set_reconnect_options(c, &bad_jitter), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_mqtt_ext_reconnect_options inverted = {.min_reconnect_delay_ms = 5000, .max_reconnect_delay_ms = 10};
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_set_reconnect_options(c, &inverted), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_set_reconnect_options(c, NULL), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_INT_EQ(aws_mqtt_ext_client_connection_set_reconnect_options(NULL, &inverted), AWS_OP_ERR);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_mqtt_client_connection_release(c);
    CHECK_WAIT(&ev, ev.terminated == 1, 10000);
    fx_events_clean_up(&ev);
    return 0;
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);

    RUN(test_a_failed_first_connect_is_retried_until_a_broker_answers);
    RUN(test_a_disconnect_ends_the_retries);
    RUN(test_without_the_option_a_first_failure_stops_as_upstream);
    RUN(test_bad_options_are_refused);

    aws_mqtt_client_release(s_client);
    return fx_suite_end(s_alloc, &s_io);
}
