/* Memory per idle connected client: COUNT clients of one protocol in this process, connected to
 * a broker on 127.0.0.1:PORT and left idle; prints the growth of this process's resident memory
 * (VmRSS) per client. A first client is connected before the baseline is read, so what the
 * library allocates once (the loop, the resolver, the TLS roots) is not counted.
 *
 * usage: idle_clients 5|311 COUNT PORT        (raise `ulimit -n` above COUNT first)
 * prints: RESULT idle protocol=5 clients=1000 rss_kb_per_client=...  */
#include <aws/common/allocator.h>
#include <aws/common/byte_buf.h>
#include <aws/common/condition_variable.h>
#include <aws/common/mutex.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/socket.h>
#include <aws/mqtt/client.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_client.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct aws_mutex s_lock = AWS_MUTEX_INIT;
static struct aws_condition_variable s_signal = AWS_CONDITION_VARIABLE_INIT;
static int s_connected;
static int s_terminated;

static void s_bump(int *counter) {
    aws_mutex_lock(&s_lock);
    (*counter)++;
    aws_condition_variable_notify_all(&s_signal);
    aws_mutex_unlock(&s_lock);
}

/* Clients connected at a time (see the connect loop). */
#define BATCH 500

static bool s_wait(int *counter, int target, int seconds) {
    aws_mutex_lock(&s_lock);
    for (int i = 0; i < seconds * 10 && *counter < target; ++i) {
        aws_condition_variable_wait_for(&s_signal, &s_lock, 100000000);
    }
    bool reached = *counter >= target;
    aws_mutex_unlock(&s_lock);
    return reached;
}

static long s_rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

static void s_on_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    if (event->event_type == AWS_MQTT5_CLET_CONNECTION_SUCCESS) {
        s_bump(&s_connected);
    }
}

static void s_on_publish5(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)publish;
    (void)user_data;
}

static void s_on_terminated(void *user_data) {
    (void)user_data;
    s_bump(&s_terminated);
}

static void s_on_complete(struct aws_mqtt_client_connection *connection, int error_code,
                          enum aws_mqtt_connect_return_code return_code, bool session_present, void *user_data) {
    (void)connection;
    (void)return_code;
    (void)session_present;
    (void)user_data;
    if (error_code == 0) {
        s_bump(&s_connected);
    }
}

static void s_on_termination311(void *user_data) {
    (void)user_data;
    s_bump(&s_terminated);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s 5|311 COUNT PORT\n", argv[0]);
        return 2;
    }
    bool v5 = strcmp(argv[1], "5") == 0;
    int count = atoi(argv[2]);
    uint32_t port = (uint32_t)atoi(argv[3]);
    struct aws_allocator *allocator = aws_default_allocator();
    aws_mqtt_library_init(allocator);
    struct aws_event_loop_group_options group_options = {.loop_count = 1};
    struct aws_event_loop_group *group = aws_event_loop_group_new(allocator, &group_options);
    struct aws_host_resolver_default_options resolver_options = {.max_entries = 8, .el_group = group};
    struct aws_host_resolver *resolver = aws_host_resolver_new_default(allocator, &resolver_options);
    struct aws_client_bootstrap_options bootstrap_options = {.event_loop_group = group, .host_resolver = resolver};
    struct aws_client_bootstrap *bootstrap = aws_client_bootstrap_new(allocator, &bootstrap_options);
    struct aws_socket_options socket = {.type = AWS_SOCKET_STREAM, .domain = AWS_SOCKET_IPV4, .connect_timeout_ms = 10000};
    struct aws_mqtt_client *mqtt = aws_mqtt_client_new(allocator, bootstrap);
    void **clients = calloc((size_t)count + 1, sizeof(void *));
    long baseline = 0;
    for (int i = 0; i <= count; ++i) {
        char id[32];
        snprintf(id, sizeof(id), "idle-%s-%d", argv[1], i);
        if (v5) {
            struct aws_mqtt5_packet_connect_view connect = {.keep_alive_interval_seconds = 600,
                                                            .client_id = aws_byte_cursor_from_c_str(id)};
            struct aws_mqtt5_client_options options = {
                .host_name = aws_byte_cursor_from_c_str("127.0.0.1"),
                .port = port,
                .bootstrap = bootstrap,
                .socket_options = &socket,
                .connect_options = &connect,
                .publish_received_handler = s_on_publish5,
                .lifecycle_event_handler = s_on_lifecycle,
                .client_termination_handler = s_on_terminated,
            };
            clients[i] = aws_mqtt5_client_new(allocator, &options);
            aws_mqtt5_client_start(clients[i]);
        } else {
            struct aws_mqtt_client_connection *c = aws_mqtt_client_connection_new(mqtt);
            aws_mqtt_client_connection_set_connection_termination_handler(c, s_on_termination311, NULL);
            struct aws_mqtt_connection_options options = {
                .host_name = aws_byte_cursor_from_c_str("127.0.0.1"),
                .port = port,
                .socket_options = &socket,
                .client_id = aws_byte_cursor_from_c_str(id),
                .keep_alive_time_secs = 600,
                .on_connection_complete = s_on_complete,
                .clean_session = true,
            };
            aws_mqtt_client_connection_connect(c, &options);
            clients[i] = c;
        }
        /* In batches: thousands of connects at once overflow the broker's accept queue, and
         * dropped SYNs would time the connects out. */
        if (i > 0 && i % BATCH == 0 && !s_wait(&s_connected, i + 1, 60)) {
            fprintf(stderr, "only %d of the first %d clients connected\n", s_connected, i + 1);
            return 1;
        }
        if (i == 0) {
            if (!s_wait(&s_connected, 1, 30)) {
                fprintf(stderr, "the first client did not connect\n");
                return 1;
            }
            sleep(1);
            baseline = s_rss_kb();
        }
    }
    if (!s_wait(&s_connected, count + 1, 120)) {
        fprintf(stderr, "only %d of %d clients connected\n", s_connected, count + 1);
        return 1;
    }
    sleep(2);
    long rss = s_rss_kb();
    printf("RESULT idle protocol=%s clients=%d rss_kb_baseline=%ld rss_kb=%ld rss_kb_per_client=%.1f\n", argv[1], count,
           baseline, rss, (double)(rss - baseline) / count);
    for (int i = 0; i <= count; ++i) {
        if (v5) {
            aws_mqtt5_client_stop(clients[i], NULL, NULL);
            aws_mqtt5_client_release(clients[i]);
        } else {
            aws_mqtt_client_connection_disconnect(clients[i], NULL, NULL);
            aws_mqtt_client_connection_release(clients[i]);
        }
    }
    s_wait(&s_terminated, count + 1, 60);
    free(clients);
    aws_mqtt_client_release(mqtt);
    aws_client_bootstrap_release(bootstrap);
    aws_host_resolver_release(resolver);
    aws_event_loop_group_release(group);
    aws_mqtt_library_clean_up();
    return 0;
}
