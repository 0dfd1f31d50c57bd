/* aws/io/host_resolver.h: the default resolver resolving loopback names and IP literals on its
 * own threads, refusing invalid names, caching, custom resolve functions, connection failures,
 * purges, the address helpers, the shutdown callback, and refusal of NULL or invalid arguments.
 * Only "localhost", loopback literals and names that cannot be host names are ever resolved
 * through the system. Callbacks are awaited through a mutex and a condition variable. Memory
 * goes through a tracing allocator, which must end empty. */
#include <aws/common/allocator.h>
#include <aws/common/array_list.h>
#include <aws/common/byte_buf.h>
#include <aws/common/condition_variable.h>
#include <aws/common/error.h>
#include <aws/common/mutex.h>
#include <aws/common/string.h>
#include <aws/common/thread.h>
#include <aws/io/host_resolver.h>
#include <aws/io/io.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test_support.h"

#define MAX_ADDRESSES 8

static struct aws_allocator *s_alloc;

/* What one resolution callback saw. */
struct resolution {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    bool done;
    int err;
    bool list_was_null;
    bool host_name_matches;
    size_t count;
    struct aws_host_address addresses[MAX_ADDRESSES];
    aws_thread_id_t thread;
    /* When set, the callback releases this resolver (a release from inside a callback). */
    struct aws_host_resolver *release_in_callback;
    const char *expected_host;
};

static void s_resolution_init(struct resolution *r, const char *host) {
    memset(r, 0, sizeof(*r));
    aws_mutex_init(&r->lock);
    aws_condition_variable_init(&r->signal);
    r->expected_host = host;
}

static void s_resolution_clean_up(struct resolution *r) {
    for (size_t i = 0; i < r->count && i < MAX_ADDRESSES; ++i) {
        aws_host_address_clean_up(&r->addresses[i]);
    }
    aws_condition_variable_clean_up(&r->signal);
    aws_mutex_clean_up(&r->lock);
}

static void s_on_resolved(
    struct aws_host_resolver *resolver,
    const struct aws_string *host_name,
    int err_code,
    const struct aws_array_list *host_addresses,
    void *user_data) {
    (void)resolver;
    struct resolution *r = user_data;
    aws_mutex_lock(&r->lock);
    r->err = err_code;
    r->list_was_null = host_addresses == NULL;
    r->host_name_matches = host_name != NULL && strcmp(aws_string_c_str(host_name), r->expected_host) == 0;
    r->count = host_addresses ? aws_array_list_length(host_addresses) : 0;
    for (size_t i = 0; i < r->count && i < MAX_ADDRESSES; ++i) {
        struct aws_host_address *address = NULL;
        aws_array_list_get_at_ptr(host_addresses, (void **)&address, i);
        aws_host_address_copy(address, &r->addresses[i]);
    }
    r->thread = aws_thread_current_thread_id();
    if (r->release_in_callback) {
        aws_host_resolver_release(r->release_in_callback);
    }
    r->done = true;
    aws_condition_variable_notify_all(&r->signal);
    aws_mutex_unlock(&r->lock);
}

static bool s_is_done(void *ctx) {
    return *(bool *)ctx;
}

static int s_wait(struct resolution *r) {
    aws_mutex_lock(&r->lock);
    int rc = aws_condition_variable_wait_pred(&r->signal, &r->lock, s_is_done, &r->done);
    aws_mutex_unlock(&r->lock);
    return rc;
}

/* Resolves `host` (with `config`, NULL for the default) and waits for the callback. */
static int s_resolve(struct aws_host_resolver *resolver, const char *host, const struct aws_host_resolution_config *config, struct resolution *r) {
    s_resolution_init(r, host);
    struct aws_string *name = aws_string_new_from_c_str(s_alloc, host);
    int rc = aws_host_resolver_resolve_host(resolver, name, s_on_resolved, config, r);
    aws_string_destroy(name);
    CHECK_INT_EQ(rc, AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_wait(r), AWS_OP_SUCCESS);
    return 0;
}

/* A flag set by a completion callback, awaited like a resolution. */
struct completion {
    struct aws_mutex lock;
    struct aws_condition_variable signal;
    bool done;
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
    aws_condition_variable_notify_all(&c->signal);
    aws_mutex_unlock(&c->lock);
}

static int s_await(struct completion *c) {
    aws_mutex_lock(&c->lock);
    int rc = aws_condition_variable_wait_pred(&c->signal, &c->lock, s_is_done, &c->done);
    aws_mutex_unlock(&c->lock);
    aws_condition_variable_clean_up(&c->signal);
    aws_mutex_clean_up(&c->lock);
    return rc;
}

static struct aws_host_resolver *s_new_resolver(struct completion *shutdown) {
    struct aws_shutdown_callback_options on_shutdown = {
        .shutdown_callback_fn = s_complete,
        .shutdown_callback_user_data = shutdown,
    };
    struct aws_host_resolver_default_options options = {
        .max_entries = 8,
        .shutdown_options = shutdown ? &on_shutdown : NULL,
    };
    if (shutdown) {
        s_completion_init(shutdown);
    }
    return aws_host_resolver_new_default(s_alloc, &options);
}

/* Releases the resolver and waits for its shutdown callback. */
static int s_release_and_wait(struct aws_host_resolver *resolver, struct completion *shutdown) {
    aws_host_resolver_release(resolver);
    CHECK_INT_EQ(s_await(shutdown), AWS_OP_SUCCESS);
    return 0;
}

static bool s_address_is(const struct aws_host_address *a, const char *text, enum aws_address_record_type type) {
    return a->address != NULL && strcmp(aws_string_c_str(a->address), text) == 0 && a->record_type == type;
}

/* ---- custom resolve functions ---- */

struct custom_answer {
    const char *addresses[4];
    int fail_with;
    int calls;
};

static int s_custom_resolve(struct aws_allocator *allocator, const struct aws_string *host_name, struct aws_array_list *out, void *user_data) {
    struct custom_answer *answer = user_data;
    answer->calls++;
    if (answer->fail_with) {
        return aws_raise_error(answer->fail_with);
    }
    for (size_t i = 0; i < 4 && answer->addresses[i]; ++i) {
        struct aws_host_address address;
        memset(&address, 0, sizeof(address));
        address.allocator = allocator;
        address.host = aws_string_new_from_string(allocator, host_name);
        address.address = aws_string_new_from_c_str(allocator, answer->addresses[i]);
        address.record_type = strchr(answer->addresses[i], ':') ? AWS_ADDRESS_RECORD_TYPE_AAAA : AWS_ADDRESS_RECORD_TYPE_A;
        if (aws_array_list_push_back(out, &address)) {
            aws_host_address_clean_up(&address);
            return AWS_OP_ERR;
        }
    }
    return AWS_OP_SUCCESS;
}

/* ---- tests ---- */

static int test_the_default_resolution_config_is_upstreams(void) {
    struct aws_host_resolution_config config = aws_host_resolver_init_default_resolution_config();
    CHECK(config.impl == aws_default_dns_resolve);
    CHECK_INT_EQ(config.max_ttl, 30);
    CHECK(config.impl_data == NULL);
    CHECK(config.resolve_frequency_ns == 1000000000ULL);
    return 0;
}

static int test_localhost_resolves_to_loopback_on_a_resolver_thread(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    CHECK(resolver != NULL);
    struct aws_host_resolution_config config = aws_host_resolver_init_default_resolution_config();
    struct resolution r;
    CHECK(s_resolve(resolver, "localhost", &config, &r) == 0);
    CHECK_INT_EQ(r.err, AWS_ERROR_SUCCESS);
    CHECK(!r.list_was_null && r.host_name_matches);
    CHECK(r.count >= 1);
    for (size_t i = 0; i < r.count; ++i) {
        CHECK(s_address_is(&r.addresses[i], "127.0.0.1", AWS_ADDRESS_RECORD_TYPE_A) ||
              s_address_is(&r.addresses[i], "::1", AWS_ADDRESS_RECORD_TYPE_AAAA));
        CHECK(strcmp(aws_string_c_str(r.addresses[i].host), "localhost") == 0);
        CHECK(r.addresses[i].allocator == s_alloc);
    }
    CHECK(!aws_thread_thread_id_equal(r.thread, aws_thread_current_thread_id()));
    s_resolution_clean_up(&r);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_an_ip_literal_resolves_to_itself(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    struct resolution r;
    CHECK(s_resolve(resolver, "::1", NULL, &r) == 0);
    CHECK_INT_EQ(r.err, AWS_ERROR_SUCCESS);
    CHECK_INT_EQ(r.count, 1);
    CHECK(s_address_is(&r.addresses[0], "::1", AWS_ADDRESS_RECORD_TYPE_AAAA));
    s_resolution_clean_up(&r);
    CHECK(s_resolve(resolver, "127.0.0.1", NULL, &r) == 0);
    CHECK(s_address_is(&r.addresses[0], "127.0.0.1", AWS_ADDRESS_RECORD_TYPE_A));
    s_resolution_clean_up(&r);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_an_invalid_name_fails_with_dns_invalid_name(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    const char *invalid[] = {"bad name", "bad..name", ""};
    for (size_t i = 0; i < 3; ++i) {
        struct resolution r;
        CHECK(s_resolve(resolver, invalid[i], NULL, &r) == 0);
        CHECK_INT_EQ(r.err, AWS_IO_DNS_INVALID_NAME);
        CHECK(r.list_was_null);
        CHECK(r.host_name_matches);
        s_resolution_clean_up(&r);
    }
    return s_release_and_wait(resolver, &shutdown);
}

static int test_a_custom_resolve_function_is_used_and_its_answer_cached(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    struct custom_answer answer = {.addresses = {"10.1.2.3"}};
    struct aws_host_resolution_config config = aws_host_resolver_init_default_resolution_config();
    config.impl = s_custom_resolve;
    config.impl_data = &answer;

    for (int i = 0; i < 2; ++i) {
        struct resolution r;
        CHECK(s_resolve(resolver, "broker.test", &config, &r) == 0);
        CHECK_INT_EQ(r.err, AWS_ERROR_SUCCESS);
        CHECK_INT_EQ(r.count, 1);
        CHECK(s_address_is(&r.addresses[0], "10.1.2.3", AWS_ADDRESS_RECORD_TYPE_A));
        s_resolution_clean_up(&r);
    }
    CHECK_INT_EQ(answer.calls, 1);

    struct aws_string *host = aws_string_new_from_c_str(s_alloc, "broker.test");
    CHECK_INT_EQ(aws_host_resolver_get_host_address_count(resolver, host, AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A), 1);
    CHECK_INT_EQ(aws_host_resolver_get_host_address_count(resolver, host, AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_AAAA), 0);

    struct completion purged;
    s_completion_init(&purged);
    struct aws_host_resolver_purge_host_options purge = {
        .host = host,
        .on_host_purge_complete_callback = s_complete,
        .user_data = &purged,
    };
    CHECK_INT_EQ(aws_host_resolver_purge_host_cache(resolver, &purge), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_await(&purged), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_host_resolver_get_host_address_count(resolver, host, AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A), 0);
    aws_string_destroy(host);

    struct resolution r;
    CHECK(s_resolve(resolver, "broker.test", &config, &r) == 0);
    CHECK_INT_EQ(r.err, AWS_ERROR_SUCCESS);
    s_resolution_clean_up(&r);
    CHECK_INT_EQ(answer.calls, 2);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_a_failing_resolve_function_reports_its_error(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    struct custom_answer answer = {.fail_with = AWS_IO_DNS_NO_ADDRESS_FOR_HOST};
    struct aws_host_resolution_config config = aws_host_resolver_init_default_resolution_config();
    config.impl = s_custom_resolve;
    config.impl_data = &answer;
    struct resolution r;
    CHECK(s_resolve(resolver, "failing.test", &config, &r) == 0);
    CHECK_INT_EQ(r.err, AWS_IO_DNS_NO_ADDRESS_FOR_HOST);
    CHECK(r.list_was_null);
    s_resolution_clean_up(&r);

    /* Succeeding with no address at all is a failed query. */
    struct custom_answer empty = {.addresses = {NULL}};
    config.impl_data = &empty;
    CHECK(s_resolve(resolver, "empty.test", &config, &r) == 0);
    CHECK_INT_EQ(r.err, AWS_IO_DNS_QUERY_FAILED);
    s_resolution_clean_up(&r);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_addresses_come_ipv6_first_and_a_failed_one_last(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    struct custom_answer answer = {.addresses = {"10.0.0.1", "fd00::1"}};
    struct aws_host_resolution_config config = aws_host_resolver_init_default_resolution_config();
    config.impl = s_custom_resolve;
    config.impl_data = &answer;

    struct resolution r;
    CHECK(s_resolve(resolver, "dual.test", &config, &r) == 0);
    CHECK_INT_EQ(r.count, 2);
    CHECK(s_address_is(&r.addresses[0], "fd00::1", AWS_ADDRESS_RECORD_TYPE_AAAA));
    CHECK(s_address_is(&r.addresses[1], "10.0.0.1", AWS_ADDRESS_RECORD_TYPE_A));
    CHECK_INT_EQ(aws_host_resolver_record_connection_failure(resolver, &r.addresses[0]), AWS_OP_SUCCESS);
    s_resolution_clean_up(&r);

    CHECK(s_resolve(resolver, "dual.test", &config, &r) == 0);
    CHECK_INT_EQ(r.count, 2);
    CHECK(s_address_is(&r.addresses[0], "10.0.0.1", AWS_ADDRESS_RECORD_TYPE_A));
    CHECK(s_address_is(&r.addresses[1], "fd00::1", AWS_ADDRESS_RECORD_TYPE_AAAA));
    s_resolution_clean_up(&r);
    CHECK_INT_EQ(answer.calls, 1);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_purging_the_cache_completes_on_a_resolver_thread(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    struct resolution r;
    CHECK(s_resolve(resolver, "127.0.0.1", NULL, &r) == 0);
    s_resolution_clean_up(&r);
    struct aws_string *host = aws_string_new_from_c_str(s_alloc, "127.0.0.1");
    CHECK_INT_EQ(aws_host_resolver_get_host_address_count(resolver, host, AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A | AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_AAAA), 1);
    struct completion purged;
    s_completion_init(&purged);
    CHECK_INT_EQ(aws_host_resolver_purge_cache_with_callback(resolver, s_complete, &purged), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_await(&purged), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_host_resolver_get_host_address_count(resolver, host, AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A), 0);
    CHECK_INT_EQ(aws_host_resolver_purge_cache(resolver), AWS_OP_SUCCESS);
    aws_string_destroy(host);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_references_keep_the_resolver_until_the_last_release(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    CHECK(aws_host_resolver_acquire(resolver) == resolver);
    aws_host_resolver_release(resolver);
    /* Still usable with the reference left. */
    struct resolution r;
    CHECK(s_resolve(resolver, "localhost", NULL, &r) == 0);
    CHECK_INT_EQ(r.err, AWS_ERROR_SUCCESS);
    s_resolution_clean_up(&r);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_a_resolver_that_never_resolved_shuts_down_too(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_releasing_inside_the_callback_is_safe(void) {
    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    struct resolution r;
    s_resolution_init(&r, "localhost");
    r.release_in_callback = resolver;
    struct aws_string *name = aws_string_new_from_c_str(s_alloc, "localhost");
    CHECK_INT_EQ(aws_host_resolver_resolve_host(resolver, name, s_on_resolved, NULL, &r), AWS_OP_SUCCESS);
    aws_string_destroy(name);
    CHECK_INT_EQ(s_wait(&r), AWS_OP_SUCCESS);
    CHECK_INT_EQ(s_await(&shutdown), AWS_OP_SUCCESS);
    s_resolution_clean_up(&r);
    return 0;
}

static int s_fixed_clock(uint64_t *timestamp) {
    *timestamp = 5000000000ULL;
    return AWS_OP_SUCCESS;
}

static int test_expiry_follows_the_clock_override_and_max_ttl(void) {
    struct completion shutdown;
    s_completion_init(&shutdown);
    struct aws_shutdown_callback_options on_shutdown = {.shutdown_callback_fn = s_complete, .shutdown_callback_user_data = &shutdown};
    struct aws_host_resolver_default_options options = {
        .max_entries = 1,
        .shutdown_options = &on_shutdown,
        .system_clock_override_fn = s_fixed_clock,
    };
    struct aws_host_resolver *resolver = aws_host_resolver_new_default(s_alloc, &options);
    struct aws_host_resolution_config config = aws_host_resolver_init_default_resolution_config();
    config.max_ttl = 7;
    struct resolution r;
    CHECK(s_resolve(resolver, "127.0.0.1", &config, &r) == 0);
    CHECK(r.addresses[0].expiry == 12000000000ULL);
    s_resolution_clean_up(&r);
    return s_release_and_wait(resolver, &shutdown);
}

static int test_host_addresses_copy_move_and_clean_up(void) {
    struct aws_host_address a;
    memset(&a, 0, sizeof(a));
    a.allocator = s_alloc;
    a.host = aws_string_new_from_c_str(s_alloc, "h");
    a.address = aws_string_new_from_c_str(s_alloc, "10.0.0.9");
    a.record_type = AWS_ADDRESS_RECORD_TYPE_A;
    a.expiry = 42;
    struct aws_host_address copy;
    CHECK_INT_EQ(aws_host_address_copy(&a, &copy), AWS_OP_SUCCESS);
    CHECK(copy.address != a.address && aws_string_eq(copy.address, a.address));
    CHECK(copy.expiry == 42 && copy.record_type == AWS_ADDRESS_RECORD_TYPE_A);
    struct aws_host_address moved;
    aws_host_address_move(&copy, &moved);
    CHECK(copy.address == NULL && copy.host == NULL);
    CHECK(aws_string_eq(moved.host, a.host));
    aws_host_address_clean_up(&moved);
    CHECK(moved.address == NULL);
    aws_host_address_clean_up(&a);
    aws_host_address_clean_up(&a);
    return 0;
}

static int test_default_dns_resolve_fills_a_list(void) {
    struct aws_array_list list;
    CHECK_INT_EQ(aws_array_list_init_dynamic(&list, s_alloc, 1, sizeof(struct aws_host_address)), AWS_OP_SUCCESS);
    struct aws_string *host = aws_string_new_from_c_str(s_alloc, "localhost");
    CHECK_INT_EQ(aws_default_dns_resolve(s_alloc, host, &list, NULL), AWS_OP_SUCCESS);
    CHECK(aws_array_list_length(&list) >= 1);
    for (size_t i = 0; i < aws_array_list_length(&list); ++i) {
        struct aws_host_address address;
        CHECK_INT_EQ(aws_array_list_get_at(&list, &address, i), AWS_OP_SUCCESS);
        CHECK(strcmp(aws_string_c_str(address.host), "localhost") == 0);
        aws_host_address_clean_up(&address);
    }
    aws_string_destroy(host);

    struct aws_string *bad = aws_string_new_from_c_str(s_alloc, "bad name");
    CHECK_FAILS_WITH(aws_default_dns_resolve(s_alloc, bad, &list, NULL), AWS_IO_DNS_INVALID_NAME);
    CHECK_FAILS_WITH(aws_default_dns_resolve(NULL, bad, &list, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_default_dns_resolve(s_alloc, NULL, &list, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_default_dns_resolve(s_alloc, bad, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_array_list wrong_items;
    CHECK_INT_EQ(aws_array_list_init_dynamic(&wrong_items, s_alloc, 1, 4), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_default_dns_resolve(s_alloc, bad, &wrong_items, NULL), AWS_ERROR_INVALID_ARGUMENT);
    aws_array_list_clean_up(&wrong_items);
    aws_string_destroy(bad);
    aws_array_list_clean_up(&list);
    return 0;
}

static int test_null_and_invalid_arguments_are_refused(void) {
    struct aws_host_resolver_default_options options = {.max_entries = 1};
    CHECK(aws_host_resolver_new_default(s_alloc, NULL) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK(aws_host_resolver_new_default(NULL, &options) == NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    CHECK(aws_host_resolver_acquire(NULL) == NULL);
    aws_host_resolver_release(NULL);

    struct completion shutdown;
    struct aws_host_resolver *resolver = s_new_resolver(&shutdown);
    struct aws_string *name = aws_string_new_from_c_str(s_alloc, "localhost");
    struct resolution r;
    s_resolution_init(&r, "localhost");
    CHECK_FAILS_WITH(aws_host_resolver_resolve_host(NULL, name, s_on_resolved, NULL, &r), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_host_resolver_resolve_host(resolver, NULL, s_on_resolved, NULL, &r), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_host_resolver_resolve_host(resolver, name, NULL, NULL, &r), AWS_ERROR_INVALID_ARGUMENT);
    CHECK(!r.done);
    s_resolution_clean_up(&r);

    CHECK_FAILS_WITH(aws_host_resolver_record_connection_failure(NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_host_resolver_record_connection_failure(resolver, NULL), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_host_address no_strings;
    memset(&no_strings, 0, sizeof(no_strings));
    CHECK_FAILS_WITH(aws_host_resolver_record_connection_failure(resolver, &no_strings), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_host_resolver_purge_cache(NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_host_resolver_purge_cache_with_callback(NULL, NULL, NULL), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_host_resolver_purge_host_cache(resolver, NULL), AWS_ERROR_INVALID_ARGUMENT);
    struct aws_host_resolver_purge_host_options no_host = {.host = NULL};
    CHECK_FAILS_WITH(aws_host_resolver_purge_host_cache(resolver, &no_host), AWS_ERROR_INVALID_ARGUMENT);

    aws_reset_error();
    CHECK_INT_EQ(aws_host_resolver_get_host_address_count(NULL, name, AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK_INT_EQ(aws_host_resolver_get_host_address_count(resolver, NULL, AWS_GET_HOST_ADDRESS_COUNT_RECORD_TYPE_A), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    CHECK_INT_EQ(aws_host_resolver_get_host_address_count(resolver, name, 4), 0);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    CHECK_FAILS_WITH(aws_host_address_copy(NULL, &no_strings), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_host_address_copy(&no_strings, NULL), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_host_address_move(NULL, &no_strings);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    aws_reset_error();
    aws_host_address_clean_up(NULL);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);

    CHECK_INT_EQ(aws_array_list_length(NULL), 0);
    CHECK_FAILS_WITH(aws_array_list_push_back(NULL, &no_strings), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_array_list_get_at(NULL, &no_strings, 0), AWS_ERROR_INVALID_ARGUMENT);
    CHECK_FAILS_WITH(aws_array_list_init_dynamic(NULL, s_alloc, 1, 1), AWS_ERROR_INVALID_ARGUMENT);

    aws_string_destroy(name);
    return s_release_and_wait(resolver, &shutdown);
}

int main(void) {
    s_alloc = aws_mem_tracer_new(aws_default_allocator(), NULL, AWS_MEMTRACE_BYTES, 0);
    aws_io_library_init(s_alloc);
    RUN(test_the_default_resolution_config_is_upstreams);
    RUN(test_localhost_resolves_to_loopback_on_a_resolver_thread);
    RUN(test_an_ip_literal_resolves_to_itself);
    RUN(test_an_invalid_name_fails_with_dns_invalid_name);
    RUN(test_a_custom_resolve_function_is_used_and_its_answer_cached);
    RUN(test_a_failing_resolve_function_reports_its_error);
    RUN(test_addresses_come_ipv6_first_and_a_failed_one_last);
    RUN(test_purging_the_cache_completes_on_a_resolver_thread);
    RUN(test_references_keep_the_resolver_until_the_last_release);
    RUN(test_a_resolver_that_never_resolved_shuts_down_too);
    RUN(test_releasing_inside_the_callback_is_safe);
    RUN(test_expiry_follows_the_clock_override_and_max_ttl);
    RUN(test_host_addresses_copy_move_and_clean_up);
    RUN(test_default_dns_resolve_fills_a_list);
    RUN(test_null_and_invalid_arguments_are_refused);
    CHECK_INT_EQ(aws_thread_join_all_managed(), AWS_OP_SUCCESS);
    aws_io_library_clean_up();
    CHECK_INT_EQ(aws_mem_tracer_bytes(s_alloc), 0);
    aws_mem_tracer_destroy(s_alloc);
    return 0;
}
