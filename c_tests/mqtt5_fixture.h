/* Shared by the MQTT 5 client tests (test_mqtt5_*.c), on top of mqtt_fixture.h (servers,
 * forwarder, event loop group, log queries, CHECK_WAIT):
 *
 * - struct fx5_events: everything an MQTT 5 client reports, recorded under a mutex: the sequence of
 *   lifecycle events (with the CONNACK, negotiated settings and server DISCONNECT copied out),
 *   received PUBLISHes with all their properties, and one slot per operation (struct fx5_op)
 *   for its completion. Tests wait on it with CHECK_WAIT.
 * - struct fx5_config: socket options, CONNECT view and client options in one place, with the
 *   fixture's handlers installed; a test adjusts fields before fx5_client_new.
 * - fx5_start/_stop/_release helpers that wait for the matching lifecycle event.
 * - fx5_mosquitto_*: a mosquitto with persistence on, restartable on the same port.
 * Everything is static: include this header in one test program. */
#ifndef MQTT5_FIXTURE_H
#define MQTT5_FIXTURE_H

#include "mqtt_fixture.h"

#include <aws/mqtt/v5/mqtt5_client.h>
#include <aws/mqtt/v5/mqtt5_listener.h>
#include <aws/mqtt/v5/mqtt5_types.h>

/* ------------------------------------------------------------------------------------------ */
/* The record                                                                                 */

#define FX5_MAX_EVENTS 128
#define FX5_MAX_PUBLISHES 512
#define FX5_MAX_OPS 512

/* One lifecycle event, with what it carried copied out. */
struct fx5_event {
    enum aws_mqtt5_client_lifecycle_event_type type;
    int error_code;
    bool has_connack;
    int connack_reason_code;
    bool connack_session_present;
    bool has_settings;
    struct {
        int maximum_qos;
        uint32_t session_expiry_interval;
        uint16_t receive_maximum_from_server;
        uint32_t maximum_packet_size_to_server;
        uint16_t topic_alias_maximum_to_server;
        uint16_t server_keep_alive;
        bool retain_available;
        bool wildcard_subscriptions_available;
        bool subscription_identifiers_available;
        bool shared_subscriptions_available;
        bool rejoined_session;
        char client_id[FX_TEXT];
    } settings;
    bool has_disconnect;
    int disconnect_reason_code;
    char disconnect_reason_string[FX_TEXT];
};

/* One received PUBLISH, with its properties. */
struct fx5_publish {
    char topic[FX_TEXT];
    char payload[FX_TEXT];
    size_t payload_len;
    int qos;
    bool dup;
    bool retain;
    uint16_t packet_id;
    bool has_payload_format;
    int payload_format;
    bool has_message_expiry;
    uint32_t message_expiry;
    char content_type[FX_TEXT]; /* "" when absent (has_content_type says which) */
    bool has_content_type;
    char response_topic[FX_TEXT];
    bool has_response_topic;
    char correlation_data[FX_TEXT];
    bool has_correlation_data;
    size_t subscription_identifier_count;
    uint32_t subscription_identifiers[4];
    size_t user_property_count;
    char user_property_name[2][FX_TEXT];
    char user_property_value[2][FX_TEXT];
    int receiver; /* which handler saw it: 0 the client's, 1.. a listener's tag */
};

/* One operation's completion. A test takes a slot with fx5_op_new and passes it as the
 * completion's user data; the callback fills it in. */
struct fx5_op {
    struct fx5_events *ev;
    int completions; /* must end at exactly 1 */
    int error_code;
    int packet_type; /* publish: AWS_MQTT5_PT_NONE or the ack's type */
    bool has_view;
    int reason_code; /* PUBACK reason code, or the first SUBACK/UNSUBACK reason code */
    size_t reason_code_count;
    int reason_codes[8];
    int manual_ack_result; /* aws_mqtt5_manual_publish_acknowledgement_result */
    uint64_t completed_at_ns;
};

struct fx5_events {
    struct aws_mutex lock;
    struct aws_condition_variable signal;

    struct aws_mqtt5_client *client;
    int event_count;                  /* all events, also those past FX5_MAX_EVENTS */
    int counts[AWS_MQTT5_CLET_STOPPED + 1]; /* per event type */
    struct fx5_event events[FX5_MAX_EVENTS]; /* the first FX5_MAX_EVENTS */
    int publish_count;
    struct fx5_publish publishes[FX5_MAX_PUBLISHES];
    int op_count;
    struct fx5_op ops[FX5_MAX_OPS];
    int terminated; /* client termination callback */

    /* What the test wants done from inside a callback (acted on once, then cleared). */
    int release_on_event;     /* 1 + event type: release the client from inside that event */
    int stop_on_event;        /* 1 + event type: stop (no DISCONNECT) from inside that event */
    bool release_in_publish;  /* release the client from inside the publish handler */
    bool acquire_in_publish;  /* take manual control of each QoS 1 PUBLISH's PUBACK */
    uint64_t control_ids[16]; /* the ids aws_mqtt5_client_acquire_publish_acknowledgement gave */
    int control_id_count;
    bool release_in_completion; /* release the client from inside the next publish completion */
};

static inline void fx5_events_init(struct fx5_events *ev) {
    memset(ev, 0, sizeof(*ev));
    aws_mutex_init(&ev->lock);
    aws_condition_variable_init(&ev->signal);
}

static inline void fx5_events_clean_up(struct fx5_events *ev) {
    aws_condition_variable_clean_up(&ev->signal);
    aws_mutex_clean_up(&ev->lock);
}

/* A fresh completion slot (NULL when all are used, which fails the caller's CHECK). */
static inline struct fx5_op *fx5_op_new(struct fx5_events *ev) {
    aws_mutex_lock(&ev->lock);
    struct fx5_op *op = NULL;
    if (ev->op_count < FX5_MAX_OPS) {
        op = &ev->ops[ev->op_count++];
        memset(op, 0, sizeof(*op));
        op->ev = ev;
        op->error_code = -1;
        op->manual_ack_result = -1;
    }
    aws_mutex_unlock(&ev->lock);
    return op;
}

/* Lifecycle events of `type` so far (lock held). */
static inline int fx5_count_locked(const struct fx5_events *ev, enum aws_mqtt5_client_lifecycle_event_type type) {
    return (int)type >= 0 && type <= AWS_MQTT5_CLET_STOPPED ? ev->counts[type] : -1;
}

/* The `nth` (0-based) event of `type`, NULL when there is none (lock held). */
static inline const struct fx5_event *fx5_nth_locked(const struct fx5_events *ev,
                                                     enum aws_mqtt5_client_lifecycle_event_type type, int nth) {
    for (int i = 0; i < ev->event_count && i < FX5_MAX_EVENTS; ++i) {
        if (ev->events[i].type == type && nth-- == 0) {
            return &ev->events[i];
        }
    }
    return NULL;
}

/* A copy of the `nth` event of `type` (zeroed, type -1, when absent). */
static inline struct fx5_event fx5_nth(struct fx5_events *ev, enum aws_mqtt5_client_lifecycle_event_type type,
                                       int nth) {
    struct fx5_event copy;
    memset(&copy, 0, sizeof(copy));
    copy.type = (enum aws_mqtt5_client_lifecycle_event_type)-1;
    aws_mutex_lock(&ev->lock);
    const struct fx5_event *e = fx5_nth_locked(ev, type, nth);
    if (e) {
        copy = *e;
    }
    aws_mutex_unlock(&ev->lock);
    return copy;
}

/* Received PUBLISHes on `topic` (lock held). */
static inline int fx5_received_locked(const struct fx5_events *ev, const char *topic) {
    int n = 0;
    for (int i = 0; i < ev->publish_count && i < FX5_MAX_PUBLISHES; ++i) {
        n += strcmp(ev->publishes[i].topic, topic) == 0;
    }
    return n;
}

/* A copy of the first PUBLISH received on `topic`; false when none. */
static inline bool fx5_find_publish(struct fx5_events *ev, const char *topic, struct fx5_publish *out) {
    bool found = false;
    aws_mutex_lock(&ev->lock);
    for (int i = 0; i < ev->publish_count && i < FX5_MAX_PUBLISHES && !found; ++i) {
        if (strcmp(ev->publishes[i].topic, topic) == 0) {
            *out = ev->publishes[i];
            found = true;
        }
    }
    aws_mutex_unlock(&ev->lock);
    return found;
}

static inline void fx5_copy_cursor(char *dst, const struct aws_byte_cursor *src) {
    fx_copy_text(dst, src);
}

/* ------------------------------------------------------------------------------------------ */
/* Callbacks                                                                                  */

static inline void fx5_on_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    struct fx5_events *ev = event->user_data;
    aws_mutex_lock(&ev->lock);
    if (ev->event_count < FX5_MAX_EVENTS) {
        struct fx5_event *e = &ev->events[ev->event_count];
        memset(e, 0, sizeof(*e));
        e->type = event->event_type;
        e->error_code = event->error_code;
        if (event->connack_data) {
            e->has_connack = true;
            e->connack_reason_code = (int)event->connack_data->reason_code;
            e->connack_session_present = event->connack_data->session_present;
        }
        if (event->settings) {
            const struct aws_mqtt5_negotiated_settings *s = event->settings;
            e->has_settings = true;
            e->settings.maximum_qos = (int)s->maximum_qos;
            e->settings.session_expiry_interval = s->session_expiry_interval;
            e->settings.receive_maximum_from_server = s->receive_maximum_from_server;
            e->settings.maximum_packet_size_to_server = s->maximum_packet_size_to_server;
            e->settings.topic_alias_maximum_to_server = s->topic_alias_maximum_to_server;
            e->settings.server_keep_alive = s->server_keep_alive;
            e->settings.retain_available = s->retain_available;
            e->settings.wildcard_subscriptions_available = s->wildcard_subscriptions_available;
            e->settings.subscription_identifiers_available = s->subscription_identifiers_available;
            e->settings.shared_subscriptions_available = s->shared_subscriptions_available;
            e->settings.rejoined_session = s->rejoined_session;
            struct aws_byte_cursor id = aws_byte_cursor_from_buf(&s->client_id_storage);
            fx5_copy_cursor(e->settings.client_id, &id);
        }
        if (event->disconnect_data) {
            e->has_disconnect = true;
            e->disconnect_reason_code = (int)event->disconnect_data->reason_code;
            fx5_copy_cursor(e->disconnect_reason_string, event->disconnect_data->reason_string);
        }
    }
    ev->event_count += 1;
    if ((int)event->event_type >= 0 && event->event_type <= AWS_MQTT5_CLET_STOPPED) {
        ev->counts[event->event_type] += 1;
    }
    bool release = ev->release_on_event == 1 + (int)event->event_type;
    bool stop = ev->stop_on_event == 1 + (int)event->event_type;
    if (release) {
        ev->release_on_event = 0;
    }
    if (stop) {
        ev->stop_on_event = 0;
    }
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
    if (stop) {
        aws_mqtt5_client_stop(event->client, NULL, NULL);
    }
    if (release) {
        aws_mqtt5_client_release(event->client);
    }
}

static inline void fx5_record_publish(struct fx5_events *ev, const struct aws_mqtt5_packet_publish_view *p,
                                      int receiver) {
    if (ev->publish_count < FX5_MAX_PUBLISHES) {
        struct fx5_publish *r = &ev->publishes[ev->publish_count];
        memset(r, 0, sizeof(*r));
        fx5_copy_cursor(r->topic, &p->topic);
        fx5_copy_cursor(r->payload, &p->payload);
        r->payload_len = p->payload.len;
        r->qos = (int)p->qos;
        r->dup = p->duplicate;
        r->retain = p->retain;
        r->packet_id = p->packet_id;
        if (p->payload_format) {
            r->has_payload_format = true;
            r->payload_format = (int)*p->payload_format;
        }
        if (p->message_expiry_interval_seconds) {
            r->has_message_expiry = true;
            r->message_expiry = *p->message_expiry_interval_seconds;
        }
        r->has_content_type = p->content_type != NULL;
        fx5_copy_cursor(r->content_type, p->content_type);
        r->has_response_topic = p->response_topic != NULL;
        fx5_copy_cursor(r->response_topic, p->response_topic);
        r->has_correlation_data = p->correlation_data != NULL;
        fx5_copy_cursor(r->correlation_data, p->correlation_data);
        r->subscription_identifier_count = p->subscription_identifier_count;
        for (size_t i = 0; i < p->subscription_identifier_count && i < 4; ++i) {
            r->subscription_identifiers[i] = p->subscription_identifiers[i];
        }
        r->user_property_count = p->user_property_count;
        for (size_t i = 0; i < p->user_property_count && i < 2; ++i) {
            fx5_copy_cursor(r->user_property_name[i], &p->user_properties[i].name);
            fx5_copy_cursor(r->user_property_value[i], &p->user_properties[i].value);
        }
        r->receiver = receiver;
    }
    ev->publish_count += 1;
}

static inline void fx5_on_publish_received(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    struct fx5_events *ev = user_data;
    aws_mutex_lock(&ev->lock);
    fx5_record_publish(ev, publish, 0);
    bool release = ev->release_in_publish;
    ev->release_in_publish = false;
    bool acquire = ev->acquire_in_publish && publish->qos != AWS_MQTT5_QOS_AT_MOST_ONCE;
    struct aws_mqtt5_client *client = ev->client;
    aws_mutex_unlock(&ev->lock);
    if (acquire) {
        /* Called on the client's thread, inside the handler, as upstream requires. */
        uint64_t id = aws_mqtt5_client_acquire_publish_acknowledgement(client, publish);
        aws_mutex_lock(&ev->lock);
        if (ev->control_id_count < 16) {
            ev->control_ids[ev->control_id_count] = id;
        }
        ev->control_id_count += 1;
        aws_mutex_unlock(&ev->lock);
    }
    aws_mutex_lock(&ev->lock);
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
    if (release) {
        aws_mqtt5_client_release(client);
    }
}

static inline void fx5_on_termination(void *user_data) {
    struct fx5_events *ev = user_data;
    aws_mutex_lock(&ev->lock);
    ev->terminated += 1;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx5_on_publish_complete(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                                           void *user_data) {
    struct fx5_op *op = user_data;
    struct fx5_events *ev = op->ev;
    aws_mutex_lock(&ev->lock);
    op->completions += 1;
    op->error_code = error_code;
    op->packet_type = (int)packet_type;
    op->has_view = packet != NULL;
    op->completed_at_ns = fx_now_ns();
    if (packet && packet_type == AWS_MQTT5_PT_PUBACK) {
        op->reason_code = (int)((const struct aws_mqtt5_packet_puback_view *)packet)->reason_code;
    }
    bool release = ev->release_in_completion;
    ev->release_in_completion = false;
    struct aws_mqtt5_client *client = ev->client;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
    if (release) {
        aws_mqtt5_client_release(client);
    }
}

static inline void fx5_on_subscribe_complete(const struct aws_mqtt5_packet_suback_view *suback, int error_code,
                                             void *user_data) {
    struct fx5_op *op = user_data;
    aws_mutex_lock(&op->ev->lock);
    op->completions += 1;
    op->error_code = error_code;
    op->has_view = suback != NULL;
    op->completed_at_ns = fx_now_ns();
    if (suback) {
        op->packet_type = AWS_MQTT5_PT_SUBACK;
        op->reason_code_count = suback->reason_code_count;
        for (size_t i = 0; i < suback->reason_code_count && i < 8; ++i) {
            op->reason_codes[i] = (int)suback->reason_codes[i];
        }
        op->reason_code = suback->reason_code_count ? (int)suback->reason_codes[0] : -1;
    }
    aws_condition_variable_notify_all(&op->ev->signal);
    aws_mutex_unlock(&op->ev->lock);
}

static inline void fx5_on_unsubscribe_complete(const struct aws_mqtt5_packet_unsuback_view *unsuback, int error_code,
                                               void *user_data) {
    struct fx5_op *op = user_data;
    aws_mutex_lock(&op->ev->lock);
    op->completions += 1;
    op->error_code = error_code;
    op->has_view = unsuback != NULL;
    op->completed_at_ns = fx_now_ns();
    if (unsuback) {
        op->packet_type = AWS_MQTT5_PT_UNSUBACK;
        op->reason_code_count = unsuback->reason_code_count;
        for (size_t i = 0; i < unsuback->reason_code_count && i < 8; ++i) {
            op->reason_codes[i] = (int)unsuback->reason_codes[i];
        }
        op->reason_code = unsuback->reason_code_count ? (int)unsuback->reason_codes[0] : -1;
    }
    aws_condition_variable_notify_all(&op->ev->signal);
    aws_mutex_unlock(&op->ev->lock);
}

static inline void fx5_on_disconnect_complete(int error_code, void *user_data) {
    struct fx5_op *op = user_data;
    aws_mutex_lock(&op->ev->lock);
    op->completions += 1;
    op->error_code = error_code;
    op->completed_at_ns = fx_now_ns();
    aws_condition_variable_notify_all(&op->ev->signal);
    aws_mutex_unlock(&op->ev->lock);
}

static inline void fx5_on_manual_ack_complete(enum aws_mqtt5_manual_publish_acknowledgement_result result,
                                              void *user_data) {
    struct fx5_op *op = user_data;
    aws_mutex_lock(&op->ev->lock);
    op->completions += 1;
    op->manual_ack_result = (int)result;
    op->completed_at_ns = fx_now_ns();
    aws_condition_variable_notify_all(&op->ev->signal);
    aws_mutex_unlock(&op->ev->lock);
}

/* ------------------------------------------------------------------------------------------ */
/* Client configuration                                                                       */

/* Everything aws_mqtt5_client_new reads, in one struct that outlives the call. */
struct fx5_config {
    struct aws_socket_options socket;
    struct aws_mqtt5_packet_connect_view connect;
    struct aws_mqtt5_client_options options;
    struct aws_mqtt5_client_topic_alias_options aliasing;
    uint32_t session_expiry;
    uint16_t receive_maximum;
    uint32_t maximum_packet_size;
    uint32_t will_delay;
    struct aws_mqtt5_packet_publish_view will;
    struct aws_mqtt5_user_property user_properties[2];
    char client_id[FX_TEXT];
};

/* A client for 127.0.0.1:port with the fixture's handlers, a clean session, keep alive 30 s,
 * reconnects after 100-500 ms without jitter, and a 10 s CONNACK timeout. */
static inline void fx5_config_init(struct fx5_config *c, struct aws_client_bootstrap *bootstrap, int port,
                                   const char *client_id, struct fx5_events *ev) {
    memset(c, 0, sizeof(*c));
    snprintf(c->client_id, sizeof(c->client_id), "%s", client_id);
    c->socket.type = AWS_SOCKET_STREAM;
    c->socket.domain = AWS_SOCKET_IPV4;
    c->socket.connect_timeout_ms = 3000;
    c->connect.keep_alive_interval_seconds = 30;
    c->connect.client_id = aws_byte_cursor_from_c_str(c->client_id);
    c->options.host_name = fx_cur("127.0.0.1");
    c->options.port = (uint32_t)port;
    c->options.bootstrap = bootstrap;
    c->options.socket_options = &c->socket;
    c->options.connect_options = &c->connect;
    c->options.session_behavior = AWS_MQTT5_CSBT_CLEAN;
    c->options.retry_jitter_mode = AWS_EXPONENTIAL_BACKOFF_JITTER_NONE;
    c->options.min_reconnect_delay_ms = 100;
    c->options.max_reconnect_delay_ms = 500;
    c->options.connack_timeout_ms = 10000;
    c->options.publish_received_handler = fx5_on_publish_received;
    c->options.publish_received_handler_user_data = ev;
    c->options.lifecycle_event_handler = fx5_on_lifecycle;
    c->options.lifecycle_event_handler_user_data = ev;
    c->options.client_termination_handler = fx5_on_termination;
    c->options.client_termination_handler_user_data = ev;
}

/* aws_mqtt5_client_new with the configuration; remembers the client in ev. */
static inline struct aws_mqtt5_client *fx5_client_new(struct aws_allocator *alloc, struct fx5_config *c,
                                                      struct fx5_events *ev) {
    struct aws_mqtt5_client *client = aws_mqtt5_client_new(alloc, &c->options);
    if (client) {
        aws_mutex_lock(&ev->lock);
        ev->client = client;
        aws_mutex_unlock(&ev->lock);
    }
    return client;
}

/* Starts the client and waits for the next CONNECTION_SUCCESS. */
static inline int fx5_start_and_wait(struct aws_mqtt5_client *client, struct fx5_events *ev) {
    int before;
    FX_READ(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS), before);
    CHECK_INT_EQ(aws_mqtt5_client_start(client), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) > before, 10000);
    return 0;
}

/* Stops the client (no DISCONNECT) and waits for the next STOPPED. */
static inline int fx5_stop_and_wait(struct aws_mqtt5_client *client, struct fx5_events *ev) {
    int before;
    FX_READ(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_STOPPED), before);
    CHECK_INT_EQ(aws_mqtt5_client_stop(client, NULL, NULL), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, fx5_count_locked(ev, AWS_MQTT5_CLET_STOPPED) > before, 10000);
    return 0;
}

/* Drops the test's reference and waits for the termination callback (exactly once). */
static inline int fx5_release_and_wait(struct aws_mqtt5_client *client, struct fx5_events *ev) {
    aws_mqtt5_client_release(client);
    CHECK_WAIT(ev, ev->terminated >= 1, 10000);
    CHECK_INT_EQ(ev->terminated, 1);
    return 0;
}

/* Stop, wait for STOPPED, release, wait for termination. */
static inline int fx5_finish(struct aws_mqtt5_client *client, struct fx5_events *ev) {
    CHECK_INT_EQ(fx5_stop_and_wait(client, ev), 0);
    CHECK_INT_EQ(fx5_release_and_wait(client, ev), 0);
    return 0;
}

/* Lifecycle events of `type` so far (takes the lock). */
static inline int fx5_count(struct fx5_events *ev, enum aws_mqtt5_client_lifecycle_event_type type) {
    int n;
    FX_READ(ev, fx5_count_locked(ev, type), n);
    return n;
}

/* A fresh record and a configuration for a client of 127.0.0.1:port (see fx5_config_init). */
static inline void fx5_setup(struct fx5_events *ev, struct fx5_config *c, struct aws_client_bootstrap *bootstrap,
                             int port, const char *client_id) {
    fx5_events_init(ev);
    fx5_config_init(c, bootstrap, port, client_id, ev);
}

/* A new client for the configuration, started; does not wait for the connection. */
static inline int fx5_launch(struct aws_allocator *alloc, struct fx5_config *c, struct fx5_events *ev,
                             struct aws_mqtt5_client **out) {
    *out = fx5_client_new(alloc, c, ev);
    CHECK(*out != NULL);
    CHECK_INT_EQ(aws_mqtt5_client_start(*out), AWS_OP_SUCCESS);
    return 0;
}

/* A new client for the configuration, started and connected (waits for CONNECTION_SUCCESS). */
static inline int fx5_connect(struct aws_allocator *alloc, struct fx5_config *c, struct fx5_events *ev,
                              struct aws_mqtt5_client **out) {
    *out = fx5_client_new(alloc, c, ev);
    CHECK(*out != NULL);
    CHECK_INT_EQ(fx5_start_and_wait(*out, ev), 0);
    return 0;
}

/* fx5_finish, then the record's clean-up: the end of a test's client. */
static inline int fx5_finish_and_clean_up(struct aws_mqtt5_client *client, struct fx5_events *ev) {
    CHECK_INT_EQ(fx5_finish(client, ev), 0);
    fx5_events_clean_up(ev);
    return 0;
}

/* Polls the client's statistics (submission is asynchronous) until at least `count` operations
 * are incomplete or `timeout_ms` passed; the last reading is left in `stats`. */
static inline void fx5_wait_incomplete(struct aws_mqtt5_client *client, struct aws_mqtt5_client_operation_statistics *stats,
                                       uint64_t count, int timeout_ms) {
    uint64_t deadline = fx_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
    for (;;) {
        aws_mqtt5_client_get_stats(client, stats);
        if (stats->incomplete_operation_count >= count || fx_now_ns() > deadline) {
            return;
        }
        fx_sleep_ms(5);
    }
}

/* Submits a SUBSCRIBE to one filter whose completion lands in the returned slot (NULL when the
 * call failed); does not wait. */
static inline struct fx5_op *fx5_subscribe_async(struct aws_mqtt5_client *client, struct fx5_events *ev,
                                                 const char *filter, enum aws_mqtt5_qos qos) {
    struct fx5_op *op = fx5_op_new(ev);
    if (!op) {
        return NULL;
    }
    struct aws_mqtt5_subscription_view subscription = {.topic_filter = fx_cur(filter), .qos = qos};
    struct aws_mqtt5_packet_subscribe_view subscribe = {.subscription_count = 1, .subscriptions = &subscription};
    struct aws_mqtt5_subscribe_completion_options completion = {
        .completion_callback = fx5_on_subscribe_complete,
        .completion_user_data = op,
    };
    return aws_mqtt5_client_subscribe(client, &subscribe, &completion) == AWS_OP_SUCCESS ? op : NULL;
}

/* Submits an UNSUBSCRIBE from one filter whose completion lands in the returned slot (NULL when
 * the call failed); does not wait. */
static inline struct fx5_op *fx5_unsubscribe_async(struct aws_mqtt5_client *client, struct fx5_events *ev,
                                                   const char *filter) {
    struct fx5_op *op = fx5_op_new(ev);
    if (!op) {
        return NULL;
    }
    struct aws_byte_cursor topic_filter = fx_cur(filter);
    struct aws_mqtt5_packet_unsubscribe_view unsubscribe = {.topic_filter_count = 1, .topic_filters = &topic_filter};
    struct aws_mqtt5_unsubscribe_completion_options completion = {
        .completion_callback = fx5_on_unsubscribe_complete,
        .completion_user_data = op,
    };
    return aws_mqtt5_client_unsubscribe(client, &unsubscribe, &completion) == AWS_OP_SUCCESS ? op : NULL;
}

/* Submits a PUBLISH whose completion lands in the returned slot (NULL when the call failed). */
static inline struct fx5_op *fx5_publish(struct aws_mqtt5_client *client, struct fx5_events *ev, const char *topic,
                                         enum aws_mqtt5_qos qos, const char *payload) {
    struct fx5_op *op = fx5_op_new(ev);
    if (!op) {
        return NULL;
    }
    struct aws_mqtt5_packet_publish_view publish = {
        .qos = qos,
        .topic = fx_cur(topic),
        .payload = fx_cur(payload),
    };
    struct aws_mqtt5_publish_completion_options completion = {
        .completion_callback = fx5_on_publish_complete,
        .completion_user_data = op,
    };
    if (aws_mqtt5_client_publish(client, &publish, &completion) != AWS_OP_SUCCESS) {
        return NULL;
    }
    return op;
}

/* Subscribes to one filter and waits for the SUBACK, which must grant `qos`. */
static inline int fx5_subscribe(struct aws_mqtt5_client *client, struct fx5_events *ev, const char *filter,
                                enum aws_mqtt5_qos qos) {
    struct fx5_op *op = fx5_subscribe_async(client, ev, filter, qos);
    CHECK(op != NULL);
    CHECK_WAIT(ev, op->completions == 1, 10000);
    CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    CHECK(op->has_view);
    CHECK_INT_EQ(op->reason_code_count, 1);
    CHECK_INT_EQ(op->reason_codes[0], (int)qos);
    return 0;
}

/* The event types so far, in order, equal `expected` (count entries). */
static inline int fx5_check_sequence(struct fx5_events *ev, const enum aws_mqtt5_client_lifecycle_event_type *expected,
                                     int count) {
    aws_mutex_lock(&ev->lock);
    bool same = ev->event_count == count;
    for (int i = 0; same && i < count; ++i) {
        same = ev->events[i].type == expected[i];
    }
    if (!same) {
        fprintf(stderr, "lifecycle events:");
        for (int i = 0; i < ev->event_count && i < FX5_MAX_EVENTS; ++i) {
            fprintf(stderr, " %d(%s)", (int)ev->events[i].type, aws_error_name(ev->events[i].error_code));
        }
        fprintf(stderr, "; expected:");
        for (int i = 0; i < count; ++i) {
            fprintf(stderr, " %d", (int)expected[i]);
        }
        fprintf(stderr, "\n");
    }
    aws_mutex_unlock(&ev->lock);
    CHECK(same);
    return 0;
}

#define FX5_SEQUENCE(ev, ...)                                                                      \
    fx5_check_sequence((ev), (const enum aws_mqtt5_client_lifecycle_event_type[]){__VA_ARGS__},   \
                       (int)(sizeof((const enum aws_mqtt5_client_lifecycle_event_type[]){__VA_ARGS__}) / \
                             sizeof(enum aws_mqtt5_client_lifecycle_event_type)))

/* ------------------------------------------------------------------------------------------ */
/* mosquitto with persistence, restartable on the same port                                   */

static inline int fx5_mosquitto_run(struct fx_mosquitto *m, bool persistent) {
    char conf[1024];
    snprintf(conf, sizeof(conf),
             "listener %d 127.0.0.1\n"
             "allow_anonymous true\n"
             "persistence %s\n"
             "persistence_location %s/\n"
             "user %s\n",
             m->port, persistent ? "true" : "false", m->dir, getuid() == 0 ? "root" : "mosquitto");
    return fx_mosquitto_spawn(m, conf);
}

/* mosquitto on a free port, anonymous, with persistence on or off (MQTT 5 and 3.1.1). */
static inline int fx5_mosquitto_start(struct fx_mosquitto *m, bool persistent) {
    memset(m, 0, sizeof(*m));
    snprintf(m->dir, sizeof(m->dir), "/tmp/mqtt5-mosquitto-XXXXXX");
    CHECK(mkdtemp(m->dir) != NULL);
    fx_track(0, m->dir);
    for (int attempt = 0; attempt < 5; ++attempt) {
        m->port = fx_free_port();
        CHECK(m->port > 0);
        if (fx5_mosquitto_run(m, persistent) == 0) {
            return 0;
        }
    }
    return 1;
}

/* mosquitto on a free port without its per-client message limits: by default it queues at
 * most 1,000 messages for a subscriber that falls behind and drops the rest, and it takes at
 * most 20 unacknowledged QoS 1/2 messages from a client: past that it answers with reason code
 * 0x97 (quota exceeded), drops the message and closes the connection, which a 3.1.1 client
 * cannot even see (a 3.1.1 PUBACK carries no code). For tests about the clients under load. */
static inline int fx5_mosquitto_start_without_limits(struct fx_mosquitto *m) {
    memset(m, 0, sizeof(*m));
    snprintf(m->dir, sizeof(m->dir), "/tmp/mqtt-unlimited-XXXXXX");
    CHECK(mkdtemp(m->dir) != NULL);
    fx_track(0, m->dir);
    for (int attempt = 0; attempt < 5; ++attempt) {
        m->port = fx_free_port();
        CHECK(m->port > 0);
        char conf[512];
        snprintf(conf, sizeof(conf),
                 "listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n"
                 "max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 0\nuser %s\n",
                 m->port, getuid() == 0 ? "root" : "mosquitto");
        if (fx_mosquitto_spawn(m, conf) == 0) {
            return 0;
        }
    }
    return 1;
}

/* Stops mosquitto (SIGTERM: it saves its persistence file) and starts it again on the same
 * port with the same directory. */
static inline int fx5_mosquitto_restart(struct fx_mosquitto *m, bool persistent) {
    fx_kill_and_reap(m->pid);
    m->pid = 0;
    return fx5_mosquitto_run(m, persistent);
}

/* Waits for the first connection attempt of a started client to succeed or fail; after a
 * success subscribes to `prefix`/#, publishes at QoS 1 to `prefix`/echo and receives it. Then
 * stops and releases the client (fx5_finish). The outcome is in `ev`. */
static inline int fx5_outcome_and_round_trip(struct aws_mqtt5_client *c, struct fx5_events *ev, const char *prefix) {
    CHECK_WAIT(ev,
               fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) +
                       fx5_count_locked(ev, AWS_MQTT5_CLET_CONNECTION_FAILURE) >=
                   1,
               10000);
    if (fx5_count(ev, AWS_MQTT5_CLET_CONNECTION_SUCCESS) == 1) {
        char filter[128], topic[128];
        snprintf(filter, sizeof(filter), "%s/#", prefix);
        snprintf(topic, sizeof(topic), "%s/echo", prefix);
        CHECK_INT_EQ(fx5_subscribe(c, ev, filter, AWS_MQTT5_QOS_AT_LEAST_ONCE), 0);
        struct fx5_op *op = fx5_publish(c, ev, topic, AWS_MQTT5_QOS_AT_LEAST_ONCE, "round trip");
        CHECK(op != NULL);
        CHECK_WAIT(ev, op->completions == 1 && fx5_received_locked(ev, topic) == 1, 10000);
        CHECK_INT_EQ(op->error_code, AWS_ERROR_SUCCESS);
    }
    return fx5_finish(c, ev);
}

#endif /* MQTT5_FIXTURE_H */
