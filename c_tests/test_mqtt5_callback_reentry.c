/* Every function of aws/mqtt/v5/mqtt5_client.h and mqtt5_listener.h called from inside every
 * callback of an MQTT 5 client and of a listener, and the last reference released from inside
 * each kind of callback (issue 13, item 5: callbacks run with no lock held, so any API call,
 * release included, is safe there).
 *
 * As test_mqtt311_callback_reentry.c, one "tour" of a client's life against the project's
 * mqtt-test-broker, driven entirely from inside callbacks (the main thread only starts the
 * client and waits, with a bounded condition-variable wait, for the termination handler):
 *
 *   start               a listener L is attached first (variants that get past the first
 *                       connection; see below)
 *   ATTEMPTING_CONNECT  connection 1, which the broker refuses (CONNACK 0x87)
 *   K_FAILURE           CONNECTION_FAILURE (AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED)
 *   K_ATTEMPTING        the second ATTEMPTING_CONNECT (the client retries after its backoff)
 *   K_SUCCESS           CONNECTION_SUCCESS of connection 2; subscribes tour5/#
 *   K_DISCONNECTION     the broker answers connection 2's first SUBSCRIBE with DISCONNECT 0x89
 *                       (AWS_ERROR_MQTT5_DISCONNECT_RECEIVED); the client reconnects
 *                       ATTEMPTING_CONNECT, CONNECTION_SUCCESS of connection 3
 *   K_PUBLISH_RECEIVED, K_LISTENER_PUBLISH, K_PUBLISH_DONE, K_SUBSCRIBE_DONE,
 *   K_UNSUBSCRIBE_DONE, K_MANUAL_ACK_DONE
 *                       the publish handlers (the client's, L's), each operation's completion;
 *                       the client's publish handler takes over the PUBACK of QoS 1/2 messages
 *                       (acquire_publish_acknowledgement) and sends it with
 *                       invoke_publish_acknowledgement, at once or from a later callback
 *   K_LISTENER_TERMINATION  once all of those ran on connection 3, L releases itself from
 *                       inside its publish handler; from its termination callback the variant's
 *                       trigger goes out
 *                       (the trigger: aws_mqtt5_client_stop with a DISCONNECT, or what makes
 *                       the variant's own release callback run)
 *   K_STOP_DISCONNECTION  the DISCONNECTION of that stop (AWS_ERROR_MQTT5_USER_REQUESTED_STOP)
 *   K_DISCONNECT_DONE   the completion of the stop's DISCONNECT: after that DISCONNECTION, as
 *                       upstream (its internal completion closes the connection, emitting the
 *                       event, before the user's completion runs)
 *   K_STOPPED           STOPPED; starts the client again from inside it
 *   K_LISTENER_STOPPED  (variant only) L's lifecycle handler seeing that STOPPED, when L stays
 *   K_SUCCESS_AFTER_RESTART  CONNECTION_SUCCESS after that start
 *
 * In each of those callbacks (and in L's lifecycle handler for each event type it sees) the
 * "probe" (s_probe) calls every function of the two headers: acquire + release, get_stats,
 * publish at QoS 0/1/2, subscribe, unsubscribe, each with an invalid view too (refused with its
 * validation error, no completion), acquire_publish_acknowledgement (0 outside a publish
 * handler), invoke_publish_acknowledgement (the deferred ones, and an unknown id, which
 * completes with AWS_MQTT5_MPAR_PUBACK_INVALID), start while the tour wants the client running
 * or stop while it wants it stopped (a no-op either way), stop with an invalid DISCONNECT
 * (refused, nothing stops), the negotiated-settings functions, a listener made, acquired and
 * released, and a second client made and released. Probes run in the first callback of each
 * kind only, so the messages they publish (which come back through tour5/#) do not feed an
 * endless chain.
 *
 * The tour runs once per kind K: that variant releases the test's reference from inside the
 * first K callback, after probing it there. A listener holds a reference to its client until
 * its release completes (on the client's loop, after the callback that released it), so the
 * variants released before L would have let go (K_FAILURE .. K_DISCONNECTION) run without
 * one. In the others L is gone (released from inside its own handler) before the trigger,
 * except in K_LISTENER_PUBLISH and K_LISTENER_STOPPED, which release the client and L together
 * from inside L's publish handler or L's STOPPED event: the client's last reference then goes
 * when L's release completes. Likewise the listeners the probes make and release: none is made
 * where its release could still be under way at the variant's release (s_may_make_listener),
 * and s_release_here checks that none is. After the release no callback calls the API; the
 * callbacks it still causes are recorded.
 *
 * Checked per variant: every operation whose call succeeded completed exactly once (publish,
 * subscribe, unsubscribe, DISCONNECT, manual PUBACK), every refused one never; the client's
 * lifecycle events followed the tour up to the release, and the whole sequence is a valid life
 * (ATTEMPTING_CONNECT then CONNECTION_SUCCESS or CONNECTION_FAILURE, CONNECTION_SUCCESS then
 * DISCONNECTION, STOPPED only when not connecting or connected) ending with STOPPED; L saw the
 * same events as the client, first, for as long as it was attached; the termination handlers
 * (client, L, every listener and client made inside callbacks) ran exactly once, L's before
 * the client's, and no callback came after its object's termination (checked again once every
 * loop thread is joined); nothing leaked (the suite's tracing allocator ends at 0). */
#include "mqtt5_fixture.h"
#include "reentry_support.h"

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct rs_scenario s_scenario;

/* ------------------------------------------------------------------------------------------ */
/* The callbacks of the tour                                                                  */

enum kind {
    K_FAILURE,
    K_ATTEMPTING,
    K_SUCCESS,
    K_DISCONNECTION,
    K_PUBLISH_RECEIVED,
    K_PUBLISH_DONE,
    K_SUBSCRIBE_DONE,
    K_UNSUBSCRIBE_DONE,
    K_MANUAL_ACK_DONE,
    K_LISTENER_PUBLISH,
    K_LISTENER_TERMINATION,
    K_DISCONNECT_DONE,
    K_STOP_DISCONNECTION,
    K_STOPPED,
    K_LISTENER_STOPPED,
    K_SUCCESS_AFTER_RESTART,
    K_COUNT,
    /* Not a release point: L's lifecycle handler for the other event types. */
    K_LISTENER_LIFECYCLE = K_COUNT,
    K_KINDS,
};

static const char *const s_kind_name[K_KINDS] = {
    "CONNECTION_FAILURE",
    "ATTEMPTING_CONNECT",
    "CONNECTION_SUCCESS",
    "DISCONNECTION (server DISCONNECT)",
    "publish_received_handler",
    "publish completion",
    "subscribe completion",
    "unsubscribe completion",
    "manual PUBACK completion",
    "listener publish handler",
    "listener termination callback",
    "DISCONNECT completion (stop)",
    "DISCONNECTION (stop)",
    "STOPPED",
    "listener lifecycle handler (STOPPED)",
    "CONNECTION_SUCCESS (after start inside STOPPED)",
    "listener lifecycle handler",
};

/* The operational kinds: all must have run a probe on connection 3 before the trigger. */
static const enum kind s_operational[] = {K_PUBLISH_RECEIVED, K_PUBLISH_DONE,    K_SUBSCRIBE_DONE,
                                          K_UNSUBSCRIBE_DONE, K_MANUAL_ACK_DONE, K_LISTENER_PUBLISH};
#define OPERATIONAL_COUNT (sizeof(s_operational) / sizeof(s_operational[0]))

/* The variants that keep a listener (those that get past the first connection). */
static bool s_has_listener(enum kind release_at) {
    return release_at >= K_PUBLISH_RECEIVED;
}

/* The client's lifecycle events of a whole tour, as kinds (ints, as rs_check_record compares
 * them). */
static const int s_tour_sequence[] = {
    K_ATTEMPTING, K_FAILURE,       K_ATTEMPTING,         K_SUCCESS, K_DISCONNECTION, K_ATTEMPTING,
    K_SUCCESS,    K_STOP_DISCONNECTION, K_STOPPED,        K_ATTEMPTING, K_SUCCESS_AFTER_RESTART,
};

/* How many of them come up to the release (the release's own event included). */
static int s_prefix_length(enum kind release_at) {
    switch (release_at) {
        case K_FAILURE:
            return 2;
        case K_ATTEMPTING:
            return 3;
        case K_SUCCESS:
            return 4;
        case K_DISCONNECTION:
            return 5;
        case K_STOP_DISCONNECTION:
        case K_DISCONNECT_DONE:  /* after the DISCONNECTION, as upstream: the DISCONNECT's internal
                                  * completion closes the connection (emitting DISCONNECTION) before
                                  * the user's completion runs */
        case K_LISTENER_STOPPED: /* L's handler runs before the client's STOPPED */
            return 8;
        case K_STOPPED:
            return 9;
        case K_SUCCESS_AFTER_RESTART:
            return 11;
        default:
            /* The operational kinds, L's publish handler and termination: connection 3 is up. */
            return 7;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The record                                                                                 */

#define MAX_OPS 2048
#define MAX_PENDING 16

struct tour;

/* One submitted operation; its completion's user data. */
struct op {
    struct tour *t;
    enum kind kind;  /* the completion callback it has */
    bool submitted;  /* the call returned AWS_OP_SUCCESS */
    bool trigger;    /* the variant releases inside this completion */
    int completions; /* must end at 1 when submitted, 0 otherwise */
    int error_code;
    int result;      /* manual PUBACK: aws_mqtt5_manual_publish_acknowledgement_result */
    enum kind made_in; /* the callback that submitted it (diagnostics) */
    uint64_t control_id; /* manual PUBACK: the id invoked */
};

struct tour {
    /* Lock, broker, the client's release and termination (rs.late: callbacks after it),
     * failures, per-kind counts and probes, and the client's lifecycle events as kinds (rs.seq):
     * see reentry_support.h. */
    struct rs_tour rs;
    _Static_assert(K_KINDS <= RS_MAX_KINDS, "rs counts and probes every kind");
    enum kind release_at;
    struct fx5_config cfg;
    struct aws_mqtt5_client *client;
    struct aws_mqtt5_listener *listener;

    bool listener_released;
    int listener_terminated;
    int order;             /* termination order: listener, then client */
    int listener_order;
    int client_order;
    int listener_late;     /* listener callbacks after the listener's termination */

    bool listener_event_probed[AWS_MQTT5_CLET_STOPPED + 1];
    int probes;
    enum kind current; /* the callback running, or the last one (diagnostics) */
    bool triggered;
    bool stop_requested;   /* the tour stopped the client: probes call stop, not start */
    bool restarted;        /* start inside STOPPED */
    int attempts;          /* ATTEMPTING_CONNECT events */
    int successes;         /* CONNECTION_SUCCESS events */
    int types[RS_MAX_SEQ]; /* the client's lifecycle events (rs.seq), as event types */
    int listener_types[RS_MAX_SEQ];
    int listener_seq_len;

    /* Manual PUBACKs. */
    int acquired;               /* ids acquire_publish_acknowledgement handed out */
    uint64_t pending[MAX_PENDING]; /* acquired, to be invoked by the next probe */
    int pending_count;
    uint64_t listener_acquired; /* the id L's probe acquired for the publish being delivered */

    struct op ops[MAX_OPS];
    int op_count;

    int nested_listeners;
    int nested_listeners_terminated;
    int nested_clients;
    int nested_clients_terminated;
};

static struct tour s_tours[K_COUNT];

#define WANT_OK (-1)

/* Checks one call's outcome: success, or failure with `want`. */
static void s_outcome(struct tour *t, const char *where, int line, const char *call, int rc, int want) {
    int error = rc == AWS_OP_SUCCESS ? 0 : aws_last_error();
    char detail[256];
    if (rc != AWS_OP_SUCCESS && rc != AWS_OP_ERR) {
        snprintf(detail, sizeof(detail), "%s inside %s returned %d", call, where, rc);
        rs_fail(&t->rs, line, "neither AWS_OP_SUCCESS nor AWS_OP_ERR:", detail);
    } else if (want == WANT_OK && rc != AWS_OP_SUCCESS) {
        snprintf(detail, sizeof(detail), "%s inside %s failed with %s", call, where, aws_error_name(error));
        rs_fail(&t->rs, line, "unexpected failure:", detail);
    } else if (want >= 0 && (rc == AWS_OP_SUCCESS || error != want)) {
        snprintf(detail, sizeof(detail), "%s inside %s: %s, expected failure with %s", call, where,
                 rc == AWS_OP_SUCCESS ? "succeeded" : aws_error_name(error), aws_error_name(want));
        rs_fail(&t->rs, line, "wrong outcome:", detail);
    }
}

#define CALL(t, where, want, call)                                                                 \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        s_outcome((t), (where), __LINE__, #call, (call), (want));                                  \
    } while (0)

/* An operation's call: its slot learns whether it was submitted. */
#define CALL_OP(t, where, want, slot, call)                                                        \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        int rc_ = (call);                                                                          \
        s_submitted((t), (slot), rc_ == AWS_OP_SUCCESS);                                           \
        s_outcome((t), (where), __LINE__, #call, rc_, (want));                                     \
    } while (0)

static struct op *s_op_new(struct tour *t, enum kind kind, bool trigger) {
    struct op *op = &t->ops[rs_take_slot(&t->rs, &t->op_count, MAX_OPS, "operation")];
    aws_mutex_lock(&t->rs.lock);
    *op = (struct op){.t = t, .kind = kind, .trigger = trigger, .result = -1, .made_in = t->current};
    aws_mutex_unlock(&t->rs.lock);
    return op;
}

static void s_submitted(struct tour *t, struct op *op, bool submitted) {
    aws_mutex_lock(&t->rs.lock);
    op->submitted = submitted;
    aws_mutex_unlock(&t->rs.lock);
}

/* Every client callback starts here: notes it as the one running, then rs_enter (counted; the
 * lifecycle events are recorded by s_record_event, with their types). False: record only. */
static bool s_enter(struct tour *t, enum kind kind) {
    aws_mutex_lock(&t->rs.lock);
    t->current = kind;
    aws_mutex_unlock(&t->rs.lock);
    return rs_enter(&t->rs, kind, false);
}

/* Releases the test's client reference from inside a callback (and L's, when `with_listener`:
 * the two go together inside L's own callbacks). The main thread dropped its temporary
 * reference under t->rs.lock, so this callback always sees main_released. */
static void s_release_here(struct tour *t, struct aws_mqtt5_client *c, bool with_listener) {
    rs_mark_released(&t->rs);
    aws_mutex_lock(&t->rs.lock);
    bool listener_ok = with_listener ? !t->listener_released : (t->listener == NULL || t->listener_terminated == 1);
    int nested_pending = t->nested_listeners - t->nested_listeners_terminated;
    struct aws_mqtt5_listener *listener = with_listener ? t->listener : NULL;
    if (with_listener) {
        t->listener_released = true;
    }
    aws_mutex_unlock(&t->rs.lock);
    EXPECT(t, listener_ok);
    /* Every listener the probes made was released by them, and its release completed (probes
     * make none where that could still be under way now, see s_may_make_listener): the test's
     * reference is the client's last. Unless L goes in the same callback: L's reference then
     * is, dropped when L's release completes. */
    if (!with_listener && nested_pending != 0) {
        char detail[64];
        snprintf(detail, sizeof(detail), "%d listeners made inside callbacks", nested_pending);
        rs_fail(&t->rs, __LINE__, "still detaching at the release:", detail);
    }
    if (listener) {
        EXPECT(t, aws_mqtt5_listener_release(listener) == NULL);
    }
    EXPECT(t, aws_mqtt5_client_release(c) == NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* The probe: every function of mqtt5_client.h and mqtt5_listener.h from inside a callback     */

static void s_on_publish_complete(enum aws_mqtt5_packet_type, const void *, int, void *);
static void s_on_subscribe_complete(const struct aws_mqtt5_packet_suback_view *, int, void *);
static void s_on_unsubscribe_complete(const struct aws_mqtt5_packet_unsuback_view *, int, void *);
static void s_on_manual_ack_complete(enum aws_mqtt5_manual_publish_acknowledgement_result, void *);
static void s_on_disconnect_complete(int, void *);
static void s_on_nested_listener_termination(void *);
static void s_on_nested_client_termination(void *);
static void s_on_nested_client_publish(const struct aws_mqtt5_packet_publish_view *, void *);
static bool s_on_nested_listener_publish(const struct aws_mqtt5_packet_publish_view *, void *);
static void s_on_nested_listener_lifecycle(const struct aws_mqtt5_client_lifecycle_event *);

static int s_publish(struct tour *t, struct aws_mqtt5_client *c, const char *topic, enum aws_mqtt5_qos qos,
                     struct op *op) {
    struct aws_mqtt5_packet_publish_view publish = {
        .qos = qos,
        .topic = fx_cur(topic),
        .payload = fx_cur(t->rs.name),
    };
    struct aws_mqtt5_publish_completion_options completion = {
        .completion_callback = s_on_publish_complete,
        .completion_user_data = op,
    };
    return aws_mqtt5_client_publish(c, &publish, &completion);
}

static int s_subscribe(struct aws_mqtt5_client *c, const char *filter, struct op *op) {
    struct aws_mqtt5_subscription_view subscription = {.topic_filter = fx_cur(filter),
                                                       .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE};
    struct aws_mqtt5_packet_subscribe_view subscribe = {.subscription_count = 1, .subscriptions = &subscription};
    struct aws_mqtt5_subscribe_completion_options completion = {
        .completion_callback = s_on_subscribe_complete,
        .completion_user_data = op,
    };
    return aws_mqtt5_client_subscribe(c, &subscribe, &completion);
}

static int s_unsubscribe(struct aws_mqtt5_client *c, const char *filter, struct op *op) {
    struct aws_byte_cursor topic_filter = fx_cur(filter);
    struct aws_mqtt5_packet_unsubscribe_view unsubscribe = {.topic_filter_count = 1, .topic_filters = &topic_filter};
    struct aws_mqtt5_unsubscribe_completion_options completion = {
        .completion_callback = s_on_unsubscribe_complete,
        .completion_user_data = op,
    };
    return aws_mqtt5_client_unsubscribe(c, &unsubscribe, &completion);
}

static int s_invoke_ack(struct aws_mqtt5_client *c, uint64_t id, struct op *op) {
    op->control_id = id;
    struct aws_mqtt5_manual_publish_acknowledgement_completion_options completion = {
        .completion_callback = s_on_manual_ack_complete,
        .completion_user_data = op,
    };
    return aws_mqtt5_client_invoke_publish_acknowledgement(c, id, &completion);
}

/* stop with a DISCONNECT (normal disconnection) whose completion lands in `op`. */
static int s_stop_with_disconnect(struct aws_mqtt5_client *c, struct op *op) {
    struct aws_byte_cursor reason = fx_cur("the tour is over");
    struct aws_mqtt5_packet_disconnect_view disconnect = {
        .reason_code = AWS_MQTT5_DRC_NORMAL_DISCONNECTION,
        .reason_string = &reason,
    };
    struct aws_mqtt5_disconnect_completion_options completion = {
        .completion_callback = s_on_disconnect_complete,
        .completion_user_data = op,
    };
    return aws_mqtt5_client_stop(c, &disconnect, &completion);
}

/* A listener holds a reference to its client until its release completes, on the client's
 * loop once the current batch of callbacks is over. So a probe makes (and releases) one only
 * where the variant's release cannot come in the same batch: not in the callback that
 * releases; not, when the release is the server's DISCONNECTION, in the completions and
 * publish handlers of connection 2 (their acks can arrive with the DISCONNECT); not, when the
 * release is in the stop's callbacks (DISCONNECT completion, DISCONNECTION, STOPPED), in the
 * callback that asks for the stop or after it. Every probe kind still makes one in the other
 * variants. */
static bool s_may_make_listener(struct tour *t, enum kind where) {
    aws_mutex_lock(&t->rs.lock);
    bool connection_2 = t->successes == 1;
    bool stopping = t->stop_requested;
    aws_mutex_unlock(&t->rs.lock);
    bool lifecycle = where == K_ATTEMPTING || where == K_FAILURE || where == K_SUCCESS ||
                     where == K_DISCONNECTION || where == K_LISTENER_LIFECYCLE;
    switch (t->release_at) {
        case K_DISCONNECTION:
            return !(connection_2 && !lifecycle);
        case K_DISCONNECT_DONE:
        case K_STOP_DISCONNECTION:
        case K_STOPPED:
            /* L's termination callback sends the stop right after its probe. */
            return !stopping && where != K_LISTENER_TERMINATION;
        default:
            return true;
    }
}

/* Calls every function of mqtt5_client.h and mqtt5_listener.h on `c` from inside the callback
 * `where`. `publish`: the view a publish handler got (NULL elsewhere); `settings`: the
 * negotiated settings a CONNECTION_SUCCESS event carries (NULL elsewhere); `terminal`: the
 * callback releases the client next (no listener is made then: a listener holds a reference
 * to the client until its release completes, so the test's release would not be the last). */
static void s_probe(struct tour *t, struct aws_mqtt5_client *c, enum kind where,
                    const struct aws_mqtt5_packet_publish_view *publish,
                    const struct aws_mqtt5_negotiated_settings *settings, bool terminal) {
    const char *w = s_kind_name[where];
    aws_mutex_lock(&t->rs.lock);
    int i = t->probes++;
    t->rs.probed[where] = true;
    t->current = where;
    bool stopping = t->stop_requested;
    uint64_t pending[MAX_PENDING];
    int pending_count = t->pending_count;
    memcpy(pending, t->pending, sizeof(pending));
    t->pending_count = 0;
    aws_mutex_unlock(&t->rs.lock);
    char text[128];

    /* References: acquire returns the client, release NULL; the pair leaves the count as it was. */
    EXPECT(t, aws_mqtt5_client_acquire(c) == c);
    EXPECT(t, aws_mqtt5_client_release(c) == NULL);

    /* Statistics: filled in (as of the loop's last step). */
    struct aws_mqtt5_client_operation_statistics stats;
    memset(&stats, 0xff, sizeof(stats));
    aws_mqtt5_client_get_stats(c, &stats);
    EXPECT(t, stats.incomplete_operation_count != UINT64_MAX && stats.unacked_operation_count != UINT64_MAX);

    /* Publishes at each QoS: valid views are accepted whatever the client's state (offline,
     * the queue policy decides, through the completion). */
    for (int qos = 0; qos <= 2; ++qos) {
        snprintf(text, sizeof(text), "tour5/p%d/q%d", i, qos);
        struct op *op = s_op_new(t, K_PUBLISH_DONE, false);
        CALL_OP(t, w, WANT_OK, op, s_publish(t, c, text, (enum aws_mqtt5_qos)qos, op));
    }
    /* Invalid views are refused at the call, with no completion. */
    struct op *refused = s_op_new(t, K_PUBLISH_DONE, false);
    CALL_OP(t, w, AWS_ERROR_MQTT5_PUBLISH_OPTIONS_VALIDATION, refused,
            s_publish(t, c, "tour5/#", AWS_MQTT5_QOS_AT_LEAST_ONCE, refused));

    snprintf(text, sizeof(text), "tour5/p%d/#", i);
    struct op *op = s_op_new(t, K_SUBSCRIBE_DONE, false);
    CALL_OP(t, w, WANT_OK, op, s_subscribe(c, text, op));
    op = s_op_new(t, K_SUBSCRIBE_DONE, false);
    struct aws_mqtt5_packet_subscribe_view no_subscriptions = {.subscription_count = 0};
    struct aws_mqtt5_subscribe_completion_options subscribe_completion = {
        .completion_callback = s_on_subscribe_complete,
        .completion_user_data = op,
    };
    CALL_OP(t, w, AWS_ERROR_MQTT5_SUBSCRIBE_OPTIONS_VALIDATION, op,
            aws_mqtt5_client_subscribe(c, &no_subscriptions, &subscribe_completion));

    snprintf(text, sizeof(text), "tour5/p%d/none", i);
    op = s_op_new(t, K_UNSUBSCRIBE_DONE, false);
    CALL_OP(t, w, WANT_OK, op, s_unsubscribe(c, text, op));
    op = s_op_new(t, K_UNSUBSCRIBE_DONE, false);
    struct aws_mqtt5_packet_unsubscribe_view no_filters = {.topic_filter_count = 0};
    struct aws_mqtt5_unsubscribe_completion_options unsubscribe_completion = {
        .completion_callback = s_on_unsubscribe_complete,
        .completion_user_data = op,
    };
    CALL_OP(t, w, AWS_ERROR_MQTT5_UNSUBSCRIBE_OPTIONS_VALIDATION, op,
            aws_mqtt5_client_unsubscribe(c, &no_filters, &unsubscribe_completion));

    /* Manual PUBACKs. Outside a publish handler, acquire hands out nothing (0). */
    if (!publish) {
        struct aws_mqtt5_packet_publish_view other = {.qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
                                                      .packet_id = 1,
                                                      .topic = fx_cur("tour5/other")};
        EXPECT(t, aws_mqtt5_client_acquire_publish_acknowledgement(c, &other) == 0);
    }
    /* The acknowledgements acquired in earlier publish handlers go out from here. */
    for (int p = 0; p < pending_count; ++p) {
        op = s_op_new(t, K_MANUAL_ACK_DONE, false);
        CALL_OP(t, w, WANT_OK, op, s_invoke_ack(c, pending[p], op));
    }
    /* An id nobody handed out: accepted, then completed with AWS_MQTT5_MPAR_PUBACK_INVALID. */
    op = s_op_new(t, K_MANUAL_ACK_DONE, false);
    CALL_OP(t, w, WANT_OK, op, s_invoke_ack(c, (1ULL << 60) + (uint64_t)i, op));

    /* start while the tour wants the client running, stop while it wants it stopped: each
     * asks for what is already asked for. */
    if (stopping) {
        CALL(t, w, WANT_OK, aws_mqtt5_client_stop(c, NULL, NULL));
    } else {
        CALL(t, w, WANT_OK, aws_mqtt5_client_start(c));
    }
    /* A DISCONNECT a client may not send (a server reference) is refused: nothing stops. */
    struct aws_byte_cursor elsewhere = fx_cur("elsewhere");
    struct aws_mqtt5_packet_disconnect_view bad_disconnect = {
        .reason_code = AWS_MQTT5_DRC_NORMAL_DISCONNECTION,
        .server_reference = &elsewhere,
    };
    op = s_op_new(t, K_DISCONNECT_DONE, false);
    struct aws_mqtt5_disconnect_completion_options disconnect_completion = {
        .completion_callback = s_on_disconnect_complete,
        .completion_user_data = op,
    };
    CALL_OP(t, w, AWS_ERROR_MQTT5_DISCONNECT_OPTIONS_VALIDATION, op,
            aws_mqtt5_client_stop(c, &bad_disconnect, &disconnect_completion));

    /* Negotiated settings: a copy of the event's (CONNECTION_SUCCESS), or settings made here. */
    struct aws_mqtt5_negotiated_settings copy;
    memset(&copy, 0, sizeof(copy));
    if (settings) {
        CALL(t, w, WANT_OK, aws_mqtt5_negotiated_settings_copy(settings, &copy));
        /* The copy owns the client id, as upstream's does, even though this library's event
         * settings only lend theirs (allocator NULL). */
        EXPECT(t, copy.client_id_storage.len == settings->client_id_storage.len);
        EXPECT(t, copy.client_id_storage.len > 0 && copy.client_id_storage.allocator != NULL);
        EXPECT(t, memcmp(copy.client_id_storage.buffer, settings->client_id_storage.buffer,
                         copy.client_id_storage.len) == 0);
        EXPECT(t, copy.maximum_qos == settings->maximum_qos);
    } else {
        struct aws_byte_cursor id = fx_cur("reentry");
        CALL(t, w, WANT_OK, aws_mqtt5_negotiated_settings_init(s_alloc, &copy, &id));
        EXPECT(t, copy.client_id_storage.len == id.len);
    }
    aws_mqtt5_negotiated_settings_clean_up(&copy);

    /* A listener made, acquired and released twice inside the callback: it terminates. */
    struct aws_mqtt5_listener_config listener_config = {
        .client = c,
        .listener_callbacks =
            {
                .listener_publish_received_handler = s_on_nested_listener_publish,
                .listener_publish_received_handler_user_data = t,
                .lifecycle_event_handler = s_on_nested_listener_lifecycle,
                .lifecycle_event_handler_user_data = t,
            },
        .termination_callback = s_on_nested_listener_termination,
        .termination_callback_user_data = t,
    };
    bool make_listener = !terminal && s_may_make_listener(t, where);
    struct aws_mqtt5_listener *listener = make_listener ? aws_mqtt5_listener_new(s_alloc, &listener_config) : NULL;
    EXPECT(t, !make_listener || listener != NULL);
    if (listener) {
        aws_mutex_lock(&t->rs.lock);
        t->nested_listeners += 1;
        aws_mutex_unlock(&t->rs.lock);
        EXPECT(t, aws_mqtt5_listener_acquire(listener) == listener);
        EXPECT(t, aws_mqtt5_listener_release(listener) == NULL);
        EXPECT(t, aws_mqtt5_listener_release(listener) == NULL);
    }

    /* A second client made and released inside the callback (never started): it terminates. */
    struct fx5_config nested;
    fx5_config_init(&nested, s_io.bootstrap, t->rs.broker.port, "reentry5-nested", NULL);
    /* Both handlers are required (upstream's validation); these record nothing. */
    nested.options.publish_received_handler = s_on_nested_client_publish;
    nested.options.lifecycle_event_handler = s_on_nested_listener_lifecycle;
    nested.options.client_termination_handler = s_on_nested_client_termination;
    nested.options.client_termination_handler_user_data = t;
    aws_reset_error();
    struct aws_mqtt5_client *second = aws_mqtt5_client_new(s_alloc, &nested.options);
    if (!second) {
        rs_fail(&t->rs, __LINE__, "aws_mqtt5_client_new failed with", aws_error_name(aws_last_error()));
    }
    if (second) {
        aws_mutex_lock(&t->rs.lock);
        t->nested_clients += 1;
        aws_mutex_unlock(&t->rs.lock);
        EXPECT(t, aws_mqtt5_client_release(second) == NULL);
    }
}

/* Once every operational kind ran a probe on connection 3, the callback that completed the set
 * sends the first trigger (once): L's release, or in the variants without L, the variant's
 * own trigger (s_trigger). */
static void s_trigger(struct tour *t, struct aws_mqtt5_client *c);

static void s_maybe_trigger(struct tour *t, struct aws_mqtt5_client *c) {
    aws_mutex_lock(&t->rs.lock);
    bool ready = !t->triggered && t->successes >= 2 && !t->stop_requested;
    for (size_t k = 0; k < OPERATIONAL_COUNT; ++k) {
        if (s_operational[k] != K_LISTENER_PUBLISH || t->listener) {
            ready = ready && t->rs.probed[s_operational[k]];
        }
    }
    if (ready) {
        t->triggered = true;
    }
    bool listener = t->listener != NULL;
    aws_mutex_unlock(&t->rs.lock);
    if (!ready) {
        return;
    }
    if (!listener) {
        s_trigger(t, c);
    } else if (t->release_at == K_LISTENER_PUBLISH) {
        /* L's publish handler releases L and the client. */
        struct op *op = s_op_new(t, K_PUBLISH_DONE, false);
        CALL_OP(t, "the trigger", WANT_OK, op,
                s_publish(t, c, "tour5/trigger/listener-publish", AWS_MQTT5_QOS_AT_LEAST_ONCE, op));
    } else if (t->release_at == K_LISTENER_STOPPED) {
        /* L stays: it sees the stop's DISCONNECTION and STOPPED, and releases in STOPPED. */
        s_trigger(t, c);
    } else {
        /* L releases itself from inside its publish handler; its termination callback sends
         * the variant's trigger. */
        struct op *op = s_op_new(t, K_PUBLISH_DONE, false);
        CALL_OP(t, "the trigger", WANT_OK, op,
                s_publish(t, c, "tour5/trigger/listener-release", AWS_MQTT5_QOS_AT_LEAST_ONCE, op));
    }
}

/* The variant's trigger: what makes its release callback happen. */
static void s_trigger(struct tour *t, struct aws_mqtt5_client *c) {
    const char *w = "the trigger";
    struct op *op;
    switch (t->release_at) {
        case K_PUBLISH_RECEIVED:
            op = s_op_new(t, K_PUBLISH_DONE, false);
            CALL_OP(t, w, WANT_OK, op, s_publish(t, c, "tour5/trigger/release", AWS_MQTT5_QOS_AT_LEAST_ONCE, op));
            break;
        case K_PUBLISH_DONE:
            op = s_op_new(t, K_PUBLISH_DONE, true);
            CALL_OP(t, w, WANT_OK, op, s_publish(t, c, "tour5/trigger/done", AWS_MQTT5_QOS_AT_LEAST_ONCE, op));
            break;
        case K_SUBSCRIBE_DONE:
            op = s_op_new(t, K_SUBSCRIBE_DONE, true);
            CALL_OP(t, w, WANT_OK, op, s_subscribe(c, "tour5/trigger/suback", op));
            break;
        case K_UNSUBSCRIBE_DONE:
            op = s_op_new(t, K_UNSUBSCRIBE_DONE, true);
            CALL_OP(t, w, WANT_OK, op, s_unsubscribe(c, "tour5/trigger/none", op));
            break;
        case K_MANUAL_ACK_DONE:
            /* The publish handler acquires this message's PUBACK and invokes it (see
             * s_on_publish_received). */
            op = s_op_new(t, K_PUBLISH_DONE, false);
            CALL_OP(t, w, WANT_OK, op, s_publish(t, c, "tour5/trigger/manual", AWS_MQTT5_QOS_AT_LEAST_ONCE, op));
            break;
        case K_LISTENER_TERMINATION:
            break; /* the release is the termination callback's */
        default: {
            /* K_DISCONNECT_DONE, K_STOP_DISCONNECTION, K_STOPPED, K_LISTENER_STOPPED,
             * K_SUCCESS_AFTER_RESTART: stop, sending DISCONNECT. */
            aws_mutex_lock(&t->rs.lock);
            t->stop_requested = true;
            aws_mutex_unlock(&t->rs.lock);
            op = s_op_new(t, K_DISCONNECT_DONE, t->release_at == K_DISCONNECT_DONE);
            CALL_OP(t, w, WANT_OK, op, s_stop_with_disconnect(c, op));
            break;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The client's callbacks                                                                     */

static void s_record_event(struct tour *t, const struct aws_mqtt5_client_lifecycle_event *event, enum kind kind) {
    aws_mutex_lock(&t->rs.lock);
    if (t->rs.seq_len < RS_MAX_SEQ) {
        t->rs.seq[t->rs.seq_len] = kind;
        t->types[t->rs.seq_len] = (int)event->event_type;
        t->rs.seq_len += 1;
    }
    aws_mutex_unlock(&t->rs.lock);
}

static void s_on_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    struct tour *t = event->user_data;
    struct aws_mqtt5_client *c = event->client;
    aws_mutex_lock(&t->rs.lock);
    enum kind kind = K_ATTEMPTING;
    int nth = 0;
    switch (event->event_type) {
        case AWS_MQTT5_CLET_ATTEMPTING_CONNECT:
            kind = K_ATTEMPTING;
            nth = ++t->attempts;
            break;
        case AWS_MQTT5_CLET_CONNECTION_SUCCESS:
            kind = t->restarted ? K_SUCCESS_AFTER_RESTART : K_SUCCESS;
            nth = ++t->successes;
            break;
        case AWS_MQTT5_CLET_CONNECTION_FAILURE:
            kind = K_FAILURE;
            break;
        case AWS_MQTT5_CLET_DISCONNECTION:
            kind = t->stop_requested ? K_STOP_DISCONNECTION : K_DISCONNECTION;
            break;
        case AWS_MQTT5_CLET_STOPPED:
            kind = K_STOPPED;
            break;
    }
    aws_mutex_unlock(&t->rs.lock);
    s_record_event(t, event, kind);
    EXPECT(t, c == t->client);
    if (!s_enter(t, kind)) {
        return;
    }
    bool release = t->release_at == kind;
    bool probe = rs_first(&t->rs, kind);
    switch (event->event_type) {
        case AWS_MQTT5_CLET_ATTEMPTING_CONNECT:
            EXPECT(t, event->error_code == AWS_ERROR_SUCCESS);
            /* The release point is the second attempt, long after the main thread's start. */
            release = release && nth == 2;
            break;
        case AWS_MQTT5_CLET_CONNECTION_SUCCESS:
            EXPECT(t, event->error_code == AWS_ERROR_SUCCESS);
            EXPECT(t, event->connack_data != NULL && event->settings != NULL);
            /* The tour's own subscription, on each (clean) session: the trigger topics and the
             * probes' messages come back through it. */
            if (!release) {
                struct op *op = s_op_new(t, K_SUBSCRIBE_DONE, false);
                CALL_OP(t, s_kind_name[kind], WANT_OK, op, s_subscribe(c, "tour5/#", op));
            }
            break;
        case AWS_MQTT5_CLET_CONNECTION_FAILURE:
            /* Connection 1: refused with 0x87 (not authorized); the client retries. */
            EXPECT(t, event->error_code == AWS_ERROR_MQTT5_CONNACK_CONNECTION_REFUSED);
            EXPECT(t, event->connack_data != NULL &&
                          event->connack_data->reason_code == AWS_MQTT5_CRC_NOT_AUTHORIZED);
            break;
        case AWS_MQTT5_CLET_DISCONNECTION:
            if (kind == K_DISCONNECTION) {
                /* Connection 2: the server's DISCONNECT 0x89 after the first SUBSCRIBE. */
                EXPECT(t, event->error_code == AWS_ERROR_MQTT5_DISCONNECT_RECEIVED);
                EXPECT(t, event->disconnect_data != NULL &&
                              event->disconnect_data->reason_code == AWS_MQTT5_DRC_SERVER_BUSY);
            } else {
                EXPECT(t, event->error_code == AWS_ERROR_MQTT5_USER_REQUESTED_STOP);
            }
            break;
        case AWS_MQTT5_CLET_STOPPED:
            break;
    }
    if (probe || release) {
        s_probe(t, c, kind, NULL, event->settings, release);
    }
    if (release) {
        s_release_here(t, c, false);
        return;
    }
    if (event->event_type == AWS_MQTT5_CLET_STOPPED && t->release_at == K_SUCCESS_AFTER_RESTART) {
        /* Start again from inside STOPPED. */
        aws_mutex_lock(&t->rs.lock);
        t->stop_requested = false;
        t->restarted = true;
        aws_mutex_unlock(&t->rs.lock);
        CALL(t, "STOPPED", WANT_OK, aws_mqtt5_client_start(c));
        return;
    }
    s_maybe_trigger(t, c);
}

/* Takes over the PUBACK of a QoS 1/2 message (at most 8 per tour) and sends it at once or from
 * the next probe; the message "tour5/trigger/manual" gets the trigger's completion. */
static void s_manual_ack(struct tour *t, struct aws_mqtt5_client *c,
                         const struct aws_mqtt5_packet_publish_view *publish, bool trigger) {
    aws_mutex_lock(&t->rs.lock);
    uint64_t listener_id = t->listener_acquired;
    t->listener_acquired = 0;
    bool take = trigger || (publish->qos != AWS_MQTT5_QOS_AT_MOST_ONCE && t->acquired < 8);
    aws_mutex_unlock(&t->rs.lock);
    if (!take) {
        return;
    }
    uint64_t id = aws_mqtt5_client_acquire_publish_acknowledgement(c, publish);
    EXPECT(t, id != 0);
    /* Acquired already by L's probe for this same message: the same id. */
    EXPECT(t, listener_id == 0 || listener_id == id);
    if (id == 0) {
        return;
    }
    aws_mutex_lock(&t->rs.lock);
    int n = t->acquired++;
    bool defer = !trigger && n % 2 == 1 && t->pending_count < MAX_PENDING;
    if (defer) {
        t->pending[t->pending_count++] = id;
    }
    aws_mutex_unlock(&t->rs.lock);
    if (!defer) {
        struct op *op = s_op_new(t, K_MANUAL_ACK_DONE, trigger);
        CALL_OP(t, "publish_received_handler", WANT_OK, op, s_invoke_ack(c, id, op));
    }
}

static void s_on_publish_received(const struct aws_mqtt5_packet_publish_view *publish, void *ud) {
    struct tour *t = ud;
    struct aws_mqtt5_client *c = t->client;
    if (!s_enter(t, K_PUBLISH_RECEIVED)) {
        return;
    }
    if (aws_byte_cursor_eq_c_str(&publish->topic, "tour5/trigger/release")) {
        EXPECT(t, t->release_at == K_PUBLISH_RECEIVED);
        s_probe(t, c, K_PUBLISH_RECEIVED, publish, NULL, true);
        s_release_here(t, c, false);
        return;
    }
    if (aws_byte_cursor_eq_c_str(&publish->topic, "tour5/trigger/manual")) {
        s_manual_ack(t, c, publish, true);
        return;
    }
    if (aws_byte_cursor_eq_c_str(&publish->topic, "tour5/trigger/listener-release") ||
        aws_byte_cursor_eq_c_str(&publish->topic, "tour5/trigger/listener-publish")) {
        return; /* L's */
    }
    /* Inside the handler, acquire hands out the message's acknowledgement (QoS 1/2), 0 at QoS 0;
     * the probe runs before, so its calls see the message still unacknowledged. */
    if (rs_first(&t->rs, K_PUBLISH_RECEIVED)) {
        s_probe(t, c, K_PUBLISH_RECEIVED, publish, NULL, false);
    }
    if (publish->qos == AWS_MQTT5_QOS_AT_MOST_ONCE) {
        EXPECT(t, aws_mqtt5_client_acquire_publish_acknowledgement(c, publish) == 0);
    } else {
        s_manual_ack(t, c, publish, false);
    }
    s_maybe_trigger(t, c);
}

/* Records a completion; true when the test may still call the API. */
static bool s_completed(struct op *op, int error_code, int result) {
    struct tour *t = op->t;
    aws_mutex_lock(&t->rs.lock);
    op->completions += 1;
    op->error_code = error_code;
    op->result = result;
    aws_mutex_unlock(&t->rs.lock);
    return s_enter(t, op->kind);
}

static void s_completion(struct op *op) {
    struct tour *t = op->t;
    struct aws_mqtt5_client *c = t->client;
    if (op->trigger) {
        EXPECT(t, t->release_at == op->kind);
        s_probe(t, c, op->kind, NULL, NULL, true);
        s_release_here(t, c, false);
        return;
    }
    if (rs_first(&t->rs, op->kind)) {
        s_probe(t, c, op->kind, NULL, NULL, false);
    }
    s_maybe_trigger(t, c);
}

static void s_on_publish_complete(enum aws_mqtt5_packet_type packet_type, const void *packet, int error_code,
                                  void *ud) {
    struct op *op = ud;
    /* Acked (QoS 1: PUBACK, QoS 2: PUBCOMP or PUBREC), written (QoS 0: no packet), or failed. */
    EXPECT(op->t, error_code != AWS_ERROR_SUCCESS || packet_type == AWS_MQTT5_PT_NONE || packet != NULL);
    if (s_completed(op, error_code, -1)) {
        s_completion(op);
    }
}

static void s_on_subscribe_complete(const struct aws_mqtt5_packet_suback_view *suback, int error_code, void *ud) {
    struct op *op = ud;
    EXPECT(op->t, error_code != AWS_ERROR_SUCCESS || suback != NULL);
    if (s_completed(op, error_code, -1)) {
        s_completion(op);
    }
}

static void s_on_unsubscribe_complete(const struct aws_mqtt5_packet_unsuback_view *unsuback, int error_code,
                                      void *ud) {
    struct op *op = ud;
    EXPECT(op->t, error_code != AWS_ERROR_SUCCESS || unsuback != NULL);
    if (s_completed(op, error_code, -1)) {
        s_completion(op);
    }
}

static void s_on_manual_ack_complete(enum aws_mqtt5_manual_publish_acknowledgement_result result, void *ud) {
    struct op *op = ud;
    EXPECT(op->t, (int)result >= AWS_MQTT5_MPAR_SUCCESS && (int)result <= AWS_MQTT5_MPAR_CRT_FAILURE);
    if (s_completed(op, 0, (int)result)) {
        s_completion(op);
    }
}

static void s_on_disconnect_complete(int error_code, void *ud) {
    struct op *op = ud;
    if (s_completed(op, error_code, -1)) {
        s_completion(op);
    }
}

/* Not rs_count_and_signal: the termination order is set before the main thread, woken, checks
 * it. */
static void s_on_termination(void *ud) {
    struct tour *t = ud;
    aws_mutex_lock(&t->rs.lock);
    t->rs.terminated += 1;
    t->client_order = ++t->order;
    aws_condition_variable_notify_all(&t->rs.signal);
    aws_mutex_unlock(&t->rs.lock);
}

/* ------------------------------------------------------------------------------------------ */
/* The listener's callbacks                                                                   */

/* Every callback of L starts here: notes one after L's termination; false when L's reference
 * (or the client's) is gone: record only. */
static bool s_listener_enter(struct tour *t) {
    aws_mutex_lock(&t->rs.lock);
    if (t->listener_terminated) {
        t->listener_late += 1;
    }
    if (t->rs.terminated) {
        t->rs.late += 1;
    }
    bool live = !t->rs.released && !t->listener_released;
    aws_mutex_unlock(&t->rs.lock);
    return live;
}

static bool s_on_listener_publish(const struct aws_mqtt5_packet_publish_view *publish, void *ud) {
    struct tour *t = ud;
    struct aws_mqtt5_client *c = t->client;
    aws_mutex_lock(&t->rs.lock);
    t->rs.counts[K_LISTENER_PUBLISH] += 1;
    t->current = K_LISTENER_PUBLISH;
    aws_mutex_unlock(&t->rs.lock);
    if (!s_listener_enter(t)) {
        return false;
    }
    if (aws_byte_cursor_eq_c_str(&publish->topic, "tour5/trigger/listener-publish")) {
        /* Release L and the client together from inside L's publish handler. */
        EXPECT(t, t->release_at == K_LISTENER_PUBLISH);
        s_probe(t, c, K_LISTENER_PUBLISH, publish, NULL, true);
        s_release_here(t, c, true);
        return false;
    }
    if (aws_byte_cursor_eq_c_str(&publish->topic, "tour5/trigger/listener-release")) {
        /* L releases itself from inside its own publish handler; its termination callback
         * goes on with the tour. */
        aws_mutex_lock(&t->rs.lock);
        struct aws_mqtt5_listener *listener = t->listener;
        t->listener_released = true;
        aws_mutex_unlock(&t->rs.lock);
        EXPECT(t, aws_mqtt5_listener_release(listener) == NULL);
        return false;
    }
    if (rs_first(&t->rs, K_LISTENER_PUBLISH)) {
        s_probe(t, c, K_LISTENER_PUBLISH, publish, NULL, false);
        /* A listener's handler is inside the delivery too: QoS 1/2 hand out an id, which the
         * client's handler, next, must get again (s_manual_ack). */
        uint64_t id = aws_mqtt5_client_acquire_publish_acknowledgement(c, publish);
        EXPECT(t, (publish->qos == AWS_MQTT5_QOS_AT_MOST_ONCE) == (id == 0));
        aws_mutex_lock(&t->rs.lock);
        t->listener_acquired = id;
        aws_mutex_unlock(&t->rs.lock);
        if (id != 0) {
            /* The client's handler then owns it: it is among its first 8 only when counted
             * there; if it is not taken there, send it here. */
            aws_mutex_lock(&t->rs.lock);
            bool taken = t->acquired < 8;
            aws_mutex_unlock(&t->rs.lock);
            if (!taken) {
                struct op *op = s_op_new(t, K_MANUAL_ACK_DONE, false);
                CALL_OP(t, "listener publish handler", WANT_OK, op, s_invoke_ack(c, id, op));
                aws_mutex_lock(&t->rs.lock);
                t->listener_acquired = 0;
                aws_mutex_unlock(&t->rs.lock);
            }
        }
    }
    s_maybe_trigger(t, c);
    return false; /* never claimed: the client's handler sees everything too */
}

static void s_on_listener_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    struct tour *t = event->user_data;
    struct aws_mqtt5_client *c = event->client;
    aws_mutex_lock(&t->rs.lock);
    if (t->listener_seq_len < RS_MAX_SEQ) {
        t->listener_types[t->listener_seq_len++] = (int)event->event_type;
    }
    t->rs.counts[K_LISTENER_LIFECYCLE] += 1;
    t->current = K_LISTENER_LIFECYCLE;
    aws_mutex_unlock(&t->rs.lock);
    EXPECT(t, c == t->client);
    if (!s_listener_enter(t)) {
        return;
    }
    enum aws_mqtt5_client_lifecycle_event_type type = event->event_type;
    if (type == AWS_MQTT5_CLET_STOPPED && t->release_at == K_LISTENER_STOPPED) {
        /* Release L and the client together from inside L's lifecycle handler. */
        s_probe(t, c, K_LISTENER_STOPPED, NULL, NULL, true);
        s_release_here(t, c, true);
        return;
    }
    aws_mutex_lock(&t->rs.lock);
    bool first = !t->listener_event_probed[type];
    t->listener_event_probed[type] = true;
    aws_mutex_unlock(&t->rs.lock);
    if (first) {
        s_probe(t, c, K_LISTENER_LIFECYCLE, NULL, event->settings, false);
    }
}

static void s_on_listener_termination(void *ud) {
    struct tour *t = ud;
    aws_mutex_lock(&t->rs.lock);
    t->listener_terminated += 1;
    t->listener_order = ++t->order;
    if (t->rs.terminated) {
        t->rs.late += 1;
    }
    t->rs.counts[K_LISTENER_TERMINATION] += 1;
    t->current = K_LISTENER_TERMINATION;
    bool live = !t->rs.released;
    aws_condition_variable_notify_all(&t->rs.signal);
    aws_mutex_unlock(&t->rs.lock);
    if (!live) {
        return;
    }
    /* L's reference is gone; the test's is the last. From here the tour goes on. */
    struct aws_mqtt5_client *c = t->client;
    bool release = t->release_at == K_LISTENER_TERMINATION;
    s_probe(t, c, K_LISTENER_TERMINATION, NULL, NULL, release);
    if (release) {
        s_release_here(t, c, false);
    } else {
        s_trigger(t, c);
    }
}

/* The listeners and clients made (and released) inside probes: callbacks do nothing. */
static bool s_on_nested_listener_publish(const struct aws_mqtt5_packet_publish_view *publish, void *ud) {
    (void)publish;
    (void)ud;
    return false;
}

static void s_on_nested_listener_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    (void)event;
}

static void s_on_nested_client_publish(const struct aws_mqtt5_packet_publish_view *publish, void *ud) {
    (void)publish;
    (void)ud;
}

static void s_on_nested_listener_termination(void *ud) {
    struct tour *t = ud;
    rs_count_and_signal(&t->rs, &t->nested_listeners_terminated);
}

static void s_on_nested_client_termination(void *ud) {
    struct tour *t = ud;
    rs_count_and_signal(&t->rs, &t->nested_clients_terminated);
}

/* ------------------------------------------------------------------------------------------ */
/* One variant                                                                                */

static const char *s_type_name(int type) {
    static const char *const names[] = {"ATTEMPTING_CONNECT", "CONNECTION_SUCCESS", "CONNECTION_FAILURE",
                                        "DISCONNECTION", "STOPPED"};
    return type >= 0 && type <= 4 ? names[type] : "?";
}

/* The record, for a failed variant's log (rs_variant_end adds the broker's). */
static void s_dump(struct tour *t) {
    aws_mutex_lock(&t->rs.lock);
    fprintf(stderr, "[release inside %s] client events:", t->rs.name);
    for (int i = 0; i < t->rs.seq_len; ++i) {
        fprintf(stderr, " %s", s_type_name(t->types[i]));
    }
    fprintf(stderr, "\n  listener events:");
    for (int i = 0; i < t->listener_seq_len; ++i) {
        fprintf(stderr, " %s", s_type_name(t->listener_types[i]));
    }
    fprintf(stderr,
            "\n  released=%d listener_released=%d terminated=%d listener_terminated=%d probes=%d triggered=%d "
            "stop_requested=%d nested listeners %d/%d clients %d/%d",
            t->rs.released, t->listener_released, t->rs.terminated, t->listener_terminated, t->probes, t->triggered,
            t->stop_requested, t->nested_listeners_terminated, t->nested_listeners, t->nested_clients_terminated,
            t->nested_clients);
    rs_dump_counts(&t->rs, K_KINDS);
    aws_mutex_unlock(&t->rs.lock);
}

/* The events form a valid life: ATTEMPTING_CONNECT, then CONNECTION_FAILURE or
 * CONNECTION_SUCCESS ... DISCONNECTION; STOPPED only when neither connecting nor connected;
 * and, the client having been started and terminated, the last one is STOPPED. */
static int s_check_life(const int *types, int count) {
    enum { IDLE, CONNECTING, CONNECTED } state = IDLE;
    for (int i = 0; i < count; ++i) {
        int type = types[i];
        bool ok = false;
        switch (type) {
            case AWS_MQTT5_CLET_ATTEMPTING_CONNECT:
                ok = state == IDLE;
                state = CONNECTING;
                break;
            case AWS_MQTT5_CLET_CONNECTION_FAILURE:
                ok = state == CONNECTING;
                state = IDLE;
                break;
            case AWS_MQTT5_CLET_CONNECTION_SUCCESS:
                ok = state == CONNECTING;
                state = CONNECTED;
                break;
            case AWS_MQTT5_CLET_DISCONNECTION:
                ok = state == CONNECTED;
                state = IDLE;
                break;
            case AWS_MQTT5_CLET_STOPPED:
                ok = state == IDLE;
                break;
        }
        if (!ok) {
            fprintf(stderr, "lifecycle event %d (%s) out of order\n", i, s_type_name(type));
            return 1;
        }
    }
    CHECK(count > 0);
    CHECK_INT_EQ(types[count - 1], AWS_MQTT5_CLET_STOPPED);
    return 0;
}

static int s_check_tour(struct tour *t) {
    /* No failed EXPECT, one termination of the client and nothing after it; the tour's events
     * up to the release, then a valid life to the end. */
    int prefix = s_prefix_length(t->release_at);
    CHECK_INT_EQ(rs_check_record(&t->rs, s_tour_sequence, prefix, s_kind_name), 0);
    CHECK_INT_EQ(s_check_life(t->types, t->rs.seq_len), 0);

    if (t->listener) {
        /* L: terminated once, before the client, nothing after; it saw the client's events,
         * first (its handler runs before the client's), from the first one on. */
        CHECK_INT_EQ(t->listener_terminated, 1);
        CHECK_INT_EQ(t->listener_late, 0);
        CHECK(t->listener_order < t->client_order);
        CHECK(t->listener_seq_len >= 4);
        CHECK(t->listener_seq_len <= t->rs.seq_len);
        for (int i = 0; i < t->listener_seq_len; ++i) {
            CHECK_INT_EQ(t->listener_types[i], t->types[i]);
        }
        for (int type = AWS_MQTT5_CLET_ATTEMPTING_CONNECT; type <= AWS_MQTT5_CLET_DISCONNECTION; ++type) {
            if (!t->listener_event_probed[type]) {
                fprintf(stderr, "no probe ran inside the listener's %s\n", s_type_name(type));
                return 1;
            }
        }
    }

    /* Every kind the tour passed before the release ran its probe there. */
    for (int j = 0; j < prefix; ++j) {
        if (!t->rs.probed[s_tour_sequence[j]]) {
            fprintf(stderr, "no probe ran inside %s\n", s_kind_name[s_tour_sequence[j]]);
            return 1;
        }
    }
    if (prefix >= 7) {
        for (size_t k = 0; k < OPERATIONAL_COUNT; ++k) {
            if ((s_operational[k] != K_LISTENER_PUBLISH || t->listener) && !t->rs.probed[s_operational[k]]) {
                fprintf(stderr, "no probe ran inside %s\n", s_kind_name[s_operational[k]]);
                return 1;
            }
        }
    }
    CHECK(t->rs.probed[t->release_at]);

    /* Every accepted operation completed exactly once, every refused one never. */
    struct rs_tally ops = {0};
    for (int k = 0; k < t->op_count; ++k) {
        const struct op *op = &t->ops[k];
        bool succeeded = op->error_code == 0 && (op->kind != K_MANUAL_ACK_DONE || op->result == 0);
        if (!rs_tally(&ops, op->submitted, succeeded, op->completions)) {
            fprintf(stderr,
                    "operation %d (%s, submitted from inside %s%s) completed %d times, expected %d (error %s)\n", k,
                    s_kind_name[op->kind], s_kind_name[op->made_in],
                    op->kind == K_MANUAL_ACK_DONE && op->control_id < (1ULL << 60) ? ", an acquired PUBACK" : "",
                    op->completions, op->submitted ? 1 : 0, aws_error_name(op->error_code));
        }
    }
    CHECK_INT_EQ(ops.wrong, 0);
    CHECK_INT_EQ(t->nested_listeners_terminated, t->nested_listeners);
    CHECK_INT_EQ(t->nested_clients_terminated, t->nested_clients);
    printf("  %d probes, %d operations submitted (%d succeeded, the others failed or were cancelled as the client "
           "went), %d client events, %d listener events; %d listeners and %d clients made inside callbacks\n",
           t->probes, ops.submitted, ops.succeeded, t->rs.seq_len, t->listener_seq_len, t->nested_listeners,
           t->nested_clients);
    return 0;
}

/* The client, L and every listener and client made inside callbacks terminated (lock held). */
static bool s_all_terminated(struct tour *t) {
    return t->rs.terminated >= 1 && (!t->listener || t->listener_terminated >= 1) &&
           t->nested_listeners_terminated == t->nested_listeners && t->nested_clients_terminated == t->nested_clients;
}

/* The tour of one variant: release inside the first `release_at` callback. */
static int s_tour(int release_at) {
    struct tour *t = &s_tours[release_at];
    memset(t, 0, sizeof(*t));
    t->release_at = (enum kind)release_at;
    CHECK_INT_EQ(rs_variant_begin(&t->rs, s_kind_name[release_at], s_scenario.path), 0);
    char client_id[64];
    snprintf(client_id, sizeof(client_id), "reentry5-%d", (int)release_at);
    /* Clean sessions, reconnects after 100-500 ms, no jitter (see fx5_config_init). */
    fx5_config_init(&t->cfg, s_io.bootstrap, t->rs.broker.port, client_id, NULL);
    t->cfg.options.publish_received_handler = s_on_publish_received;
    t->cfg.options.publish_received_handler_user_data = t;
    t->cfg.options.lifecycle_event_handler = s_on_lifecycle;
    t->cfg.options.lifecycle_event_handler_user_data = t;
    t->cfg.options.client_termination_handler = s_on_termination;
    t->cfg.options.client_termination_handler_user_data = t;

    struct aws_mqtt5_client *c = aws_mqtt5_client_new(s_alloc, &t->cfg.options);
    CHECK(c != NULL);
    t->client = c;
    if (s_has_listener(release_at)) {
        struct aws_mqtt5_listener_config config = {
            .client = c,
            .listener_callbacks =
                {
                    .listener_publish_received_handler = s_on_listener_publish,
                    .listener_publish_received_handler_user_data = t,
                    .lifecycle_event_handler = s_on_listener_lifecycle,
                    .lifecycle_event_handler_user_data = t,
                },
            .termination_callback = s_on_listener_termination,
            .termination_callback_user_data = t,
        };
        t->listener = aws_mqtt5_listener_new(s_alloc, &config);
        CHECK(t->listener != NULL);
    }

    /* The main thread holds a second reference across its only API call, start, and drops it
     * before any callback can get going: every callback takes t->rs.lock first, which the main
     * thread holds until then (start and release never wait for the loop, so this cannot
     * deadlock). The callback's release is then always the test's last. */
    uint64_t begin = fx_now_ns();
    aws_mutex_lock(&t->rs.lock);
    struct aws_mqtt5_client *held = aws_mqtt5_client_acquire(c);
    int started = aws_mqtt5_client_start(c);
    struct aws_mqtt5_client *dropped = aws_mqtt5_client_release(c);
    t->rs.main_released = true;
    aws_mutex_unlock(&t->rs.lock);
    CHECK(held == c);
    CHECK_INT_EQ(started, AWS_OP_SUCCESS);
    CHECK(dropped == NULL);
    /* From here on only callbacks touch the client. */
    return rs_variant_end(&t->rs, t, begin, s_all_terminated, s_check_tour, s_dump);
}

static int test_every_api_call_from_every_callback_and_the_last_release_from_each(void) {
    return rs_run_variants(K_COUNT, s_kind_name, s_tour);
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    /* The broker's script: connection 1 refused (0x87), connection 2 ended by a server
     * DISCONNECT (0x89) after its first SUBSCRIBE, later connections served normally. */
    CHECK_INT_EQ(rs_scenario_write(&s_scenario, "/tmp/mqtt5-reentry-XXXXXX",
                                   "[connection 1]\n"
                                   "connack-code 0x87\n"
                                   "[connection 2]\n"
                                   "disconnect-on subscribe\n"
                                   "disconnect-code 0x89\n"),
                 0);

    RUN(test_every_api_call_from_every_callback_and_the_last_release_from_each);

    rs_scenario_remove(&s_scenario);
    CHECK_INT_EQ(fx_suite_end(s_alloc, &s_io), 0);
    /* Every loop thread is joined: no callback can come any more. None came after its
     * object's termination, which ran exactly once (the client's: rs_variant_joined). */
    for (int k = 0; k < K_COUNT; ++k) {
        CHECK_INT_EQ(s_tours[k].listener_late, 0);
        CHECK_INT_EQ(s_tours[k].listener_terminated, s_tours[k].listener ? 1 : 0);
        CHECK_INT_EQ(s_tours[k].nested_listeners_terminated, s_tours[k].nested_listeners);
        CHECK_INT_EQ(s_tours[k].nested_clients_terminated, s_tours[k].nested_clients);
        CHECK_INT_EQ(rs_variant_joined(&s_tours[k].rs), 0);
    }
    return 0;
}
