/* Hand-written fragment of aws/io/future.h: the callback and result-disposal function types,
 * and the macros that declare a typed future aws_future_<T> over struct aws_future_impl (they
 * declare this library's aws_future_bool, aws_future_size and aws_future_void too, at the end
 * of this file). A program defines its own typed futures with the same macros; the
 * _IMPLEMENTATION macros forward each function to its aws_future_impl_* counterpart. */
#include <aws/common/allocator.h>
#include <aws/io/io.h>

struct aws_channel;
struct aws_event_loop;
struct aws_future_impl;

/* Runs once the future is done. */
typedef void(aws_future_callback_fn)(void *user_data);
/* Gives up a result stored by value, given its address. */
typedef void(aws_future_impl_result_clean_up_fn)(void *result_addr);
/* Destroys a result stored as a pointer. */
typedef void(aws_future_impl_result_destroy_fn)(void *result);
/* Releases a result stored as a pointer. */
typedef void *(aws_future_impl_result_release_fn)(void *result);

/* Every typed future begins with its (opaque) struct name... */
#define AWS_FUTURE_T_DECLARATION_BEGIN(FUTURE, API) struct FUTURE;
#define AWS_FUTURE_T_IMPLEMENTATION_BEGIN(FUTURE)

/* ...and ends with the functions whose shape does not depend on T. */
#define AWS_FUTURE_T_DECLARATION_END(FUTURE, API)                                                  \
    API struct FUTURE *FUTURE##_acquire(struct FUTURE *future);                                    \
    API struct FUTURE *FUTURE##_release(struct FUTURE *future);                                    \
    API void FUTURE##_set_error(struct FUTURE *future, int error_code);                            \
    API bool FUTURE##_is_done(const struct FUTURE *future);                                        \
    API int FUTURE##_get_error(const struct FUTURE *future);                                       \
    API void FUTURE##_register_callback(                                                           \
        struct FUTURE *future, aws_future_callback_fn *on_done, void *user_data);                  \
    API bool FUTURE##_register_callback_if_not_done(                                               \
        struct FUTURE *future, aws_future_callback_fn *on_done, void *user_data);                  \
    API void FUTURE##_register_event_loop_callback(                                                \
        struct FUTURE *future,                                                                     \
        struct aws_event_loop *event_loop,                                                         \
        aws_future_callback_fn *on_done,                                                           \
        void *user_data);                                                                          \
    API void FUTURE##_register_channel_callback(                                                   \
        struct FUTURE *future, struct aws_channel *channel, aws_future_callback_fn *on_done,       \
        void *user_data);                                                                          \
    API bool FUTURE##_wait(struct FUTURE *future, uint64_t timeout_ns);

#define AWS_FUTURE_T_IMPLEMENTATION_END(FUTURE)                                                    \
    struct FUTURE *FUTURE##_acquire(struct FUTURE *future) {                                       \
        return (struct FUTURE *)aws_future_impl_acquire((struct aws_future_impl *)future);         \
    }                                                                                              \
    struct FUTURE *FUTURE##_release(struct FUTURE *future) {                                       \
        return (struct FUTURE *)aws_future_impl_release((struct aws_future_impl *)future);         \
    }                                                                                              \
    void FUTURE##_set_error(struct FUTURE *future, int error_code) {                               \
        aws_future_impl_set_error((struct aws_future_impl *)future, error_code);                   \
    }                                                                                              \
    bool FUTURE##_is_done(const struct FUTURE *future) {                                           \
        return aws_future_impl_is_done((const struct aws_future_impl *)future);                    \
    }                                                                                              \
    int FUTURE##_get_error(const struct FUTURE *future) {                                          \
        return aws_future_impl_get_error((const struct aws_future_impl *)future);                  \
    }                                                                                              \
    void FUTURE##_register_callback(                                                               \
        struct FUTURE *future, aws_future_callback_fn *on_done, void *user_data) {                 \
        aws_future_impl_register_callback((struct aws_future_impl *)future, on_done, user_data);   \
    }                                                                                              \
    bool FUTURE##_register_callback_if_not_done(                                                   \
        struct FUTURE *future, aws_future_callback_fn *on_done, void *user_data) {                 \
        return aws_future_impl_register_callback_if_not_done(                                      \
            (struct aws_future_impl *)future, on_done, user_data);                                 \
    }                                                                                              \
    void FUTURE##_register_event_loop_callback(                                                    \
        struct FUTURE *future,                                                                     \
        struct aws_event_loop *event_loop,                                                         \
        aws_future_callback_fn *on_done,                                                           \
        void *user_data) {                                                                         \
        aws_future_impl_register_event_loop_callback(                                              \
            (struct aws_future_impl *)future, event_loop, on_done, user_data);                     \
    }                                                                                              \
    void FUTURE##_register_channel_callback(                                                       \
        struct FUTURE *future, struct aws_channel *channel, aws_future_callback_fn *on_done,       \
        void *user_data) {                                                                         \
        aws_future_impl_register_channel_callback(                                                 \
            (struct aws_future_impl *)future, channel, on_done, user_data);                        \
    }                                                                                              \
    bool FUTURE##_wait(struct FUTURE *future, uint64_t timeout_ns) {                               \
        return aws_future_impl_wait((struct aws_future_impl *)future, timeout_ns);                 \
    }

/* T stored by value, nothing to clean up (bool, size_t, enums). */
#define AWS_FUTURE_T_BY_VALUE_DECLARATION(FUTURE, T, API)                                          \
    AWS_FUTURE_T_DECLARATION_BEGIN(FUTURE, API)                                                    \
    API struct FUTURE *FUTURE##_new(struct aws_allocator *alloc);                                  \
    API void FUTURE##_set_result(struct FUTURE *future, T result);                                 \
    API T FUTURE##_get_result(const struct FUTURE *future);                                        \
    AWS_FUTURE_T_DECLARATION_END(FUTURE, API)

#define AWS_FUTURE_T_BY_VALUE_IMPLEMENTATION(FUTURE, T)                                            \
    AWS_FUTURE_T_IMPLEMENTATION_BEGIN(FUTURE)                                                      \
    struct FUTURE *FUTURE##_new(struct aws_allocator *alloc) {                                     \
        return (struct FUTURE *)aws_future_impl_new_by_value(alloc, sizeof(T));                    \
    }                                                                                              \
    void FUTURE##_set_result(struct FUTURE *future, T result) {                                    \
        aws_future_impl_set_result_by_move((struct aws_future_impl *)future, &result);             \
    }                                                                                              \
    T FUTURE##_get_result(const struct FUTURE *future) {                                           \
        return *(T *)aws_future_impl_get_result_address((const struct aws_future_impl *)future);   \
    }                                                                                              \
    AWS_FUTURE_T_IMPLEMENTATION_END(FUTURE)

/* T stored by value, given up with void CLEAN_UP_FN(T *) (aws_byte_buf and the like). */
#define AWS_FUTURE_T_BY_VALUE_WITH_CLEAN_UP_DECLARATION(FUTURE, T, API)                            \
    AWS_FUTURE_T_DECLARATION_BEGIN(FUTURE, API)                                                    \
    API struct FUTURE *FUTURE##_new(struct aws_allocator *alloc);                                  \
    API void FUTURE##_set_result_by_move(struct FUTURE *future, T *value_address);                 \
    API T *FUTURE##_peek_result(const struct FUTURE *future);                                      \
    API T FUTURE##_get_result_by_move(struct FUTURE *future);                                      \
    AWS_FUTURE_T_DECLARATION_END(FUTURE, API)

#define AWS_FUTURE_T_BY_VALUE_WITH_CLEAN_UP_IMPLEMENTATION(FUTURE, T, CLEAN_UP_FN)                 \
    AWS_FUTURE_T_IMPLEMENTATION_BEGIN(FUTURE)                                                      \
    struct FUTURE *FUTURE##_new(struct aws_allocator *alloc) {                                     \
        void (*typed_clean_up)(T *) = CLEAN_UP_FN;                                                 \
        return (struct FUTURE *)aws_future_impl_new_by_value_with_clean_up(                        \
            alloc, sizeof(T), (aws_future_impl_result_clean_up_fn *)typed_clean_up);               \
    }                                                                                              \
    void FUTURE##_set_result_by_move(struct FUTURE *future, T *value_address) {                    \
        aws_future_impl_set_result_by_move((struct aws_future_impl *)future, value_address);       \
    }                                                                                              \
    T *FUTURE##_peek_result(const struct FUTURE *future) {                                         \
        return (T *)aws_future_impl_get_result_address((const struct aws_future_impl *)future);    \
    }                                                                                              \
    T FUTURE##_get_result_by_move(struct FUTURE *future) {                                         \
        T moved;                                                                                   \
        aws_future_impl_get_result_by_move((struct aws_future_impl *)future, &moved);              \
        return moved;                                                                              \
    }                                                                                              \
    AWS_FUTURE_T_IMPLEMENTATION_END(FUTURE)

/* T *, nothing to clean up. */
#define AWS_FUTURE_T_POINTER_DECLARATION(FUTURE, T, API)                                           \
    AWS_FUTURE_T_DECLARATION_BEGIN(FUTURE, API)                                                    \
    API struct FUTURE *FUTURE##_new(struct aws_allocator *alloc);                                  \
    API void FUTURE##_set_result(struct FUTURE *future, T *result);                                \
    API T *FUTURE##_get_result(const struct FUTURE *future);                                       \
    AWS_FUTURE_T_DECLARATION_END(FUTURE, API)

#define AWS_FUTURE_T_POINTER_IMPLEMENTATION(FUTURE, T)                                             \
    AWS_FUTURE_T_IMPLEMENTATION_BEGIN(FUTURE)                                                      \
    struct FUTURE *FUTURE##_new(struct aws_allocator *alloc) {                                     \
        return (struct FUTURE *)aws_future_impl_new_pointer(alloc);                                \
    }                                                                                              \
    void FUTURE##_set_result(struct FUTURE *future, T *result) {                                   \
        aws_future_impl_set_result_by_move((struct aws_future_impl *)future, &result);             \
    }                                                                                              \
    T *FUTURE##_get_result(const struct FUTURE *future) {                                          \
        return *(T **)aws_future_impl_get_result_address((const struct aws_future_impl *)future);  \
    }                                                                                              \
    AWS_FUTURE_T_IMPLEMENTATION_END(FUTURE)

/* The by-pointer futures that own their result share these four functions. */
#define AWS_FUTURE_T_OWNED_POINTER_DECLARATIONS_(FUTURE, T, API)                                   \
    API struct FUTURE *FUTURE##_new(struct aws_allocator *alloc);                                  \
    API void FUTURE##_set_result_by_move(struct FUTURE *future, T **pointer_address);              \
    API T *FUTURE##_get_result_by_move(struct FUTURE *future);                                     \
    API T *FUTURE##_peek_result(const struct FUTURE *future);

#define AWS_FUTURE_T_OWNED_POINTER_ACCESSORS_(FUTURE, T)                                           \
    void FUTURE##_set_result_by_move(struct FUTURE *future, T **pointer_address) {                 \
        aws_future_impl_set_result_by_move((struct aws_future_impl *)future, pointer_address);     \
    }                                                                                              \
    T *FUTURE##_get_result_by_move(struct FUTURE *future) {                                        \
        T *moved;                                                                                  \
        aws_future_impl_get_result_by_move((struct aws_future_impl *)future, &moved);              \
        return moved;                                                                              \
    }                                                                                              \
    T *FUTURE##_peek_result(const struct FUTURE *future) {                                         \
        return *(T **)aws_future_impl_get_result_address((const struct aws_future_impl *)future);  \
    }

/* T *, given up with void DESTROY_FN(T *) (aws_string and the like). */
#define AWS_FUTURE_T_POINTER_WITH_DESTROY_DECLARATION(FUTURE, T, API)                              \
    AWS_FUTURE_T_DECLARATION_BEGIN(FUTURE, API)                                                    \
    AWS_FUTURE_T_OWNED_POINTER_DECLARATIONS_(FUTURE, T, API)                                       \
    AWS_FUTURE_T_DECLARATION_END(FUTURE, API)

#define AWS_FUTURE_T_POINTER_WITH_DESTROY_IMPLEMENTATION(FUTURE, T, DESTROY_FN)                    \
    AWS_FUTURE_T_IMPLEMENTATION_BEGIN(FUTURE)                                                      \
    struct FUTURE *FUTURE##_new(struct aws_allocator *alloc) {                                     \
        void (*typed_destroy)(T *) = DESTROY_FN;                                                   \
        return (struct FUTURE *)aws_future_impl_new_pointer_with_destroy(                          \
            alloc, (aws_future_impl_result_destroy_fn *)typed_destroy);                            \
    }                                                                                              \
    AWS_FUTURE_T_OWNED_POINTER_ACCESSORS_(FUTURE, T)                                               \
    AWS_FUTURE_T_IMPLEMENTATION_END(FUTURE)

/* T *, given up with T *RELEASE_FN(T *) (reference-counted objects). */
#define AWS_FUTURE_T_POINTER_WITH_RELEASE_DECLARATION(FUTURE, T, API)                              \
    AWS_FUTURE_T_DECLARATION_BEGIN(FUTURE, API)                                                    \
    AWS_FUTURE_T_OWNED_POINTER_DECLARATIONS_(FUTURE, T, API)                                       \
    AWS_FUTURE_T_DECLARATION_END(FUTURE, API)

#define AWS_FUTURE_T_POINTER_WITH_RELEASE_IMPLEMENTATION(FUTURE, T, RELEASE_FN)                    \
    AWS_FUTURE_T_IMPLEMENTATION_BEGIN(FUTURE)                                                      \
    struct FUTURE *FUTURE##_new(struct aws_allocator *alloc) {                                     \
        T *(*typed_release)(T *) = RELEASE_FN;                                                     \
        return (struct FUTURE *)aws_future_impl_new_pointer_with_release(                          \
            alloc, (aws_future_impl_result_release_fn *)typed_release);                            \
    }                                                                                              \
    AWS_FUTURE_T_OWNED_POINTER_ACCESSORS_(FUTURE, T)                                               \
    AWS_FUTURE_T_IMPLEMENTATION_END(FUTURE)

/* The typed futures this library exports (src/ffi/io/future_typed.rs). */
AWS_EXTERN_C_BEGIN
AWS_FUTURE_T_BY_VALUE_DECLARATION(aws_future_size, size_t, AWS_IO_API)
AWS_FUTURE_T_BY_VALUE_DECLARATION(aws_future_bool, bool, AWS_IO_API)
AWS_FUTURE_T_DECLARATION_BEGIN(aws_future_void, AWS_IO_API)
AWS_IO_API struct aws_future_void *aws_future_void_new(struct aws_allocator *alloc);
AWS_IO_API void aws_future_void_set_result(struct aws_future_void *future);
AWS_FUTURE_T_DECLARATION_END(aws_future_void, AWS_IO_API)
AWS_EXTERN_C_END
