/* Shared by bench_aws.c and ../mqtt5/bench_aws5.c (on top of bench_common.h): what this project's
 * clients run on, set up and released the same way for both protocols. One event loop
 * (aws_event_loop_group_new_default with one thread), a default host resolver and a client
 * bootstrap; plain TCP with TCP_NODELAY (aws_socket_options.tcp_nodelay, as libmosquitto gets
 * MOSQ_OPT_TCP_NODELAY). */
#ifndef MQTT311_BENCH_AWS_IO_H
#define MQTT311_BENCH_AWS_IO_H

#include "bench_common.h"

#include <aws/common/allocator.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/socket.h>
#include <aws/mqtt/mqtt.h>

struct bench_aws_io {
    struct aws_allocator *alloc;
    struct aws_event_loop_group *elg;
    struct aws_host_resolver *resolver;
    struct aws_client_bootstrap *bootstrap;
    struct aws_socket_options socket;
};

/* The default allocator, aws_mqtt_library_init, then the rest. */
static inline void bench_aws_io_init(struct bench_aws_io *io, const char *lib) {
    struct aws_allocator *alloc = aws_default_allocator();
    io->alloc = alloc;
    aws_mqtt_library_init(alloc);
    io->elg = aws_event_loop_group_new_default(alloc, 1, NULL);
    struct aws_host_resolver_default_options ro = {.max_entries = 8, .el_group = io->elg};
    io->resolver = aws_host_resolver_new_default(alloc, &ro);
    struct aws_client_bootstrap_options bo = {.event_loop_group = io->elg, .host_resolver = io->resolver};
    io->bootstrap = aws_client_bootstrap_new(alloc, &bo);
    if (!io->elg || !io->resolver || !io->bootstrap) {
        bench_fail(lib, "event loop group / host resolver / bootstrap");
    }
    io->socket = (struct aws_socket_options){
        .type = AWS_SOCKET_STREAM,
        .domain = AWS_SOCKET_IPV4,
        .connect_timeout_ms = 3000,
        .tcp_nodelay = AWS_SOCKET_TCP_NODELAY_ON, /* as MOSQ_OPT_TCP_NODELAY for libmosquitto */
    };
}

/* Drops the references; the rest finishes on the loop's thread. The programs exit without
 * aws_mqtt_library_clean_up (it would need every thread of the library joined first). */
static inline void bench_aws_io_release(struct bench_aws_io *io) {
    aws_client_bootstrap_release(io->bootstrap);
    aws_host_resolver_release(io->resolver);
    aws_event_loop_group_release(io->elg);
}

#endif /* MQTT311_BENCH_AWS_IO_H */
