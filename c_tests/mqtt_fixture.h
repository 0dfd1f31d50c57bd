/* Shared by the MQTT 3.1.1 client tests (test_mqtt311_*.c): real servers on 127.0.0.1 and a
 * record of every callback the client makes.
 *
 * - fx_mosquitto_*: a mosquitto (env MOSQUITTO, default /usr/sbin/mosquitto) on a free port, its
 *   config in a mkdtemp directory: anonymous by default, or a password file (mosquitto_passwd),
 *   or TLS / mutual TLS with a CA, server and client certificates made by the openssl CLI.
 * - fx_broker_*: the project's mqtt-test-broker (env MQTT_TEST_BROKER) with given arguments,
 *   logging to a file the test reads back (JSON lines, one per packet or event).
 * - fx_forwarder_*: a one-connection TCP forwarder the test can cut, so a client's connection
 *   drops without a DISCONNECT (the server then publishes its will).
 * - struct fx_events and CHECK_WAIT: callbacks record under a mutex and signal a condition
 *   variable; tests wait for a condition with a deadline, never a fixed sleep.
 * - fx_io_*: an event-loop group, a host resolver and a client bootstrap.
 * Everything is static: include this header in one test program. */
#ifndef MQTT_FIXTURE_H
#define MQTT_FIXTURE_H

/* mkdtemp, posix_spawn, nanosleep, kill and waitpid are POSIX, outside C11. */
#define _POSIX_C_SOURCE 200809L

#include <aws/common/allocator.h>
#include <aws/common/byte_buf.h>
#include <aws/common/clock.h>
#include <aws/common/condition_variable.h>
#include <aws/common/error.h>
#include <aws/common/mutex.h>
#include <aws/common/thread.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/socket.h>
#include <aws/io/tls_channel_handler.h>
#include <aws/mqtt/client.h>
#include <aws/mqtt/mqtt.h>
#include <aws/mqtt/v5/mqtt5_client.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_support.h"

extern char **environ;

/* ------------------------------------------------------------------------------------------ */
/* Time and small helpers                                                                     */

static uint64_t fx_now_ns(void) {
    uint64_t now = 0;
    aws_high_res_clock_get_ticks(&now);
    return now;
}

static inline void fx_sleep_ms(int ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static inline struct aws_byte_cursor fx_cur(const char *text) {
    return aws_byte_cursor_from_c_str(text);
}

/* A port nobody listens on right now (bound to port 0, then closed). */
static inline int fx_free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    int port = -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    close(fd);
    return port;
}

static inline bool fx_port_accepts(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return false;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
    close(fd);
    return ok;
}

/* Runs a shell command; 0 when it exited with status 0. */
static inline int fx_sh(const char *command) {
    int status = system(command);
    if (status != 0) {
        fprintf(stderr, "command failed (%d): %s\n", status, command);
        return 1;
    }
    return 0;
}

static inline int fx_write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK_INT_EQ(fwrite(text, 1, strlen(text), f), strlen(text));
    CHECK_INT_EQ(fclose(f), 0);
    return 0;
}

/* The whole file, NUL-terminated (caller frees); NULL when it cannot be read. */
static inline char *fx_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    size_t n;
    while (text && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *bigger = realloc(text, cap * 2);
            if (!bigger) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (text) {
        text[len] = '\0';
    }
    return text;
}

/* Spawns argv[0] with stdout to `stdout_fd` (or inherited when -1) and stderr to `stderr_path`
 * (or inherited when NULL). Returns the pid, or -1. */
static inline pid_t fx_spawn(char *const argv[], int stdout_fd, const char *stderr_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdout_fd >= 0) {
        posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
    }
    if (stderr_path) {
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        fprintf(stderr, "cannot start %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    return pid;
}

/* Servers still running and temp dirs still present when the program exits (a failed check
 * returns from main): killed and removed by an atexit handler. */
#define FX_MAX_CHILDREN 16
static pid_t fx_children[FX_MAX_CHILDREN];
static char fx_dirs[FX_MAX_CHILDREN][64];

static inline void fx_remove_dir(const char *dir);

static inline void fx_at_exit(void) {
    for (int i = 0; i < FX_MAX_CHILDREN; ++i) {
        if (fx_children[i] > 0) {
            kill(fx_children[i], SIGKILL);
            waitpid(fx_children[i], NULL, 0);
            fx_children[i] = 0;
        }
        if (fx_dirs[i][0]) {
            fx_remove_dir(fx_dirs[i]);
            fx_dirs[i][0] = '\0';
        }
    }
}

static inline void fx_track(pid_t pid, const char *dir) {
    static bool registered;
    if (!registered) {
        atexit(fx_at_exit);
        registered = true;
    }
    for (int i = 0; i < FX_MAX_CHILDREN; ++i) {
        if (pid > 0 && fx_children[i] == 0) {
            fx_children[i] = pid;
            pid = 0;
        }
        if (dir && !fx_dirs[i][0]) {
            snprintf(fx_dirs[i], sizeof(fx_dirs[i]), "%s", dir);
            dir = NULL;
        }
    }
}

static inline void fx_untrack(pid_t pid, const char *dir) {
    for (int i = 0; i < FX_MAX_CHILDREN; ++i) {
        if (pid > 0 && fx_children[i] == pid) {
            fx_children[i] = 0;
        }
        if (dir && dir[0] && strcmp(fx_dirs[i], dir) == 0) {
            fx_dirs[i][0] = '\0';
        }
    }
}

/* Terminates and reaps a child we started: SIGTERM, then SIGKILL after 2 s. */
static inline void fx_kill_and_reap(pid_t pid) {
    if (pid <= 0) {
        return;
    }
    fx_untrack(pid, NULL);
    kill(pid, SIGTERM);
    uint64_t deadline = fx_now_ns() + 2000000000ULL;
    while (waitpid(pid, NULL, WNOHANG) == 0) {
        if (fx_now_ns() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return;
        }
        fx_sleep_ms(10);
    }
}

/* True while the child still runs (reaps it when it has exited). */
static inline bool fx_child_alive(pid_t pid) {
    return waitpid(pid, NULL, WNOHANG) == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* mosquitto                                                                                  */

enum fx_mosquitto_mode {
    FX_MOSQUITTO_ANONYMOUS,
    /* allow_anonymous false and a password file with FX_USER / FX_PASSWORD. */
    FX_MOSQUITTO_PASSWORD,
    /* TLS with the generated server certificate (anonymous clients). */
    FX_MOSQUITTO_TLS,
    /* TLS that requires a client certificate issued by the generated CA. */
    FX_MOSQUITTO_MTLS,
};

#define FX_USER "alice"
#define FX_PASSWORD "secret"

struct fx_mosquitto {
    pid_t pid;
    int port;
    char dir[64];
};

/* A path inside the server's temp directory (a static buffer per slot, 4 slots round robin). */
static inline const char *fx_path(const char *dir, const char *name) {
    static char paths[4][192];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
    return p;
}

/* A CA (ca.pem), a server certificate for localhost and 127.0.0.1 (server.pem/.key), a client
 * certificate (client.pem/.key), all issued by that CA, and an unrelated CA (other_ca.pem)
 * that trusts none of them. EC P-256 keys: quick to make. */
static inline int fx_make_certificates(const char *dir) {
    char cmd[2048];
    snprintf(
        cmd,
        sizeof(cmd),
        "(set -e; cd '%s'; ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';"
        "openssl req -x509 $ec -keyout ca.key -out ca.pem -days 3650 -subj '/CN=mqtt311 test CA'"
        "  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign;"
        "openssl req -x509 $ec -keyout other_ca.key -out other_ca.pem -days 3650 -subj '/CN=other CA'"
        "  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign;"
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n"
        "keyUsage=critical,digitalSignature\\nextendedKeyUsage=serverAuth\\n' > server.ext;"
        "openssl req $ec -keyout server.key -out server.csr -subj '/CN=localhost';"
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem"
        "  -days 3650 -extfile server.ext;"
        "printf 'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
        "extendedKeyUsage=clientAuth\\n' > client.ext;"
        "openssl req $ec -keyout client.key -out client.csr -subj '/CN=mqtt311 test client';"
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem"
        "  -days 3650 -extfile client.ext) >/dev/null 2>&1",
        dir);
    /* openssl chatters even when it succeeds: its output is dropped. */
    return fx_sh(cmd);
}

static inline void fx_remove_dir(const char *dir_in) {
    char dir[64];
    snprintf(dir, sizeof(dir), "%s", dir_in);
    fx_untrack(0, dir);
    if (dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        (void)system(cmd);
    }
}

static inline void fx_print_file(const char *label, const char *path) {
    char *text = fx_read_file(path);
    if (text) {
        fprintf(stderr, "--- %s (%s)\n%s--- end\n", label, path, text);
        free(text);
    }
}

/* Writes `conf` to the server's directory, runs mosquitto on it, and waits until m->port accepts
 * connections (a failed bind makes mosquitto exit). 0 when it is up; else its log is printed. */
static inline int fx_mosquitto_spawn(struct fx_mosquitto *m, const char *conf) {
    const char *mosquitto = getenv("MOSQUITTO");
    if (!mosquitto || !mosquitto[0]) {
        mosquitto = "/usr/sbin/mosquitto";
    }
    CHECK_INT_EQ(fx_write_file(fx_path(m->dir, "mosquitto.conf"), conf), 0);
    char conf_path[192], log_path[192], program[256];
    snprintf(conf_path, sizeof(conf_path), "%s", fx_path(m->dir, "mosquitto.conf"));
    snprintf(log_path, sizeof(log_path), "%s", fx_path(m->dir, "mosquitto.log"));
    snprintf(program, sizeof(program), "%s", mosquitto);
    char *argv[] = {program, "-c", conf_path, NULL};
    m->pid = fx_spawn(argv, -1, log_path);
    CHECK(m->pid > 0);
    fx_track(m->pid, NULL);
    uint64_t deadline = fx_now_ns() + 10000000000ULL;
    while (fx_now_ns() < deadline && fx_child_alive(m->pid)) {
        if (fx_port_accepts(m->port)) {
            return 0;
        }
        fx_sleep_ms(20);
    }
    fx_print_file("mosquitto log", log_path);
    fx_kill_and_reap(m->pid);
    m->pid = 0;
    return 1;
}

/* Starts mosquitto in `mode`; certificates (for the TLS modes) are in fx_path(m->dir, ...). */
static inline int fx_mosquitto_start(struct fx_mosquitto *m, enum fx_mosquitto_mode mode) {
    memset(m, 0, sizeof(*m));
    snprintf(m->dir, sizeof(m->dir), "/tmp/mqtt311-mosquitto-XXXXXX");
    CHECK(mkdtemp(m->dir) != NULL);
    fx_track(0, m->dir);
    if (mode == FX_MOSQUITTO_PASSWORD) {
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "mosquitto_passwd -c -b '%s' %s %s", fx_path(m->dir, "passwd"), FX_USER,
                 FX_PASSWORD);
        CHECK_INT_EQ(fx_sh(cmd), 0);
    }
    if (mode == FX_MOSQUITTO_TLS || mode == FX_MOSQUITTO_MTLS) {
        CHECK_INT_EQ(fx_make_certificates(m->dir), 0);
    }
    /* Another process may take the port between our probe and mosquitto's bind: try again. */
    for (int attempt = 0; attempt < 5; ++attempt) {
        m->port = fx_free_port();
        CHECK(m->port > 0);
        char conf[2048];
        int n = snprintf(conf, sizeof(conf),
                         "listener %d 127.0.0.1\n"
                         "persistence false\n"
                         /* As root, mosquitto would switch to user mosquitto, which cannot read
                          * our 0700 temp dir. */
                         "user %s\n",
                         m->port, getuid() == 0 ? "root" : "mosquitto");
        switch (mode) {
            case FX_MOSQUITTO_ANONYMOUS:
                n += snprintf(conf + n, sizeof(conf) - n, "allow_anonymous true\n");
                break;
            case FX_MOSQUITTO_PASSWORD:
                n += snprintf(conf + n, sizeof(conf) - n, "allow_anonymous false\npassword_file %s\n",
                              fx_path(m->dir, "passwd"));
                break;
            case FX_MOSQUITTO_TLS:
            case FX_MOSQUITTO_MTLS:
                n += snprintf(conf + n, sizeof(conf) - n,
                              "allow_anonymous true\ncafile %s\ncertfile %s\nkeyfile %s\n"
                              "require_certificate %s\n",
                              fx_path(m->dir, "ca.pem"), fx_path(m->dir, "server.pem"),
                              fx_path(m->dir, "server.key"), mode == FX_MOSQUITTO_MTLS ? "true" : "false");
                break;
        }
        if (fx_mosquitto_spawn(m, conf) == 0) {
            return 0;
        }
    }
    fprintf(stderr, "mosquitto did not start\n");
    return 1;
}

static inline void fx_mosquitto_stop(struct fx_mosquitto *m) {
    fx_kill_and_reap(m->pid);
    m->pid = 0;
    fx_remove_dir(m->dir);
    m->dir[0] = '\0';
}

/* ------------------------------------------------------------------------------------------ */
/* The project's test broker                                                                  */

struct fx_broker {
    pid_t pid;
    int port;
    char dir[64];
    char log[128];
};

/* Starts mqtt-test-broker with `args` (NULL-terminated, may be NULL) plus --log FILE, and reads
 * its port from the first stdout line, "listening 127.0.0.1:PORT". */
static inline int fx_broker_start(struct fx_broker *b, const char *const *args) {
    memset(b, 0, sizeof(*b));
    const char *program = getenv("MQTT_TEST_BROKER");
    if (!program || !program[0]) {
        fprintf(stderr, "MQTT_TEST_BROKER is not set (the path of target/*/mqtt-test-broker)\n");
        return 1;
    }
    snprintf(b->dir, sizeof(b->dir), "/tmp/mqtt311-broker-XXXXXX");
    CHECK(mkdtemp(b->dir) != NULL);
    fx_track(0, b->dir);
    snprintf(b->log, sizeof(b->log), "%s/packets.jsonl", b->dir);
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)program;
    argv[argc++] = "--log";
    argv[argc++] = b->log;
    for (int i = 0; args && args[i] && argc < 62; ++i) {
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    int out[2];
    CHECK_INT_EQ(pipe(out), 0);
    b->pid = fx_spawn(argv, out[1], NULL);
    close(out[1]);
    CHECK(b->pid > 0);
    fx_track(b->pid, NULL);
    char line[128];
    size_t len = 0;
    /* One line; read byte by byte so nothing after it is consumed. */
    while (len < sizeof(line) - 1) {
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        if (poll(&p, 1, 10000) <= 0) {
            break;
        }
        char c;
        if (read(out[0], &c, 1) != 1 || c == '\n') {
            break;
        }
        line[len++] = c;
    }
    line[len] = '\0';
    close(out[0]);
    if (sscanf(line, "listening 127.0.0.1:%d", &b->port) != 1) {
        fprintf(stderr, "test broker said \"%s\", not its port\n", line);
        fx_kill_and_reap(b->pid);
        return 1;
    }
    return 0;
}

static inline void fx_broker_stop(struct fx_broker *b) {
    fx_kill_and_reap(b->pid);
    b->pid = 0;
    fx_remove_dir(b->dir);
    b->dir[0] = '\0';
}

/* Scans the log for lines that contain every one of the NULL-terminated fragments (the broker
 * writes compact JSON, so a fragment such as "\"dup\":true" matches exactly one field); copies
 * the first into `out` when given, and stops after `limit` matches (0: no limit). Returns how
 * many matched, -1 when the log cannot be read. */
static inline int fx_log_scan(const struct fx_broker *b, const char *const *fragments, char *out, size_t out_size,
                              int limit) {
    char *text = fx_read_file(b->log);
    if (!text) {
        return -1;
    }
    int count = 0;
    for (char *line = text; *line && (limit == 0 || count < limit);) {
        char *end = strchr(line, '\n');
        if (end) {
            *end = '\0';
        }
        bool all = true;
        for (int i = 0; fragments[i]; ++i) {
            if (!strstr(line, fragments[i])) {
                all = false;
                break;
            }
        }
        if (all && count == 0 && out) {
            snprintf(out, out_size, "%s", line);
        }
        count += all;
        if (!end) {
            break;
        }
        line = end + 1;
    }
    free(text);
    return count;
}

/* How many log lines contain every one of the fragments. */
static inline int fx_log_count(const struct fx_broker *b, const char *const *fragments) {
    return fx_log_scan(b, fragments, NULL, 0, 0);
}

/* The first log line with all the fragments, copied into `out`; false when none. */
static inline bool fx_log_find(const struct fx_broker *b, const char *const *fragments, char *out, size_t out_size) {
    return fx_log_scan(b, fragments, out, out_size, 1) == 1;
}

/* The packet id field of a log line as a fragment, "\"packet_id\":N," (into `out`); false when
 * the line has none. */
static inline bool fx_log_packet_id(const char *line, char *out, size_t out_size) {
    const char *id = strstr(line, "\"packet_id\":");
    if (!id) {
        return false;
    }
    snprintf(out, out_size, "%.*s,", (int)strcspn(id, ","), id);
    return true;
}

#define FX_FRAGMENTS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Waits until the log has at least `n` lines with all the fragments (the broker writes each
 * line when the packet is handled, which may be after the client's callback ran). */
static inline int fx_log_wait_count(const struct fx_broker *b, const char *const *fragments, int n, int timeout_ms) {
    uint64_t deadline = fx_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
    int count;
    while ((count = fx_log_count(b, fragments)) < n && fx_now_ns() < deadline) {
        fx_sleep_ms(10);
    }
    return count;
}

static inline void fx_broker_dump_log(const struct fx_broker *b) {
    fx_print_file("test broker log", b->log);
}

/* ------------------------------------------------------------------------------------------ */
/* A TCP forwarder the test can cut                                                           */

struct fx_forwarder {
    int listen_fd;
    int port;          /* where clients connect */
    int target_port;   /* where it forwards to */
    volatile int stop; /* read by the thread each poll round */
    pthread_t thread;
    int accepted;
};

static inline void fx_forwarder_pump(struct fx_forwarder *f, int a, int b) {
    char buf[4096];
    while (!f->stop) {
        struct pollfd p[2] = {{.fd = a, .events = POLLIN}, {.fd = b, .events = POLLIN}};
        int n = poll(p, 2, 20);
        if (n < 0 && errno != EINTR) {
            return;
        }
        for (int i = 0; i < 2; ++i) {
            if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t got = read(p[i].fd, buf, sizeof(buf));
                if (got <= 0) {
                    return;
                }
                int to = i == 0 ? b : a;
                for (ssize_t sent = 0; sent < got;) {
                    ssize_t w = write(to, buf + sent, (size_t)(got - sent));
                    if (w <= 0) {
                        return;
                    }
                    sent += w;
                }
            }
        }
    }
}

static inline void *fx_forwarder_run(void *arg) {
    struct fx_forwarder *f = arg;
    while (!f->stop) {
        struct pollfd p = {.fd = f->listen_fd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0) {
            continue;
        }
        int client = accept(f->listen_fd, NULL, NULL);
        if (client < 0) {
            continue;
        }
        f->accepted += 1;
        int server = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr;
        memset(&addr, 0, sizeof(addr));
        addr.sin_family = AF_INET;
        addr.sin_port = htons((uint16_t)f->target_port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (server >= 0 && connect(server, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            fx_forwarder_pump(f, client, server);
        }
        /* Both sides see a plain close: no MQTT DISCONNECT went through. */
        if (server >= 0) {
            close(server);
        }
        close(client);
    }
    return NULL;
}

static inline int fx_forwarder_start(struct fx_forwarder *f, int target_port) {
    memset(f, 0, sizeof(*f));
    f->target_port = target_port;
    f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(f->listen_fd >= 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    CHECK_INT_EQ(bind(f->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    CHECK_INT_EQ(listen(f->listen_fd, 4), 0);
    CHECK_INT_EQ(getsockname(f->listen_fd, (struct sockaddr *)&addr, &len), 0);
    f->port = ntohs(addr.sin_port);
    CHECK_INT_EQ(pthread_create(&f->thread, NULL, fx_forwarder_run, f), 0);
    return 0;
}

/* Closes the forwarded connection on both sides and stops listening: reconnects are refused. */
static inline void fx_forwarder_cut(struct fx_forwarder *f) {
    if (f->listen_fd < 0) {
        return;
    }
    f->stop = 1;
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    f->listen_fd = -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Event loop group, host resolver, client bootstrap                                          */

struct fx_io {
    struct aws_event_loop_group *group;
    struct aws_host_resolver *resolver;
    struct aws_client_bootstrap *bootstrap;
};

static inline int fx_io_init(struct fx_io *io, struct aws_allocator *alloc) {
    memset(io, 0, sizeof(*io));
    io->group = aws_event_loop_group_new_default(alloc, 1, NULL);
    CHECK(io->group != NULL);
    struct aws_host_resolver_default_options resolver_options = {
        .max_entries = 8,
        .el_group = io->group,
    };
    io->resolver = aws_host_resolver_new_default(alloc, &resolver_options);
    CHECK(io->resolver != NULL);
    struct aws_client_bootstrap_options options = {
        .event_loop_group = io->group,
        .host_resolver = io->resolver,
    };
    io->bootstrap = aws_client_bootstrap_new(alloc, &options);
    CHECK(io->bootstrap != NULL);
    return 0;
}

/* Drops the fixture's references; the group's threads are joined by
 * aws_thread_join_all_managed at the end of main. */
static inline void fx_io_clean_up(struct fx_io *io) {
    aws_client_bootstrap_release(io->bootstrap);
    aws_host_resolver_release(io->resolver);
    aws_event_loop_group_release(io->group);
    memset(io, 0, sizeof(*io));
}

/* The start of every test program's main: a tracing allocator (so the end can prove nothing
 * leaked), the library, and the event loop group, resolver and bootstrap. */
static struct aws_allocator *fx_suite_alloc;
static struct aws_client_bootstrap *fx_suite_bootstrap;

static inline int fx_suite_begin(struct aws_allocator **alloc, struct fx_io *io) {
    *alloc = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_BYTES, 0);
    aws_mqtt_library_init(*alloc);
    CHECK_INT_EQ(fx_io_init(io, *alloc), 0);
    fx_suite_alloc = *alloc;
    fx_suite_bootstrap = io->bootstrap;
    return 0;
}

/* With MQTT_CONNECTION=adapter in the environment, the fixture's 3.1.1 connections are the 3.1.1
 * view of an MQTT 5 client (aws_mqtt_client_connection_new_from_mqtt5_client): ctest runs the
 * 3.1.1 suites a second time that way, so the same scenarios pass through the adapter. */
static inline bool fx_via_adapter(void) {
    const char *mode = getenv("MQTT_CONNECTION");
    return mode != NULL && strcmp(mode, "adapter") == 0;
}

/* What a check expects of a connection of its own, and of the view of an MQTT 5 client where
 * upstream's adapter behaves otherwise (the difference is upstream's). */
#define FX_NATIVE_OR_ADAPTER(native, adapter) (fx_via_adapter() ? (adapter) : (native))

/* A 3.1.1 connection of `client`, or (fx_via_adapter) the view of a new MQTT 5 client on the
 * suite's bootstrap, which the view alone holds: it goes when the view does. The MQTT 5 client
 * reconnects after 1 s to 128 s, as a 3.1.1 connection does by default. */
static inline void fx_ignore_lifecycle(const struct aws_mqtt5_client_lifecycle_event *event) {
    (void)event;
}
static inline void fx_ignore_publish(const struct aws_mqtt5_packet_publish_view *publish, void *user_data) {
    (void)publish;
    (void)user_data;
}

static inline struct aws_mqtt_client_connection *fx_new_connection(struct aws_mqtt_client *client) {
    if (!fx_via_adapter()) {
        return aws_mqtt_client_connection_new(client);
    }
    struct aws_socket_options socket = {.type = AWS_SOCKET_STREAM, .domain = AWS_SOCKET_IPV4, .connect_timeout_ms = 3000};
    struct aws_mqtt5_packet_connect_view connect = {.keep_alive_interval_seconds = 30};
    struct aws_mqtt5_client_options options = {
        .host_name = aws_byte_cursor_from_c_str("127.0.0.1"),
        .port = 1,
        .bootstrap = fx_suite_bootstrap,
        .socket_options = &socket,
        .connect_options = &connect,
        .retry_jitter_mode = AWS_EXPONENTIAL_BACKOFF_JITTER_NONE,
        .min_reconnect_delay_ms = 1000,
        .max_reconnect_delay_ms = 128000,
        .lifecycle_event_handler = fx_ignore_lifecycle,
        .publish_received_handler = fx_ignore_publish,
    };
    struct aws_mqtt5_client *five = aws_mqtt5_client_new(fx_suite_alloc, &options);
    if (five == NULL) {
        return NULL;
    }
    struct aws_mqtt_client_connection *view = aws_mqtt_client_connection_new_from_mqtt5_client(five);
    aws_mqtt5_client_release(five);
    return view;
}

/* Runs `cycle(ctx, i)` for i = 1..1000 (nonzero fails) and checks that the tracing allocator
 * holds no more after the 1000th than after the 100th: an allowance of 4 KiB for caches that
 * settle late, where a leak per cycle would show 900 times over. */
static inline int fx_check_memory_flat(struct aws_allocator *alloc, int (*cycle)(void *ctx, int i), void *ctx) {
    size_t bytes_at_100 = 0;
    size_t heap_at_100 = 0;
    uint64_t start = fx_now_ns();
    for (int i = 1; i <= 1000; ++i) {
        CHECK_INT_EQ(cycle(ctx, i), 0);
        if (i == 100) {
            bytes_at_100 = aws_mem_tracer_bytes(alloc);
            heap_at_100 = mallinfo2().uordblks;
        }
    }
    size_t bytes_at_1000 = aws_mem_tracer_bytes(alloc);
    size_t heap_at_1000 = mallinfo2().uordblks;
    fprintf(stderr,
            "1000 cycles in %.1f s; traced bytes after 100: %zu, after 1000: %zu; malloc heap in use "
            "after 100: %zu, after 1000: %zu\n",
            (double)(fx_now_ns() - start) / 1e9, bytes_at_100, bytes_at_1000, heap_at_100, heap_at_1000);
    /* The tracer sees what goes through the aws allocator; the whole malloc heap also holds the
     * library's own (Rust) allocations. Neither may grow with the cycles. Under AddressSanitizer
     * malloc is not glibc's and mallinfo2 reports nothing, so only the tracer counts there. */
    CHECK(bytes_at_1000 <= bytes_at_100 + 4096);
    CHECK(heap_at_1000 <= heap_at_100 + 256 * 1024);
    return 0;
}

/* The end of every test program's main: every thread joined, and not one byte left allocated. */
static inline int fx_suite_end(struct aws_allocator *alloc, struct fx_io *io) {
    fx_io_clean_up(io);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    aws_mqtt_library_clean_up();
    CHECK_INT_EQ(aws_mem_tracer_bytes(alloc), 0);
    aws_mem_tracer_destroy(alloc);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The record of callbacks                                                                    */

#define FX_MAX_RECORDS 64
#define FX_TEXT 128

struct fx_publish {
    char topic[FX_TEXT];
    char payload[FX_TEXT];
    size_t payload_len;
    enum aws_mqtt_qos qos;
    bool dup;
    bool retain;
    bool any; /* through the on_any_publish handler */
};

struct fx_op {
    uint16_t packet_id;
    int error_code;
};

struct fx_suback {
    uint16_t packet_id;
    int error_code;
    size_t count;                      /* topics in the SUBACK */
    enum aws_mqtt_qos qos[8];          /* granted (0x80: refused) */
    char topic[FX_TEXT];               /* the first topic */
};

struct fx_events {
    struct aws_mutex lock;
    struct aws_condition_variable signal;

    int complete;              /* on_connection_complete */
    int complete_error;
    int complete_return_code;
    bool complete_session_present;
    int success;               /* on_connection_success */
    int success_return_code;
    bool success_session_present;
    int failure;               /* on_connection_failure */
    int failure_error;
    int interrupted;
    int interrupted_error;
    int resumed;
    int resumed_return_code;
    bool resumed_session_present;
    int disconnected;          /* on_disconnect */
    int closed;                /* on_closed */
    int terminated;            /* on_termination */
    int cleanups;              /* aws_mqtt_userdata_cleanup_fn */

    int publishes;
    struct fx_publish publish[FX_MAX_RECORDS];
    int ops;
    struct fx_op op[FX_MAX_RECORDS];
    int subacks;
    struct fx_suback suback[FX_MAX_RECORDS];

    /* What the test wants done from inside a callback. */
    bool release_in_on_disconnect;
    bool disconnect_in_interrupted;
    bool disconnect_in_complete;
    struct aws_mqtt_client_connection *connection;
};

static inline void fx_events_init(struct fx_events *ev) {
    memset(ev, 0, sizeof(*ev));
    aws_mutex_init(&ev->lock);
    aws_condition_variable_init(&ev->signal);
}

static inline void fx_events_clean_up(struct fx_events *ev) {
    aws_condition_variable_clean_up(&ev->signal);
    aws_mutex_clean_up(&ev->lock);
}

/* Waits (holding ev->lock while evaluating `cond`) until `cond` holds or `timeout_ms` passed;
 * a timeout fails the test like CHECK. */
#define CHECK_WAIT(ev, cond, timeout_ms)                                                           \
    do {                                                                                           \
        uint64_t wait_deadline_ = fx_now_ns() + (uint64_t)(timeout_ms) * 1000000ULL;               \
        bool wait_ok_ = false;                                                                     \
        aws_mutex_lock(&(ev)->lock);                                                               \
        for (;;) {                                                                                 \
            if (cond) {                                                                            \
                wait_ok_ = true;                                                                   \
                break;                                                                             \
            }                                                                                      \
            uint64_t wait_now_ = fx_now_ns();                                                      \
            if (wait_now_ >= wait_deadline_) {                                                     \
                break;                                                                             \
            }                                                                                      \
            aws_condition_variable_wait_for(&(ev)->signal, &(ev)->lock,                            \
                                            (int64_t)(wait_deadline_ - wait_now_));                \
        }                                                                                          \
        aws_mutex_unlock(&(ev)->lock);                                                             \
        if (!wait_ok_) {                                                                           \
            fprintf(stderr, "%s:%d: timed out after %d ms waiting for %s\n", __FILE__, __LINE__,   \
                    (int)(timeout_ms), #cond);                                                     \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

/* Reads an expression under the lock. */
#define FX_READ(ev, expr, out)                                                                     \
    do {                                                                                           \
        aws_mutex_lock(&(ev)->lock);                                                               \
        (out) = (expr);                                                                            \
        aws_mutex_unlock(&(ev)->lock);                                                             \
    } while (0)

static inline void fx_copy_text(char *dst, const struct aws_byte_cursor *src) {
    size_t n = src && src->len < FX_TEXT - 1 ? src->len : (src ? FX_TEXT - 1 : 0);
    if (n) {
        memcpy(dst, src->ptr, n);
    }
    dst[n] = '\0';
}

static inline void fx_on_connection_complete(struct aws_mqtt_client_connection *connection, int error_code,
                                      enum aws_mqtt_connect_return_code return_code, bool session_present,
                                      void *userdata) {
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->complete += 1;
    ev->complete_error = error_code;
    ev->complete_return_code = (int)return_code;
    ev->complete_session_present = session_present;
    bool disconnect = ev->disconnect_in_complete && error_code == AWS_ERROR_SUCCESS;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
    if (disconnect) {
        aws_mqtt_client_connection_disconnect(connection, NULL, NULL);
    }
}

static inline void fx_on_success(struct aws_mqtt_client_connection *connection, enum aws_mqtt_connect_return_code rc,
                          bool session_present, void *userdata) {
    (void)connection;
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->success += 1;
    ev->success_return_code = (int)rc;
    ev->success_session_present = session_present;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_on_failure(struct aws_mqtt_client_connection *connection, int error_code, void *userdata) {
    (void)connection;
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->failure += 1;
    ev->failure_error = error_code;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_on_interrupted(struct aws_mqtt_client_connection *connection, int error_code, void *userdata) {
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->interrupted += 1;
    ev->interrupted_error = error_code;
    bool disconnect = ev->disconnect_in_interrupted;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
    if (disconnect) {
        aws_mqtt_client_connection_disconnect(connection, NULL, NULL);
    }
}

static inline void fx_on_resumed(struct aws_mqtt_client_connection *connection, enum aws_mqtt_connect_return_code rc,
                          bool session_present, void *userdata) {
    (void)connection;
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->resumed += 1;
    ev->resumed_return_code = (int)rc;
    ev->resumed_session_present = session_present;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_on_disconnect(struct aws_mqtt_client_connection *connection, void *userdata) {
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->disconnected += 1;
    bool release = ev->release_in_on_disconnect;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
    if (release) {
        aws_mqtt_client_connection_release(connection);
    }
}

static inline void fx_on_closed(struct aws_mqtt_client_connection *connection, struct on_connection_closed_data *data,
                         void *userdata) {
    (void)connection;
    (void)data;
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->closed += 1;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_on_termination(void *userdata) {
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->terminated += 1;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_on_cleanup(void *userdata) {
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    ev->cleanups += 1;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_record_publish(struct fx_events *ev, const struct aws_byte_cursor *topic,
                              const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                              bool any) {
    aws_mutex_lock(&ev->lock);
    if (ev->publishes < FX_MAX_RECORDS) {
        struct fx_publish *p = &ev->publish[ev->publishes];
        fx_copy_text(p->topic, topic);
        fx_copy_text(p->payload, payload);
        p->payload_len = payload ? payload->len : 0;
        p->qos = qos;
        p->dup = dup;
        p->retain = retain;
        p->any = any;
    }
    ev->publishes += 1;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_on_publish(struct aws_mqtt_client_connection *connection, const struct aws_byte_cursor *topic,
                          const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                          void *userdata) {
    (void)connection;
    fx_record_publish(userdata, topic, payload, dup, qos, retain, false);
}

static inline void fx_on_any_publish(struct aws_mqtt_client_connection *connection, const struct aws_byte_cursor *topic,
                              const struct aws_byte_cursor *payload, bool dup, enum aws_mqtt_qos qos, bool retain,
                              void *userdata) {
    (void)connection;
    fx_record_publish(userdata, topic, payload, dup, qos, retain, true);
}

static inline void fx_on_op_complete(struct aws_mqtt_client_connection *connection, uint16_t packet_id, int error_code,
                              void *userdata) {
    (void)connection;
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    if (ev->ops < FX_MAX_RECORDS) {
        ev->op[ev->ops].packet_id = packet_id;
        ev->op[ev->ops].error_code = error_code;
    }
    ev->ops += 1;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_on_suback(struct aws_mqtt_client_connection *connection, uint16_t packet_id,
                         const struct aws_byte_cursor *topic, enum aws_mqtt_qos qos, int error_code, void *userdata) {
    (void)connection;
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    if (ev->subacks < FX_MAX_RECORDS) {
        struct fx_suback *s = &ev->suback[ev->subacks];
        s->packet_id = packet_id;
        s->error_code = error_code;
        s->count = 1;
        s->qos[0] = qos;
        fx_copy_text(s->topic, topic);
    }
    ev->subacks += 1;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

static inline void fx_on_suback_multi(struct aws_mqtt_client_connection *connection, uint16_t packet_id,
                               const struct aws_array_list *topic_subacks, int error_code, void *userdata) {
    (void)connection;
    struct fx_events *ev = userdata;
    aws_mutex_lock(&ev->lock);
    if (ev->subacks < FX_MAX_RECORDS) {
        struct fx_suback *s = &ev->suback[ev->subacks];
        memset(s, 0, sizeof(*s));
        s->packet_id = packet_id;
        s->error_code = error_code;
        s->count = topic_subacks ? aws_array_list_length(topic_subacks) : 0;
        for (size_t i = 0; i < s->count && i < 8; ++i) {
            struct aws_mqtt_topic_subscription *sub = NULL;
            aws_array_list_get_at(topic_subacks, &sub, i);
            s->qos[i] = sub->qos;
            if (i == 0) {
                fx_copy_text(s->topic, &sub->topic);
            }
        }
    }
    ev->subacks += 1;
    aws_condition_variable_notify_all(&ev->signal);
    aws_mutex_unlock(&ev->lock);
}

/* Completions recorded for `packet_id` (call with ev->lock held, e.g. inside CHECK_WAIT). */
static inline int fx_op_count_locked(const struct fx_events *ev, uint16_t packet_id) {
    int n = 0;
    for (int i = 0; i < ev->ops && i < FX_MAX_RECORDS; ++i) {
        n += ev->op[i].packet_id == packet_id;
    }
    return n;
}

/* The error of the first completion for `packet_id`, -1 when none (lock held). */
static inline int fx_op_error_locked(const struct fx_events *ev, uint16_t packet_id) {
    for (int i = 0; i < ev->ops && i < FX_MAX_RECORDS; ++i) {
        if (ev->op[i].packet_id == packet_id) {
            return ev->op[i].error_code;
        }
    }
    return -1;
}

/* Received publishes on `topic` (lock held). */
static inline int fx_received_locked(const struct fx_events *ev, const char *topic, bool any) {
    int n = 0;
    for (int i = 0; i < ev->publishes && i < FX_MAX_RECORDS; ++i) {
        n += strcmp(ev->publish[i].topic, topic) == 0 && ev->publish[i].any == any;
    }
    return n;
}

/* The first received publish on `topic` (lock held); NULL when none. */
static inline const struct fx_publish *fx_find_publish_locked(const struct fx_events *ev, const char *topic) {
    for (int i = 0; i < ev->publishes && i < FX_MAX_RECORDS; ++i) {
        if (strcmp(ev->publish[i].topic, topic) == 0 && !ev->publish[i].any) {
            return &ev->publish[i];
        }
    }
    return NULL;
}

/* Installs every connection-level handler of `ev` on `connection`. */
static inline int fx_install_handlers(struct aws_mqtt_client_connection *connection, struct fx_events *ev) {
    ev->connection = connection;
    CHECK_INT_EQ(aws_mqtt_client_connection_set_connection_interruption_handlers(connection, fx_on_interrupted, ev,
                                                                                  fx_on_resumed, ev),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(
        aws_mqtt_client_connection_set_connection_result_handlers(connection, fx_on_success, ev, fx_on_failure, ev),
        AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_connection_closed_handler(connection, fx_on_closed, ev),
                 AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_mqtt_client_connection_set_connection_termination_handler(connection, fx_on_termination, ev),
                 AWS_OP_SUCCESS);
    return 0;
}

/* A new connection of `client` with every handler of `ev` installed (not connected). */
static inline int fx_connection_new(struct aws_mqtt_client *client, struct aws_mqtt_client_connection **out,
                                    struct fx_events *ev) {
    *out = fx_new_connection(client);
    CHECK(*out != NULL);
    CHECK_INT_EQ(fx_install_handlers(*out, ev), 0);
    return 0;
}

/* TLS connection options for a client of the fixture's mosquitto: `ctx_options` (cleaned up
 * here) trusting the CA file `ca`, for the server name "localhost". The caller releases `*ctx`
 * and cleans `*tls` up once the client has copied them. */
static inline int fx_tls_connection_options(struct aws_allocator *alloc, struct aws_tls_ctx_options *ctx_options,
                                            const char *ca, struct aws_tls_ctx **ctx,
                                            struct aws_tls_connection_options *tls) {
    int result = aws_tls_ctx_options_override_default_trust_store_from_path(ctx_options, NULL, ca);
    *ctx = result == AWS_OP_SUCCESS ? aws_tls_client_ctx_new(alloc, ctx_options) : NULL;
    aws_tls_ctx_options_clean_up(ctx_options);
    CHECK(*ctx != NULL);
    aws_tls_connection_options_init_from_ctx(tls, *ctx);
    struct aws_byte_cursor server_name = fx_cur("localhost");
    CHECK_INT_EQ(aws_tls_connection_options_set_server_name(tls, alloc, &server_name), AWS_OP_SUCCESS);
    return 0;
}

/* Connection options for 127.0.0.1:port; `socket` must outlive the call to connect. */
static inline struct aws_mqtt_connection_options fx_connect_options(struct aws_socket_options *socket, int port,
                                                             const char *client_id, struct fx_events *ev) {
    memset(socket, 0, sizeof(*socket));
    socket->type = AWS_SOCKET_STREAM;
    socket->domain = AWS_SOCKET_IPV4;
    socket->connect_timeout_ms = 3000;
    struct aws_mqtt_connection_options options = {
        .host_name = fx_cur("127.0.0.1"),
        .port = (uint32_t)port,
        .socket_options = socket,
        .client_id = fx_cur(client_id),
        .keep_alive_time_secs = 30,
        .ping_timeout_ms = 3000,
        .on_connection_complete = fx_on_connection_complete,
        .user_data = ev,
        .clean_session = true,
    };
    return options;
}

/* A new connection with all handlers, connected to 127.0.0.1:port (waits for the CONNACK). */
static inline int fx_connect(struct aws_mqtt_client *client, struct aws_mqtt_client_connection **out, struct fx_events *ev,
                      int port, const char *client_id) {
    CHECK_INT_EQ(fx_connection_new(client, out, ev), 0);
    struct aws_socket_options socket;
    struct aws_mqtt_connection_options options = fx_connect_options(&socket, port, client_id, ev);
    CHECK_INT_EQ(aws_mqtt_client_connection_connect(*out, &options), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, ev->complete >= 1, 10000);
    CHECK_INT_EQ(ev->complete_error, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(ev->complete_return_code, AWS_MQTT_CONNECT_ACCEPTED);
    return 0;
}

/* Disconnects (waits for on_disconnect) and releases; waits for the termination handler. */
static inline int fx_disconnect_and_release(struct aws_mqtt_client_connection *connection, struct fx_events *ev) {
    int before;
    FX_READ(ev, ev->disconnected, before);
    CHECK_INT_EQ(aws_mqtt_client_connection_disconnect(connection, fx_on_disconnect, ev), AWS_OP_SUCCESS);
    CHECK_WAIT(ev, ev->disconnected > before, 10000);
    aws_mqtt_client_connection_release(connection);
    CHECK_WAIT(ev, ev->terminated == 1, 10000);
    return 0;
}

/* Subscribes to one filter and waits for its SUBACK; returns 0 and checks the grant. */
static inline int fx_subscribe(struct aws_mqtt_client_connection *connection, struct fx_events *ev, const char *filter,
                        enum aws_mqtt_qos qos) {
    int before;
    FX_READ(ev, ev->subacks, before);
    struct aws_byte_cursor topic = fx_cur(filter);
    uint16_t id =
        aws_mqtt_client_connection_subscribe(connection, &topic, qos, fx_on_publish, ev, NULL, fx_on_suback, ev);
    CHECK(id != 0);
    CHECK_WAIT(ev, ev->subacks > before, 10000);
    aws_mutex_lock(&ev->lock);
    struct fx_suback s = ev->suback[before];
    aws_mutex_unlock(&ev->lock);
    CHECK_INT_EQ(s.packet_id, id);
    CHECK_INT_EQ(s.error_code, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(s.qos[0], qos);
    CHECK(strcmp(s.topic, filter) == 0);
    return 0;
}

#endif /* MQTT_FIXTURE_H */
