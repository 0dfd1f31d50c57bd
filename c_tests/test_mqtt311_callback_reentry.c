/* Every function of aws/mqtt/client.h called from inside every callback of an MQTT 3.1.1
 * connection, and the last reference released from inside each kind of callback (issue 13,
 * item 5: callbacks run with no lock held, so any API call, release included, is safe there).
 *
 * The test is one "tour" of a connection's life against the project's mqtt-test-broker, driven
 * entirely from inside callbacks (the main thread only connects once and then waits, with a
 * bounded condition-variable wait, for the termination handler):
 *
 *   connect             the broker refuses connection 1 (CONNACK return code 5)
 *   K_COMPLETE_ERR      on_connection_complete(AWS_ERROR_MQTT_PROTOCOL_ERROR, 5)
 *   K_FAILURE           on_connection_failure; connects again from inside it
 *   K_COMPLETE_OK       on_connection_complete of that connect (connection 2); subscribes tour/#
 *   K_SUCCESS           on_connection_success
 *                       the broker hangs up connection 2 on its first PINGREQ, which the probe of
 *                       K_COMPLETE_OK sent
 *   K_INTERRUPTED       on_interrupted
 *   K_RESUMED           on_resumed (connection 3, clean_session=false: session present), then
 *                       on_connection_success again
 *   K_ON_PUBLISH, K_ON_ANY_PUBLISH, K_PUBLISH_DONE, K_SUBACK, K_SUBACK_MULTI, K_RESUBACK,
 *   K_UNSUBACK          the operations the probes submitted complete and their messages come
 *                       back; once each of these ran (and the connection resumed), the callback
 *                       that completed the set issues the variant's trigger
 *   K_ON_DISCONNECT     a trigger message's on_publish called disconnect
 *   K_ON_CLOSED         on_closed; connects again from inside it (connection 4)
 *   K_COMPLETE_AFTER_CLOSED  on_connection_complete of that connect
 *
 * In each of those callbacks the "probe" (s_probe) calls every public function of client.h:
 * acquire + release, get_stats, every setter, publish at QoS 0/1/2, subscribe,
 * subscribe_single, subscribe_multiple, unsubscribe, resubscribe_existing_topics, ping,
 * reconnect, connect, disconnect (where it cannot end the tour), invalid arguments, a new
 * connection made and destroyed (aws_mqtt_client_connection_new, _destroy), and a client
 * reference taken and dropped (aws_mqtt_client_acquire, _release; the client-level setup
 * functions _new, _init and _clean_up are not called there). Each result is checked against
 * what the connection's state in that callback allows (see s_probe); a failure must be
 * AWS_OP_ERR (or packet id 0) with the documented error, never a crash or a hang. Probes run
 * in the first callback of each kind only, so the messages they publish (which come back
 * through their own subscriptions) do not feed an endless chain.
 *
 * The tour runs once per kind K: that variant releases the only reference from inside the
 * first K callback (after probing it, with set_http_proxy_options and use_websockets, which
 * would change later connects, called for real too). After the release no callback calls the
 * API (the caller gave its reference up); the callbacks the release still causes are recorded.
 *
 * Checked per variant: every operation whose call returned a packet id completed exactly once,
 * every refused one never; each subscription's cleanup ran exactly once (none for
 * subscribe_single, which has none); the lifecycle callbacks came in the tour's order
 * (on_connection_complete before on_connection_success or on_connection_failure,
 * on_interrupted before on_resumed, on_disconnect before on_closed) up to the release, and only
 * the ones the release may cause after it; the termination handler ran exactly once and no
 * callback ran after it (checked again once every loop thread is joined); every connection
 * made inside a callback terminated; nothing leaked (the suite's tracing allocator ends at 0).
 *
 * Not called: aws_mqtt_client_connection_subscribe_local, which v0.16.2's client.h no longer
 * has (nor does this library's). */
#include "reentry_support.h"

#include <aws/common/array_list.h>
#include <aws/http/proxy.h>

static struct aws_allocator *s_alloc;
static struct fx_io s_io;
static struct aws_mqtt_client *s_client;
static struct rs_scenario s_scenario;

/* ------------------------------------------------------------------------------------------ */
/* The callbacks of the tour, in the order the tour meets them                                */

enum kind {
    K_COMPLETE_ERR,
    K_FAILURE,
    K_COMPLETE_OK,
    K_SUCCESS,
    K_INTERRUPTED,
    K_RESUMED,
    K_ON_PUBLISH,
    K_ON_ANY_PUBLISH,
    K_PUBLISH_DONE,
    K_SUBACK,
    K_SUBACK_MULTI,
    K_RESUBACK,
    K_UNSUBACK,
    K_ON_DISCONNECT,
    K_ON_CLOSED,
    K_COMPLETE_AFTER_CLOSED,
    K_COUNT,
};

static const char *const s_kind_name[K_COUNT] = {
    "on_connection_complete(refused)",
    "on_connection_failure",
    "on_connection_complete(accepted)",
    "on_connection_success",
    "on_interrupted",
    "on_resumed",
    "subscription on_publish",
    "on_any_publish",
    "publish completion",
    "subscribe completion (suback)",
    "subscribe_multiple completion (suback_multi)",
    "resubscribe_existing_topics completion (suback_multi)",
    "unsubscribe completion",
    "on_disconnect",
    "on_closed",
    "on_connection_complete(connect from on_closed)",
};

/* The kinds whose probes must all have run on the resumed connection before the variant's
 * trigger goes out. */
#define K_FIRST_OPERATIONAL K_ON_PUBLISH
#define K_LAST_OPERATIONAL K_UNSUBACK

/* The lifecycle callbacks of a whole tour, in order (the last three only when the variant
 * goes that far); ints, as rs_check_record compares them. */
static const int s_tour_sequence[] = {K_COMPLETE_ERR,  K_FAILURE,     K_COMPLETE_OK,
                                      K_SUCCESS,       K_INTERRUPTED, K_RESUMED,
                                      K_SUCCESS,       K_ON_DISCONNECT, K_ON_CLOSED,
                                      K_COMPLETE_AFTER_CLOSED, K_SUCCESS};

/* What a callback knows about the connection's state when it runs. */
enum state {
    S_CONNECTED,    /* on_connection_complete(0), on_connection_success, on_resumed */
    S_RECONNECTING, /* on_interrupted: the reconnect timer runs */
    S_DISCONNECTED, /* a failed connect's callbacks, on_disconnect, on_closed */
    S_UNKNOWN,      /* messages and completions: connected, or already on the way down */
};

/* ------------------------------------------------------------------------------------------ */
/* The record                                                                                 */

#define MAX_OPS 2048
#define MAX_SUBS 1024

struct tour;

/* One submitted operation; its completion's user data. */
struct op {
    struct tour *t;
    enum kind kind;   /* the completion callback it has */
    bool submitted;   /* the call returned a packet id */
    bool trigger;     /* the variant releases inside this completion */
    uint16_t packet_id;
    int completions;  /* must end at 1 when submitted, 0 otherwise */
    int error_code;
};

/* One subscription's on_publish user data (and cleanup argument). */
struct sub {
    struct tour *t;
    bool base;        /* the tour's tour/# subscription: acts on the trigger topics */
    bool has_cleanup; /* subscribe_single takes no cleanup */
    bool accepted;    /* the call returned a packet id */
    int cleanups;     /* must end at 1 when accepted with a cleanup, 0 otherwise */
};

struct tour {
    /* Lock, broker, release, termination, failures, per-kind counts and probes, and the
     * lifecycle callbacks (rs.seq, as kinds): see reentry_support.h. */
    struct rs_tour rs;
    _Static_assert(K_COUNT <= RS_MAX_KINDS, "rs counts and probes every kind");
    enum kind release_at;
    char client_id[64];
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options;

    int completes;      /* on_connection_complete calls */
    int probes;
    bool triggered;
    bool disconnect_called;
    int interrupted_error;

    struct op ops[MAX_OPS];
    int op_count;
    struct sub subs[MAX_SUBS];
    int sub_count;

    int nested_created;    /* connections made (and released) inside callbacks */
    int nested_terminated;
};

static struct tour s_tours[K_COUNT];

#define WANT_OK (-1)  /* the call must succeed */
#define WANT_ANY (-2) /* success, or a failure with one of the call's allowed codes */

/* Checks one call's outcome: `ok` whether it succeeded (AWS_OP_SUCCESS, or a packet id). */
static void s_outcome(struct tour *t, const char *where, int line, const char *call, bool ok, int want,
                      const int *allowed) {
    int error = ok ? 0 : aws_last_error();
    char detail[256];
    if (want == WANT_OK && !ok) {
        snprintf(detail, sizeof(detail), "%s inside %s failed with %s", call, where, aws_error_name(error));
        rs_fail(&t->rs, line, "unexpected failure:", detail);
    } else if (want >= 0 && (ok || error != want)) {
        snprintf(detail, sizeof(detail), "%s inside %s: %s, expected failure with %s", call, where,
                 ok ? "succeeded" : aws_error_name(error), aws_error_name(want));
        rs_fail(&t->rs, line, "wrong outcome:", detail);
    } else if (want == WANT_ANY && !ok) {
        bool known = false;
        for (int i = 0; allowed && allowed[i]; ++i) {
            known |= allowed[i] == error;
        }
        if (!known) {
            snprintf(detail, sizeof(detail), "%s inside %s failed with %s", call, where, aws_error_name(error));
            rs_fail(&t->rs, line, "unexpected error:", detail);
        }
    }
}

#define CALL_RC(t, where, want, allowed, call)                                                     \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        int rc_ = (call);                                                                          \
        if (rc_ != AWS_OP_SUCCESS && rc_ != AWS_OP_ERR) {                                          \
            rs_fail(&(t)->rs, __LINE__, "neither AWS_OP_SUCCESS nor AWS_OP_ERR:", #call);          \
        }                                                                                          \
        s_outcome((t), (where), __LINE__, #call, rc_ == AWS_OP_SUCCESS, (want), (allowed));        \
    } while (0)

/* Operations: the packet id (0 on failure) goes into the op slot. */
#define CALL_ID(t, where, want, allowed, slot, call)                                               \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        uint16_t id_ = (call);                                                                     \
        s_submitted((t), (slot), id_);                                                             \
        s_outcome((t), (where), __LINE__, #call, id_ != 0, (want), (allowed));                     \
    } while (0)

/* A slot is filled in before its address goes to any call, so no callback reads it earlier. */
static struct op *s_op_new(struct tour *t, enum kind kind, bool trigger) {
    struct op *op = &t->ops[rs_take_slot(&t->rs, &t->op_count, MAX_OPS, "operation")];
    op->t = t;
    op->kind = kind;
    op->trigger = trigger;
    return op;
}

static struct sub *s_sub_new(struct tour *t, bool base, bool has_cleanup) {
    struct sub *sub = &t->subs[rs_take_slot(&t->rs, &t->sub_count, MAX_SUBS, "subscription")];
    sub->t = t;
    sub->base = base;
    sub->has_cleanup = has_cleanup;
    return sub;
}

/* Records the packet id a call returned for `op` (and for the subscriptions it carries). */
static void s_submitted(struct tour *t, struct op *op, uint16_t id) {
    aws_mutex_lock(&t->rs.lock);
    if (op) {
        op->submitted = id != 0;
        op->packet_id = id;
    }
    aws_mutex_unlock(&t->rs.lock);
}

static void s_accept(struct tour *t, struct sub *sub, uint16_t id) {
    aws_mutex_lock(&t->rs.lock);
    sub->accepted = id != 0;
    aws_mutex_unlock(&t->rs.lock);
}

/* Releases the connection's only reference from inside a callback. The main thread dropped its
 * own (it held one across connect) while holding t->rs.lock, so this one is the last. */
static void s_release_here(struct tour *t, struct aws_mqtt_client_connection *c) {
    rs_mark_released(&t->rs);
    aws_mqtt_client_connection_release(c);
}

/* ------------------------------------------------------------------------------------------ */
/* The probe: every function of client.h from inside a callback                               */

static void s_on_publish(struct aws_mqtt_client_connection *, const struct aws_byte_cursor *,
                         const struct aws_byte_cursor *, bool, enum aws_mqtt_qos, bool, void *);
static void s_on_any_publish(struct aws_mqtt_client_connection *, const struct aws_byte_cursor *,
                             const struct aws_byte_cursor *, bool, enum aws_mqtt_qos, bool, void *);
static void s_on_cleanup(void *);
static void s_on_op_complete(struct aws_mqtt_client_connection *, uint16_t, int, void *);
static void s_on_suback(struct aws_mqtt_client_connection *, uint16_t, const struct aws_byte_cursor *,
                        enum aws_mqtt_qos, int, void *);
static void s_on_suback_multi(struct aws_mqtt_client_connection *, uint16_t, const struct aws_array_list *, int,
                              void *);
static void s_on_success(struct aws_mqtt_client_connection *, enum aws_mqtt_connect_return_code, bool, void *);
static void s_on_failure(struct aws_mqtt_client_connection *, int, void *);
static void s_on_interrupted(struct aws_mqtt_client_connection *, int, void *);
static void s_on_resumed(struct aws_mqtt_client_connection *, enum aws_mqtt_connect_return_code, bool, void *);
static void s_on_closed(struct aws_mqtt_client_connection *, struct on_connection_closed_data *, void *);
static void s_on_disconnect(struct aws_mqtt_client_connection *, void *);
static void s_on_termination(void *);
static void s_on_nested_termination(void *);

/* Configuration calls work when disconnected or connected, and fail with
 * AWS_ERROR_INVALID_STATE otherwise (client.h: set_will, set_login; the other setters share the
 * rule; README: unlike upstream, also from inside callbacks). */
static int s_want_config(enum state st) {
    switch (st) {
        case S_CONNECTED:
        case S_DISCONNECTED:
            return WANT_OK;
        case S_RECONNECTING:
            return AWS_ERROR_INVALID_STATE;
        default:
            return WANT_ANY;
    }
}

/* QoS 1/2 publishes, subscribes and unsubscribes are queued while not connected (the offline
 * queue); only a disconnect in progress refuses them. */
static int s_want_queued(enum state st) {
    return st == S_UNKNOWN ? WANT_ANY : WANT_OK;
}

/* QoS 0 publishes and pings need a connection: AWS_ERROR_MQTT_NOT_CONNECTED otherwise. */
static int s_want_connected_only(enum state st) {
    switch (st) {
        case S_CONNECTED:
            return WANT_OK;
        case S_RECONNECTING:
        case S_DISCONNECTED:
            return AWS_ERROR_MQTT_NOT_CONNECTED;
        default:
            return WANT_ANY;
    }
}

static const int s_config_errors[] = {AWS_ERROR_INVALID_STATE, 0};
static const int s_queued_errors[] = {AWS_ERROR_MQTT_CONNECTION_DISCONNECTING, 0};
static const int s_connected_only_errors[] = {AWS_ERROR_MQTT_NOT_CONNECTED, AWS_ERROR_MQTT_CONNECTION_DISCONNECTING, 0};

/* Calls every function of client.h on `c` from inside the callback `where`, which knows the
 * state `st`. `terminal`: the callback releases the connection right after, so calls that
 * would change later connects (proxy, WebSocket) are made for real. `connect_here`: the tour
 * connects from this callback (the state is disconnected), so connect must succeed. */
static void s_probe(struct tour *t, struct aws_mqtt_client_connection *c, enum kind where, enum state st,
                    bool terminal, bool connect_here) {
    const char *w = s_kind_name[where];
    aws_mutex_lock(&t->rs.lock);
    int i = t->probes++;
    t->rs.probed[where] = true;
    aws_mutex_unlock(&t->rs.lock);
    char text[128];

    /* References: acquire returns the connection; the matching release is not the last. */
    aws_reset_error();
    EXPECT(t, aws_mqtt_client_connection_acquire(c) == c);
    aws_mqtt_client_connection_release(c);
    struct aws_mqtt_client *client = aws_mqtt_client_acquire(s_client);
    EXPECT(t, client == s_client);
    aws_mqtt_client_release(client);

    /* Statistics can always be read. */
    struct aws_mqtt_connection_operation_statistics stats;
    CALL_RC(t, w, WANT_OK, NULL, aws_mqtt_client_connection_get_stats(c, &stats));

    /* The setters: each installs what the tour already uses (handlers) or what does not
     * disturb it (will, login, metrics, resolution, backoff). */
    int config = s_want_config(st);
    snprintf(text, sizeof(text), "will/%s", t->client_id);
    struct aws_byte_cursor will_topic = fx_cur(text);
    struct aws_byte_cursor will_payload = fx_cur("gone");
    CALL_RC(t, w, config, s_config_errors,
            aws_mqtt_client_connection_set_will(c, &will_topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &will_payload));
    struct aws_byte_cursor user = fx_cur("reentry");
    struct aws_byte_cursor password = fx_cur("secret");
    CALL_RC(t, w, config, s_config_errors, aws_mqtt_client_connection_set_login(c, &user, &password));
    CALL_RC(t, w, config, s_config_errors, aws_mqtt_client_connection_set_reconnect_timeout(c, 1, 1));
    CALL_RC(t, w, config, s_config_errors,
            aws_mqtt_client_connection_set_connection_result_handlers(c, s_on_success, t, s_on_failure, t));
    CALL_RC(t, w, config, s_config_errors,
            aws_mqtt_client_connection_set_connection_interruption_handlers(c, s_on_interrupted, t, s_on_resumed,
                                                                            t));
    CALL_RC(t, w, config, s_config_errors, aws_mqtt_client_connection_set_connection_closed_handler(c, s_on_closed, t));
    CALL_RC(t, w, config, s_config_errors,
            aws_mqtt_client_connection_set_connection_termination_handler(c, s_on_termination, t));
    struct aws_host_resolution_config resolution = {
        .impl = aws_default_dns_resolve,
        .max_ttl = 30,
        .resolve_frequency_ns = 1000000000ULL,
    };
    CALL_RC(t, w, config, s_config_errors, aws_mqtt_client_connection_set_host_resolution_options(c, &resolution));
    struct aws_mqtt_iot_metrics metrics = {.library_name = fx_cur("reentry-test")};
    CALL_RC(t, w, config, s_config_errors, aws_mqtt_client_connection_set_metrics(c, &metrics));
    /* on_any_publish cannot change while connected, "publishes may arrive anytime" (upstream's
     * rule: refused only in the connected state). */
    int any_publish = st == S_CONNECTED ? AWS_ERROR_INVALID_STATE : st == S_UNKNOWN ? WANT_ANY : WANT_OK;
    CALL_RC(t, w, any_publish, s_config_errors,
            aws_mqtt_client_connection_set_on_any_publish_handler(c, s_on_any_publish, t));
    /* NULL proxy options: refused with AWS_ERROR_INVALID_ARGUMENT in every state. */
    CALL_RC(t, w, AWS_ERROR_INVALID_ARGUMENT, NULL, aws_mqtt_client_connection_set_http_proxy_options(c, NULL));
    if (terminal) {
        /* No connect follows: a proxy and WebSockets may be set for real. */
        struct aws_http_proxy_options proxy = {
            .connection_type = AWS_HPCT_HTTP_TUNNEL,
            .host = fx_cur("127.0.0.1"),
            .port = 9,
        };
        CALL_RC(t, w, config, s_config_errors, aws_mqtt_client_connection_set_http_proxy_options(c, &proxy));
        CALL_RC(t, w, config, s_config_errors, aws_mqtt_client_connection_use_websockets(c, NULL, NULL, NULL, NULL));
    }

    /* Publishes at each QoS, to a topic the probe's own subscription (below) brings back. */
    for (int qos = 0; qos <= 2; ++qos) {
        snprintf(text, sizeof(text), "tour/p%d/q%d", i, qos);
        struct aws_byte_cursor topic = fx_cur(text);
        struct aws_byte_cursor payload = fx_cur(w);
        struct op *op = s_op_new(t, K_PUBLISH_DONE, false);
        int want = qos == 0 ? s_want_connected_only(st) : s_want_queued(st);
        CALL_ID(t, w, want, qos == 0 ? s_connected_only_errors : s_queued_errors, op,
                aws_mqtt_client_connection_publish(c, &topic, (enum aws_mqtt_qos)qos, false, &payload,
                                                   s_on_op_complete, op));
    }
    /* An invalid topic is refused in every state, before anything is queued. */
    struct aws_byte_cursor wildcard = fx_cur("tour/#");
    struct op *refused = s_op_new(t, K_PUBLISH_DONE, false);
    CALL_ID(t, w, AWS_ERROR_MQTT_INVALID_TOPIC, NULL, refused,
            aws_mqtt_client_connection_publish(c, &wildcard, AWS_MQTT_QOS_AT_LEAST_ONCE, false, NULL,
                                               s_on_op_complete, refused));

    /* subscribe with a cleanup, subscribe_single without one, subscribe_multiple. */
    int queued = s_want_queued(st);
    snprintf(text, sizeof(text), "tour/p%d/#", i);
    struct aws_byte_cursor filter = fx_cur(text);
    struct sub *sub = s_sub_new(t, false, true);
    struct op *op = s_op_new(t, K_SUBACK, false);
    aws_reset_error();
    uint16_t id = aws_mqtt_client_connection_subscribe(c, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, s_on_publish, sub,
                                                       s_on_cleanup, s_on_suback, op);
    s_accept(t, sub, id);
    s_submitted(t, op, id);
    s_outcome(t, w, __LINE__, "aws_mqtt_client_connection_subscribe", id != 0, queued, s_queued_errors);

    snprintf(text, sizeof(text), "tour/p%d/single", i);
    struct aws_byte_cursor single = fx_cur(text);
    sub = s_sub_new(t, false, false);
    op = s_op_new(t, K_SUBACK, false);
    aws_reset_error();
    id = aws_mqtt_client_connection_subscribe_single(c, &single, AWS_MQTT_QOS_AT_MOST_ONCE, s_on_publish, sub,
                                                     s_on_suback, op);
    s_accept(t, sub, id);
    s_submitted(t, op, id);
    s_outcome(t, w, __LINE__, "aws_mqtt_client_connection_subscribe_single", id != 0, queued, s_queued_errors);

    struct aws_array_list topics;
    EXPECT(t, aws_array_list_init_dynamic(&topics, s_alloc, 2, sizeof(struct aws_mqtt_topic_subscription)) ==
                  AWS_OP_SUCCESS);
    char multi_text[2][64];
    struct sub *multi_subs[2];
    for (int m = 0; m < 2; ++m) {
        snprintf(multi_text[m], sizeof(multi_text[m]), "tour/p%d/m%d", i, m);
        multi_subs[m] = s_sub_new(t, false, true);
        struct aws_mqtt_topic_subscription topic_sub = {
            .topic = fx_cur(multi_text[m]),
            .qos = m == 0 ? AWS_MQTT_QOS_AT_LEAST_ONCE : AWS_MQTT_QOS_EXACTLY_ONCE,
            .on_publish = s_on_publish,
            .on_cleanup = s_on_cleanup,
            .on_publish_ud = multi_subs[m],
        };
        EXPECT(t, aws_array_list_push_back(&topics, &topic_sub) == AWS_OP_SUCCESS);
    }
    op = s_op_new(t, K_SUBACK_MULTI, false);
    aws_reset_error();
    id = aws_mqtt_client_connection_subscribe_multiple(c, &topics, s_on_suback_multi, op);
    s_accept(t, multi_subs[0], id);
    s_accept(t, multi_subs[1], id);
    s_submitted(t, op, id);
    s_outcome(t, w, __LINE__, "aws_mqtt_client_connection_subscribe_multiple", id != 0, queued, s_queued_errors);
    aws_array_list_clean_up(&topics);

    /* An invalid filter is refused: no packet id, no subscription (so no cleanup either). */
    struct aws_byte_cursor bad_filter = fx_cur("tour/#/x");
    sub = s_sub_new(t, false, true);
    op = s_op_new(t, K_SUBACK, false);
    aws_reset_error();
    id = aws_mqtt_client_connection_subscribe(c, &bad_filter, AWS_MQTT_QOS_AT_LEAST_ONCE, s_on_publish, sub,
                                              s_on_cleanup, s_on_suback, op);
    s_accept(t, sub, id);
    s_submitted(t, op, id);
    s_outcome(t, w, __LINE__, "aws_mqtt_client_connection_subscribe(invalid filter)", id != 0,
              AWS_ERROR_MQTT_INVALID_TOPIC, NULL);

    /* Unsubscribe what subscribe_single added; subscribe everything again. */
    op = s_op_new(t, K_UNSUBACK, false);
    CALL_ID(t, w, queued, s_queued_errors, op,
            aws_mqtt_client_connection_unsubscribe(c, &single, s_on_op_complete, op));
    op = s_op_new(t, K_RESUBACK, false);
    CALL_ID(t, w, queued, s_queued_errors, op, aws_mqtt_resubscribe_existing_topics(c, s_on_suback_multi, op));

    /* ping: connected only. reconnect: deprecated upstream, always refused. */
    CALL_RC(t, w, s_want_connected_only(st), s_connected_only_errors, aws_mqtt_client_connection_ping(c));
    CALL_RC(t, w, AWS_ERROR_UNSUPPORTED_OPERATION, NULL, aws_mqtt_client_connection_reconnect(c, NULL, NULL));

    /* disconnect: refused when disconnected (AWS_ERROR_MQTT_NOT_CONNECTED). Elsewhere it would
     * end the tour: the trigger message calls it (see s_on_publish). */
    if (st == S_DISCONNECTED) {
        CALL_RC(t, w, AWS_ERROR_MQTT_NOT_CONNECTED, NULL, aws_mqtt_client_connection_disconnect(c, NULL, NULL));
    }

    /* connect: where the tour connects, it must succeed; while connected or reconnecting it is
     * AWS_ERROR_MQTT_ALREADY_CONNECTED; elsewhere only its argument check runs (NULL options:
     * AWS_ERROR_INVALID_ARGUMENT), so as not to reconnect a connection the tour wants down. */
    if (connect_here) {
        CALL_RC(t, w, WANT_OK, NULL, aws_mqtt_client_connection_connect(c, &t->options));
    } else if (st == S_CONNECTED || st == S_RECONNECTING) {
        CALL_RC(t, w, AWS_ERROR_MQTT_ALREADY_CONNECTED, NULL, aws_mqtt_client_connection_connect(c, &t->options));
    } else {
        CALL_RC(t, w, AWS_ERROR_INVALID_ARGUMENT, NULL, aws_mqtt_client_connection_connect(c, NULL));
    }

    /* A connection made and released inside the callback terminates on its own. */
    struct aws_mqtt_client_connection *nested = aws_mqtt_client_connection_new(s_client);
    EXPECT(t, nested != NULL);
    if (nested) {
        CALL_RC(t, w, WANT_OK, NULL,
                aws_mqtt_client_connection_set_connection_termination_handler(nested, s_on_nested_termination, t));
        aws_mutex_lock(&t->rs.lock);
        t->nested_created += 1;
        aws_mutex_unlock(&t->rs.lock);
        aws_mqtt_client_connection_destroy(nested);
    }
}

/* Once every operational callback kind ran a probe on the resumed connection, the callback that
 * completed the set sends the variant's trigger (once). Triggers are sent from inside callbacks
 * too, so no API call of the main thread can race with the release they cause. */
static void s_maybe_trigger(struct tour *t, struct aws_mqtt_client_connection *c) {
    aws_mutex_lock(&t->rs.lock);
    bool ready = !t->triggered && t->rs.counts[K_RESUMED] >= 1;
    for (int k = K_FIRST_OPERATIONAL; k <= K_LAST_OPERATIONAL; ++k) {
        ready = ready && t->rs.probed[k];
    }
    if (ready) {
        t->triggered = true;
    }
    aws_mutex_unlock(&t->rs.lock);
    if (!ready) {
        return;
    }
    const char *w = "the trigger";
    struct aws_byte_cursor payload = fx_cur("trigger");
    struct op *op = NULL;
    struct aws_byte_cursor topic;
    switch (t->release_at) {
        case K_ON_PUBLISH:
            topic = fx_cur("tour/trigger/release");
            break;
        case K_ON_ANY_PUBLISH:
            topic = fx_cur("tour/trigger/release-any");
            break;
        case K_PUBLISH_DONE:
            topic = fx_cur("tour/trigger/done");
            op = s_op_new(t, K_PUBLISH_DONE, true);
            break;
        case K_SUBACK: {
            struct aws_byte_cursor filter = fx_cur("tour/trigger/suback");
            op = s_op_new(t, K_SUBACK, true);
            struct sub *sub = s_sub_new(t, false, true);
            aws_reset_error();
            uint16_t id = aws_mqtt_client_connection_subscribe(c, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, s_on_publish,
                                                               sub, s_on_cleanup, s_on_suback, op);
            s_accept(t, sub, id);
            s_submitted(t, op, id);
            s_outcome(t, w, __LINE__, "aws_mqtt_client_connection_subscribe", id != 0, WANT_OK, NULL);
            return;
        }
        case K_SUBACK_MULTI: {
            struct aws_array_list topics;
            EXPECT(t, aws_array_list_init_dynamic(&topics, s_alloc, 1, sizeof(struct aws_mqtt_topic_subscription)) ==
                          AWS_OP_SUCCESS);
            struct sub *sub = s_sub_new(t, false, true);
            struct aws_mqtt_topic_subscription topic_sub = {
                .topic = fx_cur("tour/trigger/multi"),
                .qos = AWS_MQTT_QOS_AT_LEAST_ONCE,
                .on_publish = s_on_publish,
                .on_cleanup = s_on_cleanup,
                .on_publish_ud = sub,
            };
            EXPECT(t, aws_array_list_push_back(&topics, &topic_sub) == AWS_OP_SUCCESS);
            op = s_op_new(t, K_SUBACK_MULTI, true);
            aws_reset_error();
            uint16_t id = aws_mqtt_client_connection_subscribe_multiple(c, &topics, s_on_suback_multi, op);
            s_accept(t, sub, id);
            s_submitted(t, op, id);
            s_outcome(t, w, __LINE__, "aws_mqtt_client_connection_subscribe_multiple", id != 0, WANT_OK, NULL);
            aws_array_list_clean_up(&topics);
            return;
        }
        case K_RESUBACK:
            op = s_op_new(t, K_RESUBACK, true);
            CALL_ID(t, w, WANT_OK, NULL, op, aws_mqtt_resubscribe_existing_topics(c, s_on_suback_multi, op));
            return;
        case K_UNSUBACK: {
            struct aws_byte_cursor filter = fx_cur("tour/trigger/none");
            op = s_op_new(t, K_UNSUBACK, true);
            CALL_ID(t, w, WANT_OK, NULL, op, aws_mqtt_client_connection_unsubscribe(c, &filter, s_on_op_complete, op));
            return;
        }
        default:
            /* K_ON_DISCONNECT, K_ON_CLOSED, K_COMPLETE_AFTER_CLOSED: disconnect inside on_publish. */
            topic = fx_cur("tour/trigger/disconnect");
            break;
    }
    if (!op) {
        op = s_op_new(t, K_PUBLISH_DONE, false);
    }
    CALL_ID(t, w, WANT_OK, NULL, op,
            aws_mqtt_client_connection_publish(c, &topic, AWS_MQTT_QOS_AT_LEAST_ONCE, false, &payload,
                                               s_on_op_complete, op));
}

/* ------------------------------------------------------------------------------------------ */
/* The callbacks                                                                              */

/* The common end of a callback of `kind` the tour may release in: the probe (first of its
 * kind, or the releasing one), the release, or the trigger check. */
static void s_visit(struct tour *t, struct aws_mqtt_client_connection *c, enum kind kind, enum state st,
                    bool connect_here) {
    bool release = t->release_at == kind;
    if (rs_first(&t->rs, kind) || release) {
        s_probe(t, c, kind, st, release, connect_here && !release);
    }
    if (release) {
        s_release_here(t, c);
    } else {
        s_maybe_trigger(t, c);
    }
}

static void s_on_complete(struct aws_mqtt_client_connection *c, int error_code,
                          enum aws_mqtt_connect_return_code return_code, bool session_present, void *ud) {
    struct tour *t = ud;
    aws_mutex_lock(&t->rs.lock);
    int n = ++t->completes;
    aws_mutex_unlock(&t->rs.lock);
    enum kind kind = error_code ? K_COMPLETE_ERR : n <= 2 ? K_COMPLETE_OK : K_COMPLETE_AFTER_CLOSED;
    if (!rs_enter(&t->rs, kind, true)) {
        return;
    }
    if (kind == K_COMPLETE_ERR) {
        /* Connection 1: the broker's CONNACK refused with return code 5 (README: the code reaches
         * on_connection_complete, with upstream's AWS_ERROR_MQTT_PROTOCOL_ERROR). */
        EXPECT(t, n == 1);
        EXPECT(t, error_code == AWS_ERROR_MQTT_PROTOCOL_ERROR);
        EXPECT(t, return_code == AWS_MQTT_CONNECT_NOT_AUTHORIZED);
        EXPECT(t, !session_present);
        s_visit(t, c, kind, S_DISCONNECTED, false);
        return;
    }
    EXPECT(t, return_code == AWS_MQTT_CONNECT_ACCEPTED);
    if (kind == K_COMPLETE_OK) {
        /* Connection 2, clean_session=false: the broker had no session for this client yet. */
        EXPECT(t, !session_present);
        /* The tour's own subscription: the trigger topics and every probe's messages. */
        struct aws_byte_cursor filter = fx_cur("tour/#");
        struct sub *base = s_sub_new(t, true, true);
        struct op *op = s_op_new(t, K_SUBACK, false);
        CALL_ID(t, "on_connection_complete", WANT_OK, NULL, op,
                aws_mqtt_client_connection_subscribe(c, &filter, AWS_MQTT_QOS_AT_LEAST_ONCE, s_on_publish, base,
                                                     s_on_cleanup, s_on_suback, op));
        s_accept(t, base, op->packet_id);
    } else {
        /* Connection 4: connection 3 ended with DISCONNECT, the session stayed. */
        EXPECT(t, session_present);
    }
    s_visit(t, c, kind, S_CONNECTED, false);
}

static void s_on_success(struct aws_mqtt_client_connection *c, enum aws_mqtt_connect_return_code return_code,
                         bool session_present, void *ud) {
    struct tour *t = ud;
    (void)session_present;
    aws_mutex_lock(&t->rs.lock);
    bool first = t->rs.counts[K_SUCCESS] == 0;
    aws_mutex_unlock(&t->rs.lock);
    if (!rs_enter(&t->rs, K_SUCCESS, true)) {
        return;
    }
    EXPECT(t, return_code == AWS_MQTT_CONNECT_ACCEPTED);
    if (first) {
        s_visit(t, c, K_SUCCESS, S_CONNECTED, false);
    } else {
        s_maybe_trigger(t, c);
    }
}

static void s_on_failure(struct aws_mqtt_client_connection *c, int error_code, void *ud) {
    struct tour *t = ud;
    if (!rs_enter(&t->rs, K_FAILURE, true)) {
        return;
    }
    EXPECT(t, error_code == AWS_ERROR_MQTT_PROTOCOL_ERROR);
    /* A failed first connect is final: the tour connects again from here (connection 2). */
    s_visit(t, c, K_FAILURE, S_DISCONNECTED, true);
}

static void s_on_interrupted(struct aws_mqtt_client_connection *c, int error_code, void *ud) {
    struct tour *t = ud;
    if (!rs_enter(&t->rs, K_INTERRUPTED, true)) {
        return;
    }
    aws_mutex_lock(&t->rs.lock);
    t->interrupted_error = error_code;
    aws_mutex_unlock(&t->rs.lock);
    EXPECT(t, error_code != AWS_ERROR_SUCCESS);
    s_visit(t, c, K_INTERRUPTED, S_RECONNECTING, false);
}

static void s_on_resumed(struct aws_mqtt_client_connection *c, enum aws_mqtt_connect_return_code return_code,
                         bool session_present, void *ud) {
    struct tour *t = ud;
    if (!rs_enter(&t->rs, K_RESUMED, true)) {
        return;
    }
    EXPECT(t, return_code == AWS_MQTT_CONNECT_ACCEPTED);
    /* clean_session=false: the broker kept connection 2's session. */
    EXPECT(t, session_present);
    s_visit(t, c, K_RESUMED, S_CONNECTED, false);
}

static void s_on_publish(struct aws_mqtt_client_connection *c, const struct aws_byte_cursor *topic,
                         const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                         void *ud) {
    struct sub *sub = ud;
    struct tour *t = sub->t;
    (void)payload;
    (void)dup;
    (void)qos;
    (void)retain;
    if (!rs_enter(&t->rs, K_ON_PUBLISH, false)) {
        return;
    }
    if (sub->base && aws_byte_cursor_eq_c_str(topic, "tour/trigger/release")) {
        EXPECT(t, t->release_at == K_ON_PUBLISH);
        s_probe(t, c, K_ON_PUBLISH, S_UNKNOWN, true, false);
        s_release_here(t, c);
        return;
    }
    if (sub->base && aws_byte_cursor_eq_c_str(topic, "tour/trigger/disconnect")) {
        aws_mutex_lock(&t->rs.lock);
        bool first = !t->disconnect_called;
        t->disconnect_called = true;
        aws_mutex_unlock(&t->rs.lock);
        if (first) {
            /* Connected: disconnect from inside on_publish succeeds; on_disconnect and on_closed
             * follow. */
            CALL_RC(t, "on_publish", WANT_OK, NULL, aws_mqtt_client_connection_disconnect(c, s_on_disconnect, t));
        }
        return;
    }
    if (aws_byte_cursor_eq_c_str(topic, "tour/trigger/release-any")) {
        return; /* for on_any_publish */
    }
    if (rs_first(&t->rs, K_ON_PUBLISH)) {
        s_probe(t, c, K_ON_PUBLISH, S_UNKNOWN, false, false);
    }
    s_maybe_trigger(t, c);
}

static void s_on_any_publish(struct aws_mqtt_client_connection *c, const struct aws_byte_cursor *topic,
                             const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                             void *ud) {
    struct tour *t = ud;
    (void)payload;
    (void)dup;
    (void)qos;
    (void)retain;
    if (!rs_enter(&t->rs, K_ON_ANY_PUBLISH, false)) {
        return;
    }
    if (aws_byte_cursor_eq_c_str(topic, "tour/trigger/release-any")) {
        EXPECT(t, t->release_at == K_ON_ANY_PUBLISH);
        s_probe(t, c, K_ON_ANY_PUBLISH, S_UNKNOWN, true, false);
        s_release_here(t, c);
        return;
    }
    if (rs_first(&t->rs, K_ON_ANY_PUBLISH)) {
        s_probe(t, c, K_ON_ANY_PUBLISH, S_UNKNOWN, false, false);
    }
    s_maybe_trigger(t, c);
}

static void s_on_cleanup(void *ud) {
    struct sub *sub = ud;
    struct tour *t = sub->t;
    aws_mutex_lock(&t->rs.lock);
    if (t->rs.terminated) {
        t->rs.late += 1;
    }
    sub->cleanups += 1;
    aws_mutex_unlock(&t->rs.lock);
}

/* Records a completion; true when the test may still call the API. */
static bool s_completed(struct op *op, uint16_t packet_id, int error_code) {
    struct tour *t = op->t;
    aws_mutex_lock(&t->rs.lock);
    op->completions += 1;
    op->error_code = error_code;
    bool same_id = !op->submitted || op->packet_id == packet_id;
    aws_mutex_unlock(&t->rs.lock);
    EXPECT(t, same_id);
    /* Acked, or failed because the connection went away. */
    EXPECT(t, error_code == AWS_ERROR_SUCCESS || error_code == AWS_ERROR_MQTT_CONNECTION_DESTROYED ||
                  error_code == AWS_ERROR_MQTT_CANCELLED_FOR_CLEAN_SESSION ||
                  error_code == AWS_ERROR_MQTT_NOT_CONNECTED);
    return rs_enter(&t->rs, op->kind, false);
}

static void s_completion(struct op *op, struct aws_mqtt_client_connection *c) {
    struct tour *t = op->t;
    if (op->trigger) {
        EXPECT(t, t->release_at == op->kind);
        s_probe(t, c, op->kind, S_UNKNOWN, true, false);
        s_release_here(t, c);
        return;
    }
    if (rs_first(&t->rs, op->kind)) {
        s_probe(t, c, op->kind, S_UNKNOWN, false, false);
    }
    s_maybe_trigger(t, c);
}

static void s_on_op_complete(struct aws_mqtt_client_connection *c, uint16_t packet_id, int error_code, void *ud) {
    struct op *op = ud;
    if (s_completed(op, packet_id, error_code)) {
        s_completion(op, c);
    }
}

static void s_on_suback(struct aws_mqtt_client_connection *c, uint16_t packet_id, const struct aws_byte_cursor *topic,
                        enum aws_mqtt_qos qos, int error_code, void *ud) {
    struct op *op = ud;
    (void)qos;
    EXPECT(op->t, topic != NULL);
    if (s_completed(op, packet_id, error_code)) {
        s_completion(op, c);
    }
}

static void s_on_suback_multi(struct aws_mqtt_client_connection *c, uint16_t packet_id,
                              const struct aws_array_list *topic_subacks, int error_code, void *ud) {
    struct op *op = ud;
    EXPECT(op->t, topic_subacks != NULL);
    if (s_completed(op, packet_id, error_code)) {
        s_completion(op, c);
    }
}

static void s_on_disconnect(struct aws_mqtt_client_connection *c, void *ud) {
    struct tour *t = ud;
    if (!rs_enter(&t->rs, K_ON_DISCONNECT, true)) {
        return;
    }
    s_visit(t, c, K_ON_DISCONNECT, S_DISCONNECTED, false);
}

static void s_on_closed(struct aws_mqtt_client_connection *c, struct on_connection_closed_data *data, void *ud) {
    struct tour *t = ud;
    if (!rs_enter(&t->rs, K_ON_CLOSED, true)) {
        return;
    }
    EXPECT(t, data == NULL);
    /* Connects again from here (connection 4) when the variant goes on to
     * K_COMPLETE_AFTER_CLOSED. */
    s_visit(t, c, K_ON_CLOSED, S_DISCONNECTED, t->release_at == K_COMPLETE_AFTER_CLOSED);
}

static void s_on_termination(void *ud) {
    struct tour *t = ud;
    rs_count_and_signal(&t->rs, &t->rs.terminated);
}

static void s_on_nested_termination(void *ud) {
    struct tour *t = ud;
    rs_count_and_signal(&t->rs, &t->nested_terminated);
}

/* ------------------------------------------------------------------------------------------ */
/* One variant                                                                                */

/* The record, for a failed variant's log (rs_variant_end adds the broker's). */
static void s_dump(struct tour *t) {
    aws_mutex_lock(&t->rs.lock);
    fprintf(stderr, "[release inside %s] lifecycle:", t->rs.name);
    for (int i = 0; i < t->rs.seq_len; ++i) {
        fprintf(stderr, " %s", s_kind_name[t->rs.seq[i]]);
    }
    fprintf(stderr, "\n  released=%d terminated=%d probes=%d triggered=%d interrupted_error=%s", t->rs.released,
            t->rs.terminated, t->probes, t->triggered, aws_error_name(t->interrupted_error));
    rs_dump_counts(&t->rs, K_COUNT);
    aws_mutex_unlock(&t->rs.lock);
}

/* How many lifecycle entries of s_tour_sequence come up to and including the release point. */
static int s_prefix_length(enum kind release_at) {
    if (release_at >= K_FIRST_OPERATIONAL && release_at <= K_LAST_OPERATIONAL) {
        return 7; /* ... on_resumed, on_connection_success; then the trigger */
    }
    const int lengths[K_COUNT] = {
        [K_COMPLETE_ERR] = 1, [K_FAILURE] = 2,     [K_COMPLETE_OK] = 3,   [K_SUCCESS] = 4,
        [K_INTERRUPTED] = 5,  [K_RESUMED] = 6,     [K_ON_DISCONNECT] = 8, [K_ON_CLOSED] = 9,
        [K_COMPLETE_AFTER_CLOSED] = 10,
    };
    return lengths[release_at];
}

static int s_check_tour(struct tour *t) {
    /* No failed EXPECT, one termination and nothing after it; the lifecycle callbacks: the
     * tour's order up to the release... */
    int prefix = s_prefix_length(t->release_at);
    CHECK_INT_EQ(rs_check_record(&t->rs, s_tour_sequence, prefix, s_kind_name), 0);
    /* ...then only what the release may still cause, in order: the on_connection_failure that
     * follows a refused on_connection_complete, the on_connection_success that follows an
     * accepted one or on_resumed, and the on_closed of the disconnect the release makes (or of
     * the disconnect on_disconnect reported). */
    int i = prefix;
    if (i < t->rs.seq_len && t->rs.seq[i] == K_FAILURE) {
        CHECK_INT_EQ(t->release_at, K_COMPLETE_ERR);
        ++i;
    }
    if (i < t->rs.seq_len && t->rs.seq[i] == K_SUCCESS) {
        CHECK(t->release_at == K_COMPLETE_OK || t->release_at == K_RESUMED ||
              t->release_at == K_COMPLETE_AFTER_CLOSED);
        ++i;
    }
    if (i < t->rs.seq_len && t->rs.seq[i] == K_ON_CLOSED) {
        ++i;
    }
    if (i != t->rs.seq_len) {
        fprintf(stderr, "after the release: %s\n", s_kind_name[t->rs.seq[i]]);
        return 1;
    }
    /* Every callback kind the tour passed before the release ran its probe there. */
    for (int k = 0; k < K_COUNT; ++k) {
        bool passed = false;
        for (int j = 0; j < prefix; ++j) {
            passed |= s_tour_sequence[j] == k;
        }
        if (t->release_at >= K_FIRST_OPERATIONAL && k >= K_FIRST_OPERATIONAL && k <= K_LAST_OPERATIONAL) {
            passed = true;
        }
        if (t->release_at > K_LAST_OPERATIONAL && k >= K_FIRST_OPERATIONAL && k <= K_LAST_OPERATIONAL) {
            passed = true;
        }
        if (passed && !t->rs.probed[k]) {
            fprintf(stderr, "no probe ran inside %s\n", s_kind_name[k]);
            return 1;
        }
    }
    CHECK(t->rs.probed[t->release_at]);

    /* Every operation completed exactly once; every refused one never. */
    struct rs_tally ops = {0};
    for (int k = 0; k < t->op_count; ++k) {
        const struct op *op = &t->ops[k];
        if (!rs_tally(&ops, op->submitted, op->error_code == AWS_ERROR_SUCCESS, op->completions)) {
            fprintf(stderr, "operation %d (%s, packet id %u) completed %d times, expected %d\n", k,
                    s_kind_name[op->kind], (unsigned)op->packet_id, op->completions, op->submitted ? 1 : 0);
        }
    }
    CHECK_INT_EQ(ops.wrong, 0);
    /* Each subscription's cleanup ran exactly once (none without a cleanup or a packet id). */
    for (int k = 0; k < t->sub_count; ++k) {
        const struct sub *sub = &t->subs[k];
        int expected = sub->accepted && sub->has_cleanup ? 1 : 0;
        if (sub->cleanups != expected) {
            fprintf(stderr, "subscription %d: cleanup ran %d times, expected %d\n", k, sub->cleanups, expected);
            return 1;
        }
    }
    CHECK_INT_EQ(t->nested_terminated, t->nested_created);
    printf("  %d probes, %d operations submitted (%d succeeded, the others failed when the connection went), "
           "%d subscriptions, %d lifecycle callbacks\n",
           t->probes, ops.submitted, ops.succeeded, t->sub_count, t->rs.seq_len);
    return 0;
}

/* The variant's connection and the nested ones made inside callbacks all terminated (lock held). */
static bool s_all_terminated(struct tour *t) {
    return t->rs.terminated >= 1 && t->nested_terminated == t->nested_created;
}

/* The tour of one variant: release inside the first `release_at` callback. */
static int s_tour(int release_at) {
    struct tour *t = &s_tours[release_at];
    memset(t, 0, sizeof(*t));
    t->release_at = (enum kind)release_at;
    CHECK_INT_EQ(rs_variant_begin(&t->rs, s_kind_name[release_at], s_scenario.path), 0);
    snprintf(t->client_id, sizeof(t->client_id), "reentry311-%d", (int)release_at);
    t->socket.type = AWS_SOCKET_STREAM;
    t->socket.domain = AWS_SOCKET_IPV4;
    t->socket.connect_timeout_ms = 3000;
    t->options = (struct aws_mqtt_connection_options){
        .host_name = fx_cur("127.0.0.1"),
        .port = (uint32_t)t->rs.broker.port,
        .socket_options = &t->socket,
        .client_id = fx_cur(t->client_id),
        .keep_alive_time_secs = 30,
        .ping_timeout_ms = 3000,
        .on_connection_complete = s_on_complete,
        .user_data = t,
        /* The broker keeps the session across the hang-up and the disconnect: queued and
         * unacknowledged operations are resent, not cancelled. */
        .clean_session = false,
    };

    struct aws_mqtt_client_connection *c = aws_mqtt_client_connection_new(s_client);
    CHECK(c != NULL);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_connection_result_handlers(c, s_on_success, t, s_on_failure, t),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(
        aws_mqtt_client_connection_set_connection_interruption_handlers(c, s_on_interrupted, t, s_on_resumed, t),
        AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_connection_closed_handler(c, s_on_closed, t), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_on_any_publish_handler(c, s_on_any_publish, t), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_connection_termination_handler(c, s_on_termination, t),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_reconnect_timeout(c, 1, 1), AWS_OP_SUCCESS);

    /* The main thread holds a second reference across its only API call, connect, and drops
     * it before any callback can get going: every callback takes t->rs.lock first, which the main
     * thread holds until then (connect and release never wait for the loop, so this cannot
     * deadlock). The callback's release is then always the last. */
    uint64_t start = fx_now_ns();
    aws_mutex_lock(&t->rs.lock);
    struct aws_mqtt_client_connection *held = aws_mqtt_client_connection_acquire(c);
    int connected = aws_mqtt_client_connection_connect(c, &t->options);
    aws_mqtt_client_connection_release(c);
    t->rs.main_released = true;
    aws_mutex_unlock(&t->rs.lock);
    CHECK(held == c);
    CHECK_INT_EQ(connected, AWS_OP_SUCCESS);
    /* From here on only callbacks touch the connection. */
    return rs_variant_end(&t->rs, t, start, s_all_terminated, s_check_tour, s_dump);
}

static int test_every_api_call_from_every_callback_and_the_last_release_from_each(void) {
    return rs_run_variants(K_COUNT, s_kind_name, s_tour);
}

int main(void) {
    CHECK_INT_EQ(fx_suite_begin(&s_alloc, &s_io), 0);
    s_client = aws_mqtt_client_new(s_alloc, s_io.bootstrap);
    CHECK(s_client != NULL);
    /* The broker's script: connection 1 refused, connection 2 hung up on its first PINGREQ,
     * later connections served normally. */
    CHECK_INT_EQ(rs_scenario_write(&s_scenario, "/tmp/mqtt311-reentry-XXXXXX",
                                   "[connection 1]\n"
                                   "connack-code 5\n"
                                   "[connection 2]\n"
                                   "hangup-on pingreq\n"),
                 0);

    RUN(test_every_api_call_from_every_callback_and_the_last_release_from_each);

    rs_scenario_remove(&s_scenario);
    aws_mqtt_client_release(s_client);
    CHECK_INT_EQ(fx_suite_end(s_alloc, &s_io), 0);
    /* Every loop thread is joined: no callback can come any more. None came after its
     * connection's termination handler, which ran exactly once, and the nested connections
     * all terminated. */
    for (int k = 0; k < K_COUNT; ++k) {
        CHECK_INT_EQ(s_tours[k].nested_terminated, s_tours[k].nested_created);
        CHECK_INT_EQ(rs_variant_joined(&s_tours[k].rs), 0);
    }
    return 0;
}
