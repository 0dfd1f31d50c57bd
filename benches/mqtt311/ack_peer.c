/* A minimal MQTT 3.1.1 and MQTT 5 peer for the client benchmarks: it costs the client as little
 * as possible, so what is measured is the client alone.
 *
 *   ack_peer [PORT]      listens on 127.0.0.1:PORT (0 or absent: a free port), prints
 *                        "listening 127.0.0.1:PORT" on stdout, and serves until killed.
 *
 * Single-threaded, epoll, non-blocking sockets. Every connection is served on its own, in the
 * protocol its CONNECT names (protocol level 5: MQTT 5; anything else: MQTT 3.1.1):
 *   CONNECT     -> CONNACK (accepted, session present = 0)
 *   PUBLISH q0  -> nothing, or the echo below
 *   PUBLISH q1  -> PUBACK
 *   PUBLISH q2  -> PUBREC; PUBREL -> PUBCOMP
 *   SUBSCRIBE   -> SUBACK granting min(requested QoS, 1) for each filter
 *   UNSUBSCRIBE -> UNSUBACK
 *   PINGREQ     -> PINGRESP
 *   DISCONNECT  -> close
 *   PUBACK / PUBREC / PUBCOMP from the client (answers to the echo) are read and ignored.
 * MQTT 5 differs only in the packets' variable headers: the CONNACK carries reason code 0 and an
 * empty property list; PUBACK (reason 0), SUBACK and UNSUBACK (reason 0 for each filter) carry an
 * empty property list; the client's properties (PUBLISH, SUBSCRIBE, UNSUBSCRIBE) are skipped; an
 * echoed PUBLISH has no properties; PUBREC and PUBCOMP use the short form (reason 0, no
 * properties); AUTH closes the connection.
 *
 * Echo: once a connection has subscribed to anything, every PUBLISH it sends is sent back to it
 * (same topic, same payload, retain flag cleared) at QoS min(publish QoS, 1), with a packet
 * identifier of the peer's own for QoS 1. Topic filters are not matched: any subscription turns
 * the echo on; unsubscribing from everything turns it off. There is no routing between
 * connections. For a QoS 1 or 2 publish the acknowledgement is queued before the echo.
 *
 * Batching: each readable connection is read in chunks of up to 256 KiB, every complete packet
 * in the chunk is answered into one output buffer, and the buffer goes out in one write per
 * chunk. A connection whose unsent output passes 8 MiB is not read again until that drains
 * (EPOLLOUT), which is the only back-pressure the peer applies. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_CHUNK (256 * 1024)
#define OUT_HIGH_WATER (8u * 1024 * 1024)

struct buf {
    uint8_t *data;
    size_t len;
    size_t cap;
};

struct conn {
    int fd;
    struct buf in;   /* unparsed bytes: at most one partial packet after each chunk */
    struct buf out;  /* answers not yet written */
    size_t out_off;  /* bytes of out already written */
    int subscriptions;
    int v5;          /* the CONNECT asked for MQTT 5 (protocol level 5) */
    uint16_t next_id;
    int want_out;    /* EPOLLOUT armed, EPOLLIN disarmed */
};

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void buf_reserve(struct buf *b, size_t extra) {
    if (b->len + extra <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) {
        cap *= 2;
    }
    b->data = realloc(b->data, cap);
    if (!b->data) {
        die("realloc");
    }
    b->cap = cap;
}

static void put(struct buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put4(struct buf *b, uint8_t type_flags, uint16_t id) {
    uint8_t p[4] = {type_flags, 2, (uint8_t)(id >> 8), (uint8_t)id};
    put(b, p, 4);
}

static size_t put_varint(uint8_t *p, size_t v) {
    size_t n = 0;
    do {
        uint8_t byte = v % 128;
        v /= 128;
        if (v) {
            byte |= 0x80;
        }
        p[n++] = byte;
    } while (v);
    return n;
}

/* Reads the Variable Byte Integer at p[*off] (bounded by len) into *v. Returns -1 if malformed
 * or cut short. */
static int get_varint(const uint8_t *p, size_t len, size_t *off, size_t *v) {
    size_t value = 0, mult = 1;
    for (int k = 0; k < 4; k++) {
        if (*off >= len) {
            return -1;
        }
        uint8_t byte = p[(*off)++];
        value += (size_t)(byte & 0x7f) * mult;
        mult *= 128;
        if (!(byte & 0x80)) {
            *v = value;
            return 0;
        }
    }
    return -1;
}

/* Skips an MQTT 5 property list (its length, then the properties) at body[*off]. */
static int skip_properties(const uint8_t *body, size_t len, size_t *off) {
    size_t plen;
    if (get_varint(body, len, off, &plen) < 0 || plen > len - *off) {
        return -1;
    }
    *off += plen;
    return 0;
}

static int epfd;

static void arm(struct conn *c, int want_out) {
    if (c->want_out == want_out) {
        return;
    }
    struct epoll_event ev = {.events = want_out ? EPOLLOUT : EPOLLIN, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
        die("epoll_ctl mod");
    }
    c->want_out = want_out;
}

static void conn_close(struct conn *c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in.data);
    free(c->out.data);
    free(c);
}

/* Writes what it can. Returns -1 when the connection is gone. */
static int flush(struct conn *c) {
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
        if (n > 0) {
            c->out_off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            return -1;
        }
    }
    if (c->out_off == c->out.len) {
        c->out.len = 0;
        c->out_off = 0;
    } else if (c->out_off > c->out.len / 2) {
        memmove(c->out.data, c->out.data + c->out_off, c->out.len - c->out_off);
        c->out.len -= c->out_off;
        c->out_off = 0;
    }
    arm(c, c->out.len - c->out_off > OUT_HIGH_WATER);
    return 0;
}

/* Answers one complete packet: first byte `h`, `body` of `len` bytes. Returns -1 to close. */
static int handle(struct conn *c, uint8_t h, const uint8_t *body, size_t len) {
    uint8_t type = h >> 4;
    switch (type) {
    case 1: { /* CONNECT: u16 4, "MQTT", protocol level */
        static const uint8_t connack[4] = {0x20, 2, 0, 0};
        /* session present 0, reason code 0, property length 0 */
        static const uint8_t connack5[5] = {0x20, 3, 0, 0, 0};
        c->v5 = len >= 7 && body[6] == 5;
        if (c->v5) {
            put(&c->out, connack5, 5);
        } else {
            put(&c->out, connack, 4);
        }
        return 0;
    }
    case 3: { /* PUBLISH */
        int qos = (h >> 1) & 3;
        if (len < 2) {
            return -1;
        }
        size_t tlen = ((size_t)body[0] << 8) | body[1];
        size_t hdr = 2 + tlen + (qos ? 2 : 0);
        if (hdr > len) {
            return -1;
        }
        if (c->v5 && skip_properties(body, len, &hdr) < 0) {
            return -1;
        }
        if (qos == 1 && c->v5) {
            /* packet id, reason code 0, property length 0 */
            uint8_t puback[6] = {0x40, 4, body[2 + tlen], body[3 + tlen], 0, 0};
            put(&c->out, puback, 6);
        } else if (qos == 1) {
            put4(&c->out, 0x40, (uint16_t)((body[2 + tlen] << 8) | body[3 + tlen]));
        } else if (qos == 2) {
            put4(&c->out, 0x50, (uint16_t)((body[2 + tlen] << 8) | body[3 + tlen]));
        }
        if (c->subscriptions > 0) {
            int eq = qos ? 1 : 0;
            size_t plen = len - hdr;
            size_t rem = 2 + tlen + (eq ? 2 : 0) + (c->v5 ? 1 : 0) + plen;
            uint8_t fixed[5];
            fixed[0] = (uint8_t)(0x30 | (eq << 1));
            size_t fl = 1 + put_varint(fixed + 1, rem);
            buf_reserve(&c->out, fl + rem);
            put(&c->out, fixed, fl);
            put(&c->out, body, 2 + tlen);
            if (eq) {
                if (++c->next_id == 0) {
                    c->next_id = 1;
                }
                uint8_t id[2] = {(uint8_t)(c->next_id >> 8), (uint8_t)c->next_id};
                put(&c->out, id, 2);
            }
            if (c->v5) {
                static const uint8_t no_properties = 0;
                put(&c->out, &no_properties, 1);
            }
            put(&c->out, body + hdr, plen);
        }
        return 0;
    }
    case 4: /* PUBACK (to an echo) */
    case 5: /* PUBREC: never asked for, the echo is at most QoS 1 */
    case 7: /* PUBCOMP */
        return 0;
    case 6: /* PUBREL */
        if (len < 2) {
            return -1;
        }
        put4(&c->out, 0x70, (uint16_t)((body[0] << 8) | body[1]));
        return 0;
    case 8: { /* SUBSCRIBE: id, [MQTT 5: properties], then (u16 len, filter, qos/options byte)* */
        if (len < 2) {
            return -1;
        }
        uint8_t granted[256];
        size_t n = 0, off = 2;
        if (c->v5 && skip_properties(body, len, &off) < 0) {
            return -1;
        }
        while (off + 2 <= len) {
            size_t flen = ((size_t)body[off] << 8) | body[off + 1];
            if (off + 2 + flen + 1 > len) {
                return -1;
            }
            off += 2 + flen;
            uint8_t q = body[off++] & 3;
            if (n < sizeof(granted)) {
                granted[n++] = q > 1 ? 1 : q;
            }
        }
        if (n == 0) {
            return -1;
        }
        c->subscriptions += (int)n;
        uint8_t fixed[5];
        fixed[0] = 0x90;
        size_t fl = 1 + put_varint(fixed + 1, 2 + (c->v5 ? 1 : 0) + n);
        put(&c->out, fixed, fl);
        put(&c->out, body, 2);
        if (c->v5) {
            static const uint8_t no_properties = 0;
            put(&c->out, &no_properties, 1);
        }
        put(&c->out, granted, n);
        return 0;
    }
    case 10: { /* UNSUBSCRIBE: id, [MQTT 5: properties], then (u16 len, filter)* */
        if (len < 2) {
            return -1;
        }
        size_t off = 2, n = 0;
        if (c->v5 && skip_properties(body, len, &off) < 0) {
            return -1;
        }
        while (off + 2 <= len) {
            off += 2 + (((size_t)body[off] << 8) | body[off + 1]);
            c->subscriptions--;
            n++;
        }
        if (c->subscriptions < 0) {
            c->subscriptions = 0;
        }
        if (c->v5) {
            /* id, property length 0, reason code 0 (success) for each filter */
            uint8_t fixed[5];
            fixed[0] = 0xB0;
            size_t fl = 1 + put_varint(fixed + 1, 3 + n);
            put(&c->out, fixed, fl);
            put(&c->out, body, 2);
            buf_reserve(&c->out, 1 + n);
            memset(c->out.data + c->out.len, 0, 1 + n);
            c->out.len += 1 + n;
        } else {
            put4(&c->out, 0xB0, (uint16_t)((body[0] << 8) | body[1]));
        }
        return 0;
    }
    case 12: { /* PINGREQ */
        static const uint8_t pingresp[2] = {0xD0, 0};
        put(&c->out, pingresp, 2);
        return 0;
    }
    case 14: /* DISCONNECT */
        return -1;
    default:
        return -1;
    }
}

/* Parses every complete packet in c->in, keeps the partial tail. Returns -1 to close. */
static int parse(struct conn *c) {
    const uint8_t *p = c->in.data;
    size_t avail = c->in.len, off = 0;
    for (;;) {
        if (avail - off < 2) {
            break;
        }
        size_t rem = 0, mult = 1, i = off + 1;
        int complete = 0;
        for (int k = 0; k < 4; k++, i++) {
            if (i >= avail) {
                break;
            }
            rem += (size_t)(p[i] & 0x7f) * mult;
            mult *= 128;
            if (!(p[i] & 0x80)) {
                complete = 1;
                i++;
                break;
            }
            if (k == 3) {
                return -1;
            }
        }
        if (!complete) {
            break;
        }
        if (avail - i < rem) {
            break;
        }
        if (handle(c, p[off], p + i, rem) < 0) {
            return -1;
        }
        off = i + rem;
    }
    if (off > 0) {
        memmove(c->in.data, c->in.data + off, avail - off);
        c->in.len = avail - off;
    }
    return 0;
}

static void on_readable(struct conn *c) {
    for (int rounds = 0; rounds < 4; rounds++) {
        buf_reserve(&c->in, READ_CHUNK);
        ssize_t n = recv(c->fd, c->in.data + c->in.len, READ_CHUNK, 0);
        if (n == 0) {
            conn_close(c);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            conn_close(c);
            return;
        }
        c->in.len += (size_t)n;
        if (parse(c) < 0) {
            flush(c);
            conn_close(c);
            return;
        }
        if (flush(c) < 0) {
            conn_close(c);
            return;
        }
        if (c->want_out || (size_t)n < READ_CHUNK) {
            break;
        }
    }
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) {
        die("socket");
    }
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        die("bind");
    }
    if (listen(lfd, 128) < 0) {
        die("listen");
    }
    socklen_t alen = sizeof(addr);
    getsockname(lfd, (struct sockaddr *)&addr, &alen);
    printf("listening 127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        die("epoll_create1");
    }
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev);

    struct epoll_event evs[64];
    for (;;) {
        int n = epoll_wait(epfd, evs, 64, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c == NULL) {
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                    struct conn *nc = calloc(1, sizeof(*nc));
                    if (!nc) {
                        die("calloc");
                    }
                    nc->fd = fd;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (c->want_out) {
                if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
                    conn_close(c);
                } else if (flush(c) < 0) {
                    conn_close(c);
                }
            } else {
                on_readable(c);
            }
        }
    }
}
