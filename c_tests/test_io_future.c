/* aws/io/future.h through the installed headers: the bool, size and void futures (first
 * completion wins, callbacks now or on completion, one callback only, waiting, a callback on an
 * event loop's thread, channel callbacks refused), and a future type this program defines with
 * upstream's macros, whose owned result is destroyed exactly once. */
#include <aws/common/error.h>
#include <aws/common/string.h>
#include <aws/common/thread.h>
#include <aws/io/event_loop.h>
#include <aws/io/future.h>
#include <aws/io/io.h>

#include <string.h>

#include "test_support.h"

/* A future of this program's own, holding an aws_string it destroys. */
AWS_FUTURE_T_POINTER_WITH_DESTROY_DECLARATION(test_future_string, struct aws_string, AWS_IO_API)
AWS_FUTURE_T_POINTER_WITH_DESTROY_IMPLEMENTATION(test_future_string, struct aws_string, aws_string_destroy)

/* And one holding a byte buffer by value, cleaned up with aws_byte_buf_clean_up. */
AWS_FUTURE_T_BY_VALUE_WITH_CLEAN_UP_DECLARATION(test_future_buf, struct aws_byte_buf, AWS_IO_API)
AWS_FUTURE_T_BY_VALUE_WITH_CLEAN_UP_IMPLEMENTATION(test_future_buf, struct aws_byte_buf, aws_byte_buf_clean_up)

static void count(void *user_data) {
    (*(int *)user_data)++;
}

static int test_by_value(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_future_size *size = aws_future_size_new(alloc);
    CHECK(!aws_future_size_is_done(size));
    CHECK(!aws_future_size_wait(size, 1000));
    int calls = 0;
    aws_future_size_register_callback(size, count, &calls);
    aws_future_size_set_result(size, 42);
    aws_future_size_set_error(size, AWS_ERROR_OOM);
    CHECK_INT_EQ(calls, 1);
    CHECK(aws_future_size_wait(size, 0));
    CHECK_INT_EQ(aws_future_size_get_error(size), 0);
    CHECK_INT_EQ(aws_future_size_get_result(size), 42);
    CHECK(aws_future_size_release(size) == NULL);

    struct aws_future_bool *b = aws_future_bool_new(alloc);
    CHECK(aws_future_bool_acquire(b) == b);
    aws_future_bool_set_error(b, AWS_ERROR_OOM);
    CHECK_INT_EQ(aws_future_bool_get_error(b), AWS_ERROR_OOM);
    CHECK(!aws_future_bool_register_callback_if_not_done(b, count, &calls));
    CHECK_INT_EQ(calls, 1);
    aws_future_bool_register_callback(b, count, &calls);
    CHECK_INT_EQ(calls, 2);
    aws_future_bool_release(b);
    aws_future_bool_release(b);

    struct aws_future_void *v = aws_future_void_new(alloc);
    CHECK(aws_future_void_register_callback_if_not_done(v, count, &calls));
    aws_reset_error();
    aws_future_void_register_channel_callback(v, NULL, count, &calls);
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_UNSUPPORTED_OPERATION);
    aws_future_void_set_result(v);
    CHECK_INT_EQ(calls, 3);
    CHECK_INT_EQ(aws_future_void_get_error(v), 0);
    aws_future_void_release(v);
    return 0;
}

static struct aws_thread_id_t_holder {
    aws_thread_id_t id;
} s_ran_on;

static void note_thread(void *user_data) {
    s_ran_on.id = aws_thread_current_thread_id();
    aws_future_void_set_result(user_data);
}

static int test_event_loop_callback(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct aws_event_loop_group *group = aws_event_loop_group_new_default(alloc, 1, NULL);
    struct aws_event_loop *loop = aws_event_loop_group_get_next_loop(group);
    struct aws_future_size *size = aws_future_size_new(alloc);
    struct aws_future_void *ran = aws_future_void_new(alloc);
    aws_future_size_set_result(size, 1);
    aws_future_size_register_event_loop_callback(size, loop, note_thread, ran);
    CHECK(aws_future_void_wait(ran, 10ULL * 1000 * 1000 * 1000));
    CHECK(!aws_thread_thread_id_equal(s_ran_on.id, aws_thread_current_thread_id()));
    aws_future_void_release(ran);
    aws_future_size_release(size);
    aws_event_loop_group_release(group);
    return 0;
}

static int test_owned_results(void) {
    struct aws_allocator *alloc = aws_default_allocator();
    struct test_future_string *f = test_future_string_new(alloc);
    struct aws_string *first = aws_string_new_from_c_str(alloc, "first");
    struct aws_string *second = aws_string_new_from_c_str(alloc, "second");
    test_future_string_set_result_by_move(f, &first);
    CHECK(first == NULL);
    test_future_string_set_result_by_move(f, &second); /* destroyed at once */
    CHECK(second == NULL);
    CHECK(aws_string_eq_c_str(test_future_string_peek_result(f), "first"));
    struct aws_string *mine = test_future_string_get_result_by_move(f);
    CHECK(aws_string_eq_c_str(mine, "first"));
    test_future_string_release(f);
    aws_string_destroy(mine);

    struct test_future_buf *fb = test_future_buf_new(alloc);
    struct aws_byte_buf buf;
    aws_byte_buf_init_copy_from_cursor(&buf, alloc, aws_byte_cursor_from_c_str("bytes"));
    test_future_buf_set_result_by_move(fb, &buf);
    CHECK(buf.buffer == NULL);
    CHECK(aws_byte_buf_eq_c_str(test_future_buf_peek_result(fb), "bytes"));
    test_future_buf_release(fb); /* cleans the buffer up: a leak checker would see otherwise */
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    RUN(test_by_value);
    RUN(test_event_loop_callback);
    RUN(test_owned_results);
    aws_io_library_clean_up();
    return 0;
}
