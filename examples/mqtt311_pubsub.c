/* Publishes and subscribes through the MQTT 3.1.1 client (aws/mqtt/client.h).
 *
 * usage: mqtt311_pubsub HOST PORT [TOPIC]
 *
 * Connects over plain TCP (no TLS) with a clean session, subscribes to TOPIC/# at QoS 1,
 * publishes one message to each of TOPIC/qos0, TOPIC/qos1 and TOPIC/qos2 at that QoS, prints
 * every message the broker sends back and every publish completion, then unsubscribes,
 * disconnects and releases everything. TOPIC defaults to "aws-c-mqtt/example".
 *
 * Exit code: 0 when all three messages came back (and every operation succeeded), 1 otherwise.
 *
 * The client is asynchronous: every operation returns at once and reports its outcome later
 * through a callback, on one of the event loop group's threads. This program therefore keeps
 * what the callbacks report in one struct guarded by a mutex, and main() waits for each step
 * on a condition variable (never by sleeping).
 *
 * Try it against a local broker:  mosquitto -p 1883 &  then  mqtt311_pubsub 127.0.0.1 1883 */
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
#include <aws/mqtt/client.h>
#include <aws/mqtt/mqtt.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MESSAGE_COUNT 3

/* How long to wait for each answer that depends on the broker (SUBACK, the messages, UNSUBACK). */
#define RESPONSE_TIMEOUT_SECS 10

/* One message this program publishes, and what became of it. It lives in main()'s frame (in
 * struct app_state), so topic and payload outlive the operation that sends them. */
struct message {
    struct app_state *app;
    enum aws_mqtt_qos qos;
    char topic[256];
    char payload[64];
    bool completed; /* the publish's completion callback ran... */
    int error_code; /* ...with this error code */
    bool received;  /* the broker sent it back to our subscription */
};

/* Everything the callbacks tell main(). Every field below `signal` is read and written only
 * with `lock` held; each callback notifies `signal` after changing something. */
struct app_state {
    struct aws_mutex lock;
    struct aws_condition_variable signal;

    bool connect_done;
    int connect_error;
    enum aws_mqtt_connect_return_code connect_return_code;

    bool suback_done;
    int suback_error;
    enum aws_mqtt_qos granted_qos;

    struct message messages[MESSAGE_COUNT];

    bool unsuback_done;
    int unsuback_error;

    bool disconnect_done;
};

/* ---- Connection lifecycle callbacks ------------------------------------------------------- */

/* The answer to aws_mqtt_client_connection_connect: a CONNACK, or the error that prevented one. */
static void s_on_connection_complete(
    struct aws_mqtt_client_connection *connection,
    int error_code,
    enum aws_mqtt_connect_return_code return_code,
    bool session_present,
    void *user_data) {
    (void)connection;
    struct app_state *app = user_data;
    if (error_code == AWS_ERROR_SUCCESS) {
        printf(
            "connected: return code %d, session present %s\n",
            (int)return_code,
            session_present ? "yes" : "no");
    }
    aws_mutex_lock(&app->lock);
    app->connect_done = true;
    app->connect_error = error_code;
    app->connect_return_code = return_code;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* The connection dropped without our asking. The client reconnects by itself (with backoff,
 * see aws_mqtt_client_connection_set_reconnect_timeout); operations wait for it. */
static void s_on_interrupted(
    struct aws_mqtt_client_connection *connection,
    int error_code,
    void *user_data) {
    (void)connection;
    (void)user_data;
    printf("connection interrupted: %s\n", aws_error_name(error_code));
}

/* The client reconnected after an interruption. Without a stored session (clean session, or
 * session_present false) the broker forgot our subscriptions: a long-running program would
 * call aws_mqtt_resubscribe_existing_topics here. */
static void s_on_resumed(
    struct aws_mqtt_client_connection *connection,
    enum aws_mqtt_connect_return_code return_code,
    bool session_present,
    void *user_data) {
    (void)connection;
    (void)user_data;
    printf(
        "connection resumed: return code %d, session present %s\n",
        (int)return_code,
        session_present ? "yes" : "no");
}

/* The connection was closed because we asked (aws_mqtt_client_connection_disconnect). */
static void s_on_closed(
    struct aws_mqtt_client_connection *connection,
    struct on_connection_closed_data *data,
    void *user_data) {
    (void)connection;
    (void)data;
    (void)user_data;
    printf("connection closed\n");
}

/* The answer to aws_mqtt_client_connection_disconnect. */
static void s_on_disconnect(struct aws_mqtt_client_connection *connection, void *user_data) {
    (void)connection;
    struct app_state *app = user_data;
    printf("disconnected\n");
    aws_mutex_lock(&app->lock);
    app->disconnect_done = true;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* ---- Operation callbacks ------------------------------------------------------------------ */

/* The SUBACK. A granted QoS of AWS_MQTT_QOS_FAILURE means the broker refused the filter. */
static void s_on_suback(
    struct aws_mqtt_client_connection *connection,
    uint16_t packet_id,
    const struct aws_byte_cursor *topic,
    enum aws_mqtt_qos qos,
    int error_code,
    void *user_data) {
    (void)connection;
    struct app_state *app = user_data;
    if (error_code == AWS_ERROR_SUCCESS) {
        printf(
            "subscribed to " PRInSTR " (packet %u): granted QoS %d\n",
            AWS_BYTE_CURSOR_PRI(*topic),
            (unsigned)packet_id,
            (int)qos);
    }
    aws_mutex_lock(&app->lock);
    app->suback_done = true;
    app->suback_error = error_code;
    app->granted_qos = qos;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* A PUBLISH matching our subscription. The cursors are only valid during this call: copy
 * what you need to keep. A message may arrive twice at QoS 1 (`dup`). */
static void s_on_message(
    struct aws_mqtt_client_connection *connection,
    const struct aws_byte_cursor *topic,
    const struct aws_byte_cursor *payload,
    bool dup,
    enum aws_mqtt_qos qos,
    bool retain,
    void *user_data) {
    (void)connection;
    struct app_state *app = user_data;
    printf(
        "received: topic " PRInSTR ", QoS %d%s%s, payload \"" PRInSTR "\"\n",
        AWS_BYTE_CURSOR_PRI(*topic),
        (int)qos,
        dup ? ", dup" : "",
        retain ? ", retained" : "",
        AWS_BYTE_CURSOR_PRI(*payload));

    /* Someone else may publish under the same topic: count only our own messages. */
    aws_mutex_lock(&app->lock);
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        struct message *message = &app->messages[i];
        if (aws_byte_cursor_eq_c_str(topic, message->topic) &&
            aws_byte_cursor_eq_c_str(payload, message->payload)) {
            message->received = true;
        }
    }
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* A publish is complete: at QoS 0 once written to the socket, at QoS 1 on the PUBACK, at
 * QoS 2 on the PUBCOMP. */
static void s_on_publish_complete(
    struct aws_mqtt_client_connection *connection,
    uint16_t packet_id,
    int error_code,
    void *user_data) {
    (void)connection;
    struct message *message = user_data;
    struct app_state *app = message->app;
    if (error_code == AWS_ERROR_SUCCESS) {
        printf(
            "publish complete: %s at QoS %d (packet %u)\n",
            message->topic,
            (int)message->qos,
            (unsigned)packet_id);
    } else {
        printf(
            "publish failed: %s at QoS %d: %s\n",
            message->topic,
            (int)message->qos,
            aws_error_name(error_code));
    }
    aws_mutex_lock(&app->lock);
    message->completed = true;
    message->error_code = error_code;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* The UNSUBACK. */
static void s_on_unsuback(
    struct aws_mqtt_client_connection *connection,
    uint16_t packet_id,
    int error_code,
    void *user_data) {
    (void)connection;
    struct app_state *app = user_data;
    if (error_code == AWS_ERROR_SUCCESS) {
        printf("unsubscribed (packet %u)\n", (unsigned)packet_id);
    }
    aws_mutex_lock(&app->lock);
    app->unsuback_done = true;
    app->unsuback_error = error_code;
    aws_condition_variable_notify_all(&app->signal);
    aws_mutex_unlock(&app->lock);
}

/* ---- Waiting for the callbacks ------------------------------------------------------------ */

/* Predicates for aws_condition_variable_wait_pred; called with the lock held. */
static bool s_connect_done(void *ctx) {
    return ((struct app_state *)ctx)->connect_done;
}
static bool s_suback_done(void *ctx) {
    return ((struct app_state *)ctx)->suback_done;
}
static bool s_unsuback_done(void *ctx) {
    return ((struct app_state *)ctx)->unsuback_done;
}
static bool s_disconnect_done(void *ctx) {
    return ((struct app_state *)ctx)->disconnect_done;
}
/* Every publish has completed, and every successful one has come back. */
static bool s_all_messages_done(void *ctx) {
    struct app_state *app = ctx;
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        const struct message *message = &app->messages[i];
        if (!message->completed) {
            return false;
        }
        if (message->error_code == AWS_ERROR_SUCCESS && !message->received) {
            return false;
        }
    }
    return true;
}

/* Waits, as long as it takes, for a callback the library always calls in the end: the
 * connection attempt is bounded by the socket's connect timeout and the client's CONNACK
 * timeout, and a disconnect always completes. */
static void s_wait(struct app_state *app, aws_condition_predicate_fn *done) {
    aws_mutex_lock(&app->lock);
    aws_condition_variable_wait_pred(&app->signal, &app->lock, done, app);
    aws_mutex_unlock(&app->lock);
}

/* Waits for an answer from the broker, which may never come. Returns false, after printing
 * what timed out, when the callbacks make no progress for RESPONSE_TIMEOUT_SECS. (Each wake-up
 * restarts the timeout of aws_condition_variable_wait_for_pred.) */
static bool s_wait_for_broker(
    struct app_state *app,
    aws_condition_predicate_fn *done,
    const char *what) {
    int64_t timeout_ns = (int64_t)aws_timestamp_convert(
        RESPONSE_TIMEOUT_SECS, AWS_TIMESTAMP_SECS, AWS_TIMESTAMP_NANOS, NULL);
    aws_mutex_lock(&app->lock);
    int result =
        aws_condition_variable_wait_for_pred(&app->signal, &app->lock, timeout_ns, done, app);
    aws_mutex_unlock(&app->lock);
    if (result != AWS_OP_SUCCESS) {
        fprintf(
            stderr,
            "timed out after %d s waiting for %s (%s)\n",
            RESPONSE_TIMEOUT_SECS,
            what,
            aws_error_name(aws_last_error()));
        return false;
    }
    return true;
}

/* ---- The program, step by step ------------------------------------------------------------ */

/* Prints why a call failed (aws_last_error) and returns false. */
static bool s_failed(const char *call) {
    fprintf(stderr, "%s failed: %s\n", call, aws_error_name(aws_last_error()));
    return false;
}

/* Everything the program creates; NULL until created. */
struct resources {
    struct aws_event_loop_group *group;
    struct aws_host_resolver *resolver;
    struct aws_client_bootstrap *bootstrap;
    struct aws_mqtt_client *client;
    struct aws_mqtt_client_connection *connection;
};

/* 1. The I/O runtime: an event loop group (one thread is plenty for one connection; the zeroed
 *    fields take their defaults), a host resolver, and a client bootstrap that opens sockets
 *    with them. Then the MQTT client, shared by all the connections of a program, and one
 *    connection with its lifecycle callbacks. */
static bool s_create(
    struct aws_allocator *allocator,
    struct resources *res,
    struct app_state *app) {
    struct aws_event_loop_group_options group_options = { .loop_count = 1 };
    res->group = aws_event_loop_group_new(allocator, &group_options);
    if (res->group == NULL) {
        return s_failed("aws_event_loop_group_new");
    }
    struct aws_host_resolver_default_options resolver_options = {
        .max_entries = 8,
        .el_group = res->group,
    };
    res->resolver = aws_host_resolver_new_default(allocator, &resolver_options);
    if (res->resolver == NULL) {
        return s_failed("aws_host_resolver_new_default");
    }
    struct aws_client_bootstrap_options bootstrap_options = {
        .event_loop_group = res->group,
        .host_resolver = res->resolver,
    };
    res->bootstrap = aws_client_bootstrap_new(allocator, &bootstrap_options);
    if (res->bootstrap == NULL) {
        return s_failed("aws_client_bootstrap_new");
    }

    res->client = aws_mqtt_client_new(allocator, res->bootstrap);
    if (res->client == NULL) {
        return s_failed("aws_mqtt_client_new");
    }
    res->connection = aws_mqtt_client_connection_new(res->client);
    if (res->connection == NULL) {
        return s_failed("aws_mqtt_client_connection_new");
    }
    if (aws_mqtt_client_connection_set_connection_interruption_handlers(
            res->connection, s_on_interrupted, app, s_on_resumed, app)) {
        return s_failed("aws_mqtt_client_connection_set_connection_interruption_handlers");
    }
    if (aws_mqtt_client_connection_set_connection_closed_handler(
            res->connection, s_on_closed, app)) {
        return s_failed("aws_mqtt_client_connection_set_connection_closed_handler");
    }
    return true;
}

/* 2. Connect (plain TCP, clean session, keep-alive 30 s) and wait for the CONNACK. Returns
 *    true when the connection is open. (When the broker refuses the connection, the client
 *    closes it itself.) */
static bool s_connect(
    struct app_state *app,
    struct aws_mqtt_client_connection *connection,
    const char *host,
    uint32_t port) {
    /* The client id must be unique on the broker (a second connection with the same id takes
     * the first one's place), hence the clock in it. */
    uint64_t now = 0;
    aws_high_res_clock_get_ticks(&now);
    char client_id[64];
    snprintf(client_id, sizeof(client_id), "mqtt311-pubsub-%" PRIu64, now % 1000000000);

    struct aws_socket_options socket_options = {
        .type = AWS_SOCKET_STREAM,
        .domain = AWS_SOCKET_IPV4,
        .connect_timeout_ms = 3000,
    };
    struct aws_mqtt_connection_options options = {
        .host_name = aws_byte_cursor_from_c_str(host), /* copied: may go away after the call */
        .port = port,
        .socket_options = &socket_options, /* copied too */
        .tls_options = NULL, /* plain TCP; see aws_tls_connection_options */
        .client_id = aws_byte_cursor_from_c_str(client_id),
        .keep_alive_time_secs = 30,
        .ping_timeout_ms = 3000,
        .protocol_operation_timeout_ms = RESPONSE_TIMEOUT_SECS * 1000,
        .on_connection_complete = s_on_connection_complete,
        .user_data = app,
        .clean_session = true,
    };
    printf("connecting to %s:%u as %s\n", host, (unsigned)port, client_id);
    if (aws_mqtt_client_connection_connect(connection, &options)) {
        return s_failed("aws_mqtt_client_connection_connect");
    }
    s_wait(app, s_connect_done);
    if (app->connect_error != AWS_ERROR_SUCCESS) {
        fprintf(stderr, "connection failed: %s\n", aws_error_name(app->connect_error));
        return false;
    }
    if (app->connect_return_code != AWS_MQTT_CONNECT_ACCEPTED) {
        fprintf(
            stderr,
            "the broker refused the connection: return code %d\n",
            (int)app->connect_return_code);
        return false;
    }
    return true;
}

/* 3. Subscribe to TOPIC/# at QoS 1, publish the three messages, wait for them, unsubscribe. */
static bool s_pubsub(
    struct app_state *app,
    struct aws_mqtt_client_connection *connection,
    const char *filter) {
    /* The filter must stay valid until the SUBACK, and again until the UNSUBACK: it lives in
     * main()'s frame. A subscription's QoS caps the delivery: the QoS 2 message comes back at
     * QoS 1. The NULL is an optional clean-up function for the on_publish user data. */
    struct aws_byte_cursor filter_cursor = aws_byte_cursor_from_c_str(filter);
    uint16_t packet_id = aws_mqtt_client_connection_subscribe(
        connection,
        &filter_cursor,
        AWS_MQTT_QOS_AT_LEAST_ONCE,
        s_on_message,
        app,
        NULL,
        s_on_suback,
        app);
    if (packet_id == 0) {
        return s_failed("aws_mqtt_client_connection_subscribe");
    }
    if (!s_wait_for_broker(app, s_suback_done, "the SUBACK")) {
        return false;
    }
    if (app->suback_error != AWS_ERROR_SUCCESS) {
        fprintf(stderr, "subscribe failed: %s\n", aws_error_name(app->suback_error));
        return false;
    }
    if (app->granted_qos == AWS_MQTT_QOS_FAILURE) {
        fprintf(stderr, "the broker refused the subscription to %s\n", filter);
        return false;
    }

    /* One message at each QoS. The client copies topic and payload; ours stay valid anyway. */
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        struct message *message = &app->messages[i];
        struct aws_byte_cursor topic = aws_byte_cursor_from_c_str(message->topic);
        struct aws_byte_cursor payload = aws_byte_cursor_from_c_str(message->payload);
        packet_id = aws_mqtt_client_connection_publish(
            connection,
            &topic,
            message->qos,
            false /* retain */,
            &payload,
            s_on_publish_complete,
            message);
        if (packet_id == 0) {
            return s_failed("aws_mqtt_client_connection_publish");
        }
    }
    /* Each message must both complete (as a publish) and come back (to our subscription). The
     * callbacks ran under the lock, so once the wait is over their results can be read. */
    if (!s_wait_for_broker(app, s_all_messages_done, "the messages and their completions")) {
        aws_mutex_lock(&app->lock);
        for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
            struct message *message = &app->messages[i];
            fprintf(
                stderr,
                "  %s: publish %s, %s\n",
                message->topic,
                message->completed ? "completed" : "NOT completed",
                message->received ? "received" : "NOT received");
        }
        aws_mutex_unlock(&app->lock);
        return false;
    }
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        if (app->messages[i].error_code != AWS_ERROR_SUCCESS) {
            fprintf(
                stderr,
                "publish to %s failed: %s\n",
                app->messages[i].topic,
                aws_error_name(app->messages[i].error_code));
            return false;
        }
    }
    printf("all %d messages received\n", MESSAGE_COUNT);

    packet_id =
        aws_mqtt_client_connection_unsubscribe(connection, &filter_cursor, s_on_unsuback, app);
    if (packet_id == 0) {
        return s_failed("aws_mqtt_client_connection_unsubscribe");
    }
    if (!s_wait_for_broker(app, s_unsuback_done, "the UNSUBACK")) {
        return false;
    }
    if (app->unsuback_error != AWS_ERROR_SUCCESS) {
        fprintf(stderr, "unsubscribe failed: %s\n", aws_error_name(app->unsuback_error));
        return false;
    }
    return true;
}

/* 4. Disconnect (sends DISCONNECT, closes the socket, fails whatever is still pending) and
 *    wait until it is done. */
static bool s_disconnect(struct app_state *app, struct aws_mqtt_client_connection *connection) {
    if (aws_mqtt_client_connection_disconnect(connection, s_on_disconnect, app)) {
        return s_failed("aws_mqtt_client_connection_disconnect");
    }
    s_wait(app, s_disconnect_done);
    return true;
}

/* 5. Release everything, the most dependent first. Each object holds references to what it
 *    uses (a client to its bootstrap, a bootstrap to its group and resolver), and they shut
 *    down in the background; aws_mqtt_library_clean_up, after this, waits for their threads. */
static void s_release(struct resources *res) {
    if (res->connection != NULL) {
        aws_mqtt_client_connection_release(res->connection);
    }
    if (res->client != NULL) {
        aws_mqtt_client_release(res->client);
    }
    if (res->bootstrap != NULL) {
        aws_client_bootstrap_release(res->bootstrap);
    }
    if (res->resolver != NULL) {
        aws_host_resolver_release(res->resolver);
    }
    if (res->group != NULL) {
        aws_event_loop_group_release(res->group);
    }
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
    const char *topic = argc == 4 ? argv[3] : "aws-c-mqtt/example";

    /* The filter TOPIC/# (every topic below ours) and our three messages, one per QoS, on
     * TOPIC/qos0, TOPIC/qos1 and TOPIC/qos2. */
    char filter[256];
    struct app_state app;
    memset(&app, 0, sizeof(app));
    int length = snprintf(filter, sizeof(filter), "%s/#", topic);
    for (size_t i = 0; i < MESSAGE_COUNT; ++i) {
        struct message *message = &app.messages[i];
        message->app = &app;
        message->qos = (enum aws_mqtt_qos)i;
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

    /* Lines from the callbacks' thread and from main() stay whole and in order in a pipe. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* Initialises aws-c-mqtt and the libraries beneath it (common, io, http). */
    struct aws_allocator *allocator = aws_default_allocator();
    aws_mqtt_library_init(allocator);

    struct resources res = { .group = NULL };
    bool succeeded = false;
    if (s_create(allocator, &res, &app) && s_connect(&app, res.connection, host, (uint32_t)port)) {
        /* The connection is open: whatever happens next, disconnect it before releasing it. */
        succeeded = s_pubsub(&app, res.connection, filter);
        succeeded = s_disconnect(&app, res.connection) && succeeded;
    }
    s_release(&res);
    aws_mqtt_library_clean_up();

    aws_condition_variable_clean_up(&app.signal);
    aws_mutex_clean_up(&app.lock);
    printf("%s\n", succeeded ? "done" : "FAILED");
    return succeeded ? 0 : 1;
}
