/* Keep-alive while the broker floods the client: a client must send its PINGREQ within the
 * keep-alive interval however much it receives, since a broker closes a silent client after
 * 1.5 times the keep alive ([MQTT-3.1.2-23], [MQTT-3.1.2-24]; MQTT 5 [MQTT-3.1.2-20],
 * [MQTT-3.1.2-22]). The flood is QoS 0, so the client sends nothing but PINGREQs.
 *
 * mqtt-test-broker floods the client with QoS 0 PUBLISHes for FLOOD_MS right after its CONNACK
 * (--flood-after 1) while reading, answering and logging what the client sends; the client's
 * publish handler takes HANDLER_NS per message, so it always has bytes waiting to be read (the
 * broker writes faster). A client that reads until its socket is empty before running its
 * timers never gets to its keep-alive timer: the broker would log no PINGREQ during the flood
 * and close the connection for keep-alive timeout after 3 s. Upstream sends its PINGREQs at 2,
 * 4 and 6 s.
 */
#include "mqtt5_fixture.h"

#include <stdatomic.h>

#define KEEP_ALIVE_SECS 2
#define FLOOD_MS 7000
#define HANDLER_NS 10000ULL

/* Busy for HANDLER_NS: a slow consumer, whatever the machine. */
static void s_slow_down(void) {
    uint64_t until = fx_now_ns() + HANDLER_NS;
    while (fx_now_ns() < until) {
    }
}

/* Written on the loop thread, read by the test once the flood is over. */
static atomic_int s_messages;

static void s_on_any_publish_311(struct aws_mqtt_client_connection *connection, const struct aws_byte_cursor *topic,
                                 const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                                 void *userdata) {
    (void)connection, (void)topic, (void)payload, (void)dup, (void)qos, (void)retain, (void)userdata;
    atomic_fetch_add(&s_messages, 1);
    s_slow_down();
}

static void s_on_publish_5(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)publish, (void)user_data;
    atomic_fetch_add(&s_messages, 1);
    s_slow_down();
}

/* The "ms" field of a log line. */
static long s_ms(const char *line) {
    const char *at = strstr(line, "\"ms\":");
    return at ? strtol(at + 5, NULL, 10) : -1;
}

/* Checks the broker's log once the flood is over: the PINGREQs it read during the flood, no
 * keep-alive close. */
static int s_check_pings(struct fx_broker *b) {
    /* The flood ends, or the broker closes the connection first. */
    uint64_t deadline = fx_now_ns() + (FLOOD_MS + 10000) * 1000000ULL;
    while (fx_log_count(b, FX_FRAGMENTS("\"event\":\"flood\"")) == 0 &&
           fx_log_count(b, FX_FRAGMENTS("\"event\":\"close\"")) == 0 && fx_now_ns() < deadline) {
        fx_sleep_ms(50);
    }
    char closed[512];
    if (fx_log_find(b, FX_FRAGMENTS("\"event\":\"close\""), closed, sizeof(closed))) {
        fprintf(stderr, "the broker closed the connection during the flood: %s\n", closed);
    }
    CHECK_INT_EQ(fx_log_count(b, FX_FRAGMENTS("\"event\":\"close\"")), 0);
    char flood[512];
    CHECK(fx_log_find(b, FX_FRAGMENTS("\"event\":\"flood\""), flood, sizeof(flood)));
    long end = s_ms(flood);
    char *text = fx_read_file(b->log);
    CHECK(text != NULL);
    long connack = -1;
    int pings = 0;
    long last = 0;
    long worst_gap = 0;
    for (char *line = text; *line;) {
        char *next = strchr(line, '\n');
        if (next) {
            *next = '\0';
        }
        if (strstr(line, "\"dir\":\"out\"") && strstr(line, "\"type\":\"CONNACK\"")) {
            connack = s_ms(line);
            last = connack;
        }
        if (strstr(line, "\"dir\":\"in\"") && strstr(line, "\"type\":\"PINGREQ\"") && s_ms(line) <= end) {
            pings += 1;
            worst_gap = s_ms(line) - last > worst_gap ? s_ms(line) - last : worst_gap;
            last = s_ms(line);
        }
        line = next ? next + 1 : line + strlen(line);
    }
    free(text);
    printf("  flood of %ld ms: %d PINGREQs, the longest silence %ld ms, %d messages handled\n", end - connack, pings,
           worst_gap, atomic_load(&s_messages));
    CHECK(connack >= 0);
    /* 7 s with a 2 s keep alive: PINGREQs near 2, 4 and 6 s; at least two, each within the
     * 1.5 x the broker allows. */
    CHECK(pings >= 2);
    CHECK(worst_gap <= KEEP_ALIVE_SECS * 1500);
    CHECK(atomic_load(&s_messages) > 0);
    return 0;
}

static const char *const s_flood_args[] = {"--flood-after", "1", "7000", NULL};

static int test_mqtt311_pings_on_time_while_flooded(struct aws_allocator *alloc, struct fx_io *io) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, s_flood_args), 0);
    struct aws_mqtt_client *client = aws_mqtt_client_new(alloc, io->bootstrap);
    CHECK(client != NULL);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *connection = NULL;
    CHECK_INT_EQ(fx_connection_new(client, &connection, &ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_on_any_publish_handler(connection, s_on_any_publish_311, NULL),
                 AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, b.port, "flooded-311", &ev);
    options.keep_alive_time_secs = KEEP_ALIVE_SECS;
    options.ping_timeout_ms = 1000;
    atomic_store(&s_messages, 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(connection, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete >= 1, 10000);
    CHECK_INT_EQ(ev.complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(s_check_pings(&b), 0);
    aws_mutex_lock(&ev.lock);
    int interrupted = ev.interrupted;
    aws_mutex_unlock(&ev.lock);
    CHECK_INT_EQ(interrupted, 0);
    CHECK_INT_EQ(fx_disconnect_and_release(connection, &ev), 0);
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(client);
    fx_broker_stop(&b);
    return 0;
}

static int test_mqtt5_pings_on_time_while_flooded(struct aws_allocator *alloc, struct fx_io *io) {
    struct fx_broker b;
    CHECK_INT_EQ(fx_broker_start(&b, s_flood_args), 0);
    struct fx5_events ev;
    struct fx5_config c;
    fx5_setup(&ev, &c, io->bootstrap, b.port, "flooded-5");
    c.connect.keep_alive_interval_seconds = KEEP_ALIVE_SECS;
    c.options.ping_timeout_ms = 1000;
    c.options.publish_received_handler = s_on_publish_5;
    c.options.publish_received_handler_user_data = NULL;
    atomic_store(&s_messages, 0);
    struct aws_mqtt5_client *client = NULL;
    CHECK_INT_EQ(fx5_connect(alloc, &c, &ev, &client), 0);
    CHECK_INT_EQ(s_check_pings(&b), 0);
    CHECK_INT_EQ(fx5_count(&ev, AWS_MQTT5_CLET_DISCONNECTION), 0);
    CHECK_INT_EQ(fx5_finish_and_clean_up(client, &ev), 0);
    fx_broker_stop(&b);
    return 0;
}

/* Fairness: a connection flooded by its broker does not starve another connection on the same
 * loop (the suite's event-loop group has one thread): the quiet MQTT 5 client keeps sending its
 * PINGREQs on time, next to a flooded 3.1.1 connection, for the whole flood. */
static int test_a_flooded_connection_does_not_starve_another_on_the_same_loop(struct aws_allocator *alloc,
                                                                               struct fx_io *io) {
    struct fx_broker flood;
    CHECK_INT_EQ(fx_broker_start(&flood, s_flood_args), 0);
    struct fx_broker quiet;
    CHECK_INT_EQ(fx_broker_start(&quiet, NULL), 0);
    /* The quiet client first, so its keep-alive runs through the whole flood. */
    struct fx5_events ev5;
    struct fx5_config c;
    fx5_setup(&ev5, &c, io->bootstrap, quiet.port, "quiet-5");
    c.connect.keep_alive_interval_seconds = KEEP_ALIVE_SECS;
    c.options.ping_timeout_ms = 1000;
    struct aws_mqtt5_client *quiet_client = NULL;
    CHECK_INT_EQ(fx5_connect(alloc, &c, &ev5, &quiet_client), 0);
    struct aws_mqtt_client *client = aws_mqtt_client_new(alloc, io->bootstrap);
    CHECK(client != NULL);
    struct fx_events ev;
    fx_events_init(&ev);
    struct aws_mqtt_client_connection *flooded = NULL;
    CHECK_INT_EQ(fx_connection_new(client, &flooded, &ev), 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_on_any_publish_handler(flooded, s_on_any_publish_311, NULL),
                 AWS_OP_SUCCESS);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, flood.port, "flooding-311", &ev);
    atomic_store(&s_messages, 0);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(flooded, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(&ev, ev.complete >= 1, 10000);
    uint64_t flood_start = fx_now_ns();
    /* The flood ends. */
    uint64_t deadline = flood_start + (FLOOD_MS + 10000) * 1000000ULL;
    while (fx_log_count(&flood, FX_FRAGMENTS("\"event\":\"flood\"")) == 0 && fx_now_ns() < deadline) {
        fx_sleep_ms(50);
    }
    CHECK(fx_log_count(&flood, FX_FRAGMENTS("\"event\":\"flood\"")) == 1);
    uint64_t flood_ms = (fx_now_ns() - flood_start) / 1000000ULL;
    /* The quiet broker read a PINGREQ every keep alive during the flood: at least
     * flood / keep alive - 1 of them, and the client never lost its connection. */
    int pings = fx_log_count(&quiet, FX_FRAGMENTS("\"dir\":\"in\"", "\"type\":\"PINGREQ\""));
    printf("  next to a flood of %llu ms: the quiet client sent %d PINGREQs, %d messages handled\n",
           (unsigned long long)flood_ms, pings, atomic_load(&s_messages));
    CHECK(atomic_load(&s_messages) > 0);
    CHECK(pings >= (int)(flood_ms / (KEEP_ALIVE_SECS * 1000)) - 1);
    CHECK_INT_EQ(fx_log_count(&quiet, FX_FRAGMENTS("\"event\":\"close\"")), 0);
    CHECK_INT_EQ(fx5_count(&ev5, AWS_MQTT5_CLET_DISCONNECTION), 0);
    CHECK_INT_EQ(fx_disconnect_and_release(flooded, &ev), 0);
    fx_events_clean_up(&ev);
    aws_mqtt_client_release(client);
    CHECK_INT_EQ(fx5_finish_and_clean_up(quiet_client, &ev5), 0);
    fx_broker_stop(&flood);
    fx_broker_stop(&quiet);
    return 0;
}

int main(void) {
    struct aws_allocator *alloc = NULL;
    struct fx_io io;
    CHECK_INT_EQ(fx_suite_begin(&alloc, &io), 0);
    CHECK_INT_EQ(test_mqtt311_pings_on_time_while_flooded(alloc, &io), 0);
    CHECK_INT_EQ(test_mqtt5_pings_on_time_while_flooded(alloc, &io), 0);
    CHECK_INT_EQ(test_a_flooded_connection_does_not_starve_another_on_the_same_loop(alloc, &io), 0);
    return fx_suite_end(alloc, &io);
}
