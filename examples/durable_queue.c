/* A publishing process killed with SIGKILL loses nothing it accepted: the MQTT 5 client with a
 * durable store (aws/mqtt/ext/durable_store.h, beyond upstream).
 *
 * usage: durable_queue HOST PORT [STORE_DIR]
 *
 * The program plays three parts. It subscribes to aws-c-mqtt/durable itself; it runs a copy of
 * itself that publishes 2,000 numbered QoS 1 messages through a client whose store is STORE_DIR
 * (default: a new directory under /tmp), and kills that copy with SIGKILL once 500 publishes
 * were accepted; then it runs a second copy with the same store, which restores what the first
 * left unacknowledged and resends it before anything new (the broker kept the session: clean
 * start off, a session expiry). Each publish the killed copy accepted must reach the
 * subscriber (QoS 1: at least once; a resend may arrive twice).
 *
 * Exit code: 0 when every accepted message arrived, 1 otherwise.
 *
 * The part to copy is in publisher(): aws_mqtt_ext_mqtt5_client_set_store right after
 * aws_mqtt5_client_new, before the first start. */
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
#include <aws/mqtt/ext/durable_store.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_client.h>

#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define TOPIC "aws-c-mqtt/durable"
#define COUNT 2000
#define KILL_AFTER 500
#define TIMEOUT_NS (20ULL * 1000000000ULL)

/* What the callbacks report, guarded by the mutex; main() waits on the condition variable. */
struct state {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    int connected;
    int stopped;
    int terminated;
    int received[COUNT];
    int end;
    int restored_done;
    int restored_failed;
    int end_done;
    int subscribed;
};

static struct state s = {.lock = AWS_MUTEX_INIT, .signal = AWS_CONDITION_VARIABLE_INIT};

static void s_update(void (*change)(void *), void *arg) {
    aws_mutex_lock(&s.lock);
    change(arg);
    aws_condition_variable_notify_all(&s.signal);
    aws_mutex_unlock(&s.lock);
}

/* Waits until *value (read under the lock) reaches `at_least`; false on timeout. */
static bool s_wait(const int *value, int at_least) {
    uint64_t deadline = 0;
    aws_high_res_clock_get_ticks(&deadline);
    deadline += TIMEOUT_NS;
    aws_mutex_lock(&s.lock);
    for (;;) {
        uint64_t now = 0;
        aws_high_res_clock_get_ticks(&now);
        if (*value >= at_least || now >= deadline) {
            bool reached = *value >= at_least;
            aws_mutex_unlock(&s.lock);
            return reached;
        }
        aws_condition_variable_wait_for(&s.signal, &s.lock, (int64_t)(deadline - now));
    }
}

static void s_increment(void *counter) {
    *(int *)counter += 1;
}

static void s_on_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    if (event->event_type == AWS_MQTT5_CLET_CONNECTION_SUCCESS) {
        s_update(s_increment, &s.connected);
    } else if (event->event_type == AWS_MQTT5_CLET_STOPPED) {
        s_update(s_increment, &s.stopped);
    }
}

static void s_on_terminated(void *user_data) {
    (void)user_data;
    s_update(s_increment, &s.terminated);
}

static void s_count_message(void *publish) {
    const struct aws_mqtt5_packet_publish_view *p = publish;
    char text[16] = {0};
    memcpy(text, p->payload.ptr, p->payload.len < sizeof(text) - 1 ? p->payload.len : sizeof(text) - 1);
    if (strcmp(text, "end") == 0) {
        s.end += 1;
    } else if (atoi(text) >= 0 && atoi(text) < COUNT) {
        s.received[atoi(text)] += 1;
    }
}

static void s_on_message(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)user_data;
    s_update(s_count_message, (void *)publish);
}

static void s_count_restored(void *failed) {
    s.restored_done += 1;
    s.restored_failed += *(int *)failed != 0;
}

/* A publish the store restored was acknowledged (error_code 0) or failed. */
static void s_on_restored_complete(const struct aws_mqtt_ext_recovered_publish *publish, int error_code,
                                   void *user_data) {
    (void)publish, (void)user_data;
    s_update(s_count_restored, &error_code);
}

static void s_on_end_complete(enum aws_mqtt5_packet_type type, const void *packet, int error_code, void *user_data) {
    (void)type, (void)packet, (void)error_code, (void)user_data;
    s_update(s_increment, &s.end_done);
}

static void s_on_suback(const struct aws_mqtt5_packet_suback_view *suback, int error_code, void *user_data) {
    (void)suback, (void)user_data;
    if (error_code == 0) {
        s_update(s_increment, &s.subscribed);
    }
}

/* Everything a client needs, and the client: session kept for an hour, rejoined from the first
 * CONNECT (the previous process's session is the one to resume). */
struct setup {
    struct aws_event_loop_group *group;
    struct aws_host_resolver *resolver;
    struct aws_client_bootstrap *bootstrap;
    struct aws_socket_options socket;
    struct aws_mqtt5_packet_connect_view connect;
    struct aws_mqtt5_client_options options;
    uint32_t session_expiry;
};

static struct aws_mqtt5_client *s_client_new(struct aws_allocator *alloc, struct setup *u, const char *host,
                                             int port, const char *client_id) {
    u->group = aws_event_loop_group_new_default(alloc, 1, NULL);
    struct aws_host_resolver_default_options resolver = {.el_group = u->group, .max_entries = 4};
    u->resolver = aws_host_resolver_new_default(alloc, &resolver);
    struct aws_client_bootstrap_options bootstrap = {.event_loop_group = u->group, .host_resolver = u->resolver};
    u->bootstrap = aws_client_bootstrap_new(alloc, &bootstrap);
    u->socket = (struct aws_socket_options){
        .type = AWS_SOCKET_STREAM, .domain = AWS_SOCKET_IPV4, .connect_timeout_ms = 3000};
    u->session_expiry = 3600;
    u->connect = (struct aws_mqtt5_packet_connect_view){
        .client_id = aws_byte_cursor_from_c_str(client_id),
        .keep_alive_interval_seconds = 30,
        .session_expiry_interval_seconds = &u->session_expiry,
    };
    u->options = (struct aws_mqtt5_client_options){
        .host_name = aws_byte_cursor_from_c_str(host),
        .port = (uint32_t)port,
        .bootstrap = u->bootstrap,
        .socket_options = &u->socket,
        .connect_options = &u->connect,
        .session_behavior = AWS_MQTT5_CSBT_REJOIN_ALWAYS,
        .publish_received_handler = s_on_message,
        .lifecycle_event_handler = s_on_lifecycle,
        .client_termination_handler = s_on_terminated,
    };
    return aws_mqtt5_client_new(alloc, &u->options);
}

static int s_client_finish(struct aws_mqtt5_client *client, struct setup *u) {
    aws_mqtt5_client_stop(client, NULL, NULL);
    bool stopped = s_wait(&s.stopped, 1);
    aws_mqtt5_client_release(client);
    bool terminated = s_wait(&s.terminated, 1);
    aws_client_bootstrap_release(u->bootstrap);
    aws_host_resolver_release(u->resolver);
    aws_event_loop_group_release(u->group);
    return stopped && terminated ? 0 : 1;
}

/* The publishing process. "publish": COUNT numbered messages, each index printed once the call
 * returned (the message is in the store then); it is killed before it ends. "resume": restore
 * the store, print how many publishes it held, wait for them, publish "end". */
static int publisher(const char *host, int port, const char *dir, bool resume) {
    struct aws_allocator *alloc = aws_default_allocator();
    aws_mqtt_library_init(alloc);
    struct setup u;
    struct aws_mqtt5_client *client = s_client_new(alloc, &u, host, port, "durable-queue-example");
    if (!client) {
        return 1;
    }
    struct aws_mqtt_ext_store_options store = {
        .directory = aws_byte_cursor_from_c_str(dir),
        /* A process that is killed loses nothing either way; "always" also survives a power cut,
         * at the cost of an fsync per publish. */
        .fsync_policy = AWS_MQTT_EXT_FSYNC_INTERVAL,
        .fsync_interval_ms = 100,
        .on_recovered_publish_complete = s_on_restored_complete,
    };
    struct aws_mqtt_ext_store_status status;
    if (aws_mqtt_ext_mqtt5_client_set_store(client, &store, &status) != AWS_OP_SUCCESS) {
        fprintf(stderr, "set_store: %s\n", aws_error_name(aws_last_error()));
        return 1;
    }
    if (resume) {
        printf("restored %d publishes from %s\n", (int)status.recovered_publish_count, dir);
        fflush(stdout);
    }
    aws_mqtt5_client_start(client);
    if (!s_wait(&s.connected, 1)) {
        return 1;
    }
    if (resume) {
        bool all = s_wait(&s.restored_done, (int)status.recovered_publish_count);
        struct aws_mqtt5_packet_publish_view end = {
            .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
            .topic = aws_byte_cursor_from_c_str(TOPIC),
            .payload = aws_byte_cursor_from_c_str("end"),
        };
        struct aws_mqtt5_publish_completion_options done = {.completion_callback = s_on_end_complete};
        aws_mqtt5_client_publish(client, &end, &done);
        bool ended = s_wait(&s.end_done, 1);
        printf("%d restored publishes acknowledged, %d failed\n", s.restored_done, s.restored_failed);
        return s_client_finish(client, &u) || !all || !ended || s.restored_failed;
    }
    for (int i = 0; i < COUNT; ++i) {
        char text[16];
        snprintf(text, sizeof(text), "%d", i);
        struct aws_mqtt5_packet_publish_view publish = {
            .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE,
            .topic = aws_byte_cursor_from_c_str(TOPIC),
            .payload = aws_byte_cursor_from_c_str(text),
        };
        if (aws_mqtt5_client_publish(client, &publish, NULL) != AWS_OP_SUCCESS) {
            return 1;
        }
        printf("%d\n", i);
        fflush(stdout);
    }
    pause(); /* the demo kills this process */
    return 1;
}

/* Runs this program as a publisher; its output comes back on *out. */
static pid_t s_spawn(const char *self, char *const *args, FILE **out) {
    int fds[2];
    if (pipe(fds) != 0) {
        return -1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    pid_t pid = -1;
    if (posix_spawn(&pid, self, &actions, NULL, args, environ) != 0) {
        pid = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    *out = fdopen(fds[0], "r");
    return pid;
}

int main(int argc, char **argv) {
    if (argc == 5) {
        return publisher(argv[1], atoi(argv[2]), argv[3], strcmp(argv[4], "resume") == 0);
    }
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT [STORE_DIR]\n", argv[0]);
        return 1;
    }
    char dir[256] = "/tmp/durable-queue-XXXXXX";
    bool own_dir = argc == 3;
    if (!own_dir) {
        snprintf(dir, sizeof(dir), "%s", argv[3]);
    } else if (!mkdtemp(dir)) {
        return 1;
    }

    /* The subscriber, in this process. */
    struct aws_allocator *alloc = aws_default_allocator();
    aws_mqtt_library_init(alloc);
    struct setup u;
    struct aws_mqtt5_client *subscriber = s_client_new(alloc, &u, argv[1], atoi(argv[2]), "durable-queue-subscriber");
    if (!subscriber || aws_mqtt5_client_start(subscriber) != AWS_OP_SUCCESS || !s_wait(&s.connected, 1)) {
        fprintf(stderr, "the subscriber did not connect\n");
        return 1;
    }
    struct aws_mqtt5_subscription_view subscription = {
        .topic_filter = aws_byte_cursor_from_c_str(TOPIC), .qos = AWS_MQTT5_QOS_AT_LEAST_ONCE};
    struct aws_mqtt5_packet_subscribe_view subscribe = {.subscriptions = &subscription, .subscription_count = 1};
    struct aws_mqtt5_subscribe_completion_options subscribed = {.completion_callback = s_on_suback};
    if (aws_mqtt5_client_subscribe(subscriber, &subscribe, &subscribed) != AWS_OP_SUCCESS ||
        !s_wait(&s.subscribed, 1)) {
        fprintf(stderr, "the subscription failed\n");
        return 1;
    }

    /* The first publisher, killed in the middle of its burst. */
    char *args[] = {argv[0], argv[1], argv[2], dir, "publish", NULL};
    FILE *out = NULL;
    pid_t pid = s_spawn(argv[0], args, &out);
    int accepted = -1, index = 0;
    while (pid > 0 && accepted < KILL_AFTER && fscanf(out, "%d", &index) == 1) {
        accepted = index;
    }
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    while (out && fscanf(out, "%d", &index) == 1) {
        accepted = index; /* what it printed before it died was accepted too */
    }
    if (out) {
        fclose(out);
    }
    printf("killed the publisher (SIGKILL) after %d accepted publishes\n", accepted + 1);

    /* The second publisher, on the same store. */
    args[4] = "resume";
    pid = s_spawn(argv[0], args, &out);
    char line[128];
    while (pid > 0 && fgets(line, sizeof(line), out)) {
        printf("  publisher: %s", line);
    }
    int status = 1;
    if (pid > 0) {
        waitpid(pid, &status, 0);
        fclose(out);
    }

    bool ended = s_wait(&s.end, 1);
    aws_mutex_lock(&s.lock);
    int missing = 0, twice = 0;
    for (int i = 0; i <= accepted && i < COUNT; ++i) {
        missing += s.received[i] == 0;
        twice += s.received[i] > 1;
    }
    aws_mutex_unlock(&s.lock);
    printf("subscriber: %d of %d accepted messages missing, %d received twice (allowed at QoS 1)\n", missing,
           accepted + 1, twice);
    s.stopped = s.terminated = 0;
    int finished = s_client_finish(subscriber, &u);
    aws_mqtt_library_clean_up();
    if (own_dir) {
        char log[300];
        snprintf(log, sizeof(log), "%s/publish.log", dir);
        unlink(log);
        rmdir(dir);
    }
    return accepted < 0 || status != 0 || !ended || missing || finished ? 1 : 0;
}
