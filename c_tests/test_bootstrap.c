/* aws/io/channel_bootstrap.h: a client bootstrap holds references to its event-loop group and
 * host resolver, is shared by acquire/release, calls on_shutdown_complete once after its last
 * release (on one of the group's loop threads), copies the resolution config, and refuses NULL
 * arguments. Callbacks are awaited through a mutex and a condition variable. Memory goes
 * through a tracing allocator, which must end empty. */
#include <aws/common/allocator.h>
#include <aws/common/condition_variable.h>
#include <aws/common/error.h>
#include <aws/common/mutex.h>
#include <aws/common/thread.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/io.h>

#include <stdbool.h>
#include <string.h>

#include "test_support.h"

static struct aws_allocator *s_alloc;

/* A flag set by a shutdown callback, with the thread it ran on and how often. */
struct completion {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    bool done;
    int calls;
    aws_thread_id_t thread;
};

static void s_completion_init(struct completion *c) {
    memset(c, 0, sizeof(*c));
    aws_mutex_init(&c->lock);
    aws_condition_variable_init(&c->signal);
}

static void s_complete(void *user_data) {
    struct completion *c = user_data;
    aws_mutex_lock(&c->lock);
    c->done = true;
    c->calls += 1;
    c->thread = aws_thread_current_thread_id();
    aws_condition_variable_notify_all(&c->signal);
    aws_mutex_unlock(&c->lock);
}

static bool s_is_done(void *ctx) {
    return *(bool *)ctx;
}

static bool s_done_now(struct completion *c) {
    aws_mutex_lock(&c->lock);
    bool done = c->done;
    aws_mutex_unlock(&c->lock);
    return done;
}

static int s_await(struct completion *c) {
    aws_mutex_lock(&c->lock);
    int rc = aws_condition_variable_wait_pred(&c->signal, &c->lock, s_is_done, &c->done);
    aws_mutex_unlock(&c->lock);
    return rc;
}

static void s_completion_clean_up(struct completion *c) {
    aws_condition_variable_clean_up(&c->signal);
    aws_mutex_clean_up(&c->lock);
}

/* The group, the resolver and their shutdown flags. */
struct fixture {
    struct aws_event_loop_group *group;
    struct aws_host_resolver *resolver;
    struct completion group_down;
    struct completion resolver_down;
};

static int s_fixture_init(struct fixture *f) {
    s_completion_init(&f->group_down);
    s_completion_init(&f->resolver_down);
    struct aws_shutdown_callback_options group_shutdown = {
        .shutdown_callback_fn = s_complete,
        .shutdown_callback_user_data = &f->group_down,
    };
    f->group = aws_event_loop_group_new_default(s_alloc, 1, &group_shutdown);
    CHECK(f->group != NULL);
    struct aws_shutdown_callback_options resolver_shutdown = {
        .shutdown_callback_fn = s_complete,
        .shutdown_callback_user_data = &f->resolver_down,
    };
    struct aws_host_resolver_default_options resolver_options = {
        .max_entries = 8,
        .el_group = f->group,
        .shutdown_options = &resolver_shutdown,
    };
    f->resolver = aws_host_resolver_new_default(s_alloc, &resolver_options);
    CHECK(f->resolver != NULL);
    return 0;
}

/* Releases the fixture's own references and waits for both to shut down. */
static int s_fixture_release_and_wait(struct fixture *f) {
    aws_host_resolver_release(f->resolver);
    aws_event_loop_group_release(f->group);
    CHECK_INT_EQ(s_await(&f->resolver_down), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_await(&f->group_down), AWS_OP_SUCCESS);
    s_completion_clean_up(&f->resolver_down);
    s_completion_clean_up(&f->group_down);
    return 0;
}

static int test_the_last_release_shuts_the_bootstrap_down_on_a_loop_thread(void) {
    struct fixture f;
    CHECK_INT_EQ(s_fixture_init(&f), 0);
    struct completion down;
    s_completion_init(&down);
    struct aws_client_bootstrap_options options = {
        .event_loop_group = f.group,
        .host_resolver = f.resolver,
        .on_shutdown_complete = s_complete,
        .user_data = &down,
    };
    struct aws_client_bootstrap *bootstrap = aws_client_bootstrap_new(s_alloc, &options);
    CHECK(bootstrap != NULL);

    CHECK(aws_client_bootstrap_acquire(bootstrap) == bootstrap);
    aws_client_bootstrap_release(bootstrap);
    CHECK(!s_done_now(&down));

    aws_client_bootstrap_release(bootstrap);
    CHECK_INT_EQ(s_await(&down), AWS_OP_SUCCESS);
    CHECK_INT_EQ(down.calls, 1);
    CHECK(!aws_thread_thread_id_equal(down.thread, aws_thread_current_thread_id()));
    s_completion_clean_up(&down);
    return s_fixture_release_and_wait(&f);
}

static int test_the_bootstrap_keeps_the_group_and_resolver_alive(void) {
    struct fixture f;
    CHECK_INT_EQ(s_fixture_init(&f), 0);
    struct completion down;
    s_completion_init(&down);
    struct aws_host_resolution_config config = aws_host_resolver_init_default_resolution_config();
    config.max_ttl = 5;
    struct aws_client_bootstrap_options options = {
        .event_loop_group = f.group,
        .host_resolver = f.resolver,
        .host_resolution_config = &config,
        .on_shutdown_complete = s_complete,
        .user_data = &down,
    };
    struct aws_client_bootstrap *bootstrap = aws_client_bootstrap_new(s_alloc, &options);
    CHECK(bootstrap != NULL);
    /* The config was copied: scribbling over it changes nothing. */
    memset(&config, 0xA5, sizeof(config));

    /* Only the bootstrap holds them now: still usable, not shut down. */
    aws_host_resolver_release(f.resolver);
    aws_event_loop_group_release(f.group);
    CHECK_INT_EQ(aws_event_loop_group_get_loop_count(f.group), 1);
    CHECK(aws_event_loop_group_get_next_loop(f.group) != NULL);
    CHECK(!s_done_now(&f.group_down));
    CHECK(!s_done_now(&f.resolver_down));

    aws_client_bootstrap_release(bootstrap);
    CHECK_INT_EQ(s_await(&down), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_await(&f.resolver_down), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_await(&f.group_down), AWS_OP_SUCCESS);
    CHECK_INT_EQ(down.calls, 1);
    s_completion_clean_up(&down);
    s_completion_clean_up(&f.resolver_down);
    s_completion_clean_up(&f.group_down);
    return 0;
}

static int test_a_bootstrap_without_a_shutdown_callback_shuts_down_quietly(void) {
    struct fixture f;
    CHECK_INT_EQ(s_fixture_init(&f), 0);
    struct aws_client_bootstrap_options options = {
        .event_loop_group = f.group,
        .host_resolver = f.resolver,
    };
    struct aws_client_bootstrap *bootstrap = aws_client_bootstrap_new(s_alloc, &options);
    CHECK(bootstrap != NULL);
    aws_client_bootstrap_release(bootstrap);
    /* Its references are dropped by the release: the fixture's are the last ones. */
    return s_fixture_release_and_wait(&f);
}

static int test_null_arguments_are_refused(void) {
    struct fixture f;
    CHECK_INT_EQ(s_fixture_init(&f), 0);
    struct aws_client_bootstrap_options options = {
        .event_loop_group = f.group,
        .host_resolver = f.resolver,
    };

    aws_reset_error();
    CHECK(aws_client_bootstrap_new(NULL, &options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    aws_reset_error();
    CHECK(aws_client_bootstrap_new(s_alloc, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    struct aws_client_bootstrap_options no_group = options;
    no_group.event_loop_group = NULL;
    aws_reset_error();
    CHECK(aws_client_bootstrap_new(s_alloc, &no_group) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    struct aws_client_bootstrap_options no_resolver = options;
    no_resolver.host_resolver = NULL;
    aws_reset_error();
    CHECK(aws_client_bootstrap_new(s_alloc, &no_resolver) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    CHECK(aws_client_bootstrap_acquire(NULL) == NULL);
    aws_client_bootstrap_release(NULL);

    /* Nothing above took a reference: the fixture's are the last ones. */
    return s_fixture_release_and_wait(&f);
}

int main(void) {
    s_alloc = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_BYTES, 0);
    aws_io_library_init(s_alloc);
    RUN(test_the_last_release_shuts_the_bootstrap_down_on_a_loop_thread);
    RUN(test_the_bootstrap_keeps_the_group_and_resolver_alive);
    RUN(test_a_bootstrap_without_a_shutdown_callback_shuts_down_quietly);
    RUN(test_null_arguments_are_refused);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    aws_io_library_clean_up();
    CHECK_INT_EQ(aws_mem_tracer_bytes(s_alloc), 0);
    aws_mem_tracer_destroy(s_alloc);
    return 0;
}
