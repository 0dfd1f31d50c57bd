/* Hand-written fragment of aws/common/assert.h: upstream's assertion and contract macros. A
 * failed AWS_FATAL_ASSERT calls aws_fatal_assert (declared below), which reports and aborts;
 * AWS_ASSERT and the non-fatal contracts are checked only in a DEBUG_BUILD, as upstream. */
#include <aws/common/macros.h>
#include <stdio.h>
#include <stdlib.h>

/* CALL_OVERLOAD(name, args...) expands to name<N>(args...), N the number of args (1 to 5). */
#ifndef CALL_OVERLOAD
#    define AWS_PRIV_PICK_6TH(_1, _2, _3, _4, _5, n, ...) n
#    define AWS_PRIV_ARG_COUNT(...) AWS_PRIV_PICK_6TH(__VA_ARGS__, 5, 4, 3, 2, 1, 0)
#    define AWS_PRIV_PASTE(a, b) a##b
#    define AWS_PRIV_GLUE(a, b) AWS_PRIV_PASTE(a, b)
#    define CALL_OVERLOAD(name, ...) AWS_PRIV_GLUE(name, AWS_PRIV_ARG_COUNT(__VA_ARGS__))(__VA_ARGS__)
#endif

/* Aborts with `msg` on stderr when `mem` is NULL. */
#define AWS_PANIC_OOM(mem, msg)                                                                    \
    do {                                                                                           \
        if (!(mem)) {                                                                              \
            fprintf(stderr, "%s", msg);                                                            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#if defined(__clang__)
#    define AWS_ASSUME(cond)                                                                       \
        do {                                                                                       \
            bool _result = (cond);                                                                 \
            __builtin_assume(_result);                                                             \
        } while (false)
#    define AWS_UNREACHABLE() __builtin_unreachable()
#elif defined(__GNUC__)
#    define AWS_ASSUME(cond) ((cond) ? (void)0 : __builtin_unreachable())
#    define AWS_UNREACHABLE() __builtin_unreachable()
#else
#    define AWS_ASSUME(cond)
#    define AWS_UNREACHABLE()
#endif

#define AWS_FATAL_ASSERT(cond)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            aws_fatal_assert(#cond, __FILE__, __LINE__);                                           \
        }                                                                                          \
    } while (0)

#if defined(DEBUG_BUILD) || defined(__clang_analyzer__)
#    define AWS_ASSERT(cond) AWS_FATAL_ASSERT(cond)
#else
#    define AWS_ASSERT(cond)
#endif

#define AWS_PRECONDITION2(cond, expl) AWS_ASSERT(cond)
#define AWS_PRECONDITION1(cond) AWS_ASSERT(cond)
#define AWS_FATAL_PRECONDITION2(cond, expl) AWS_FATAL_ASSERT(cond)
#define AWS_FATAL_PRECONDITION1(cond) AWS_FATAL_ASSERT(cond)
#define AWS_POSTCONDITION2(cond, expl) AWS_ASSERT(cond)
#define AWS_POSTCONDITION1(cond) AWS_ASSERT(cond)
#define AWS_FATAL_POSTCONDITION2(cond, expl) AWS_FATAL_ASSERT(cond)
#define AWS_FATAL_POSTCONDITION1(cond) AWS_FATAL_ASSERT(cond)
#define AWS_MEM_IS_READABLE_CHECK(base, len) (((len) == 0) || (base))
#define AWS_MEM_IS_WRITABLE_CHECK(base, len) (((len) == 0) || (base))

/* Safe in is_valid functions: the C runtime cannot tell more than "not NULL". */
#define AWS_MEM_IS_READABLE(base, len) (((len) == 0) || (base))
#define AWS_MEM_IS_WRITABLE(base, len) (((len) == 0) || (base))

/* a implies b. */
#define AWS_IMPLIES(a, b) (!(a) || (b))
/* a if and only if b (for non-boolean operands too). */
#define AWS_IFF(a, b) (!!(a) == !!(b))

#define AWS_RETURN_ERROR_IF_IMPL(type, cond, err, explanation)                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            return aws_raise_error(err);                                                           \
        }                                                                                          \
    } while (0)

#define AWS_RETURN_ERROR_IF3(cond, err, explanation) AWS_RETURN_ERROR_IF_IMPL("InternalCheck", cond, err, explanation)
#define AWS_RETURN_ERROR_IF2(cond, err) AWS_RETURN_ERROR_IF3(cond, err, #cond " check failed")
#define AWS_RETURN_ERROR_IF(...) CALL_OVERLOAD(AWS_RETURN_ERROR_IF, __VA_ARGS__)

#define AWS_ERROR_PRECONDITION3(cond, err, explanation) AWS_RETURN_ERROR_IF_IMPL("Precondition", cond, err, explanation)
#define AWS_ERROR_PRECONDITION2(cond, err) AWS_ERROR_PRECONDITION3(cond, err, #cond " check failed")
#define AWS_ERROR_PRECONDITION1(cond) AWS_ERROR_PRECONDITION2(cond, AWS_ERROR_INVALID_ARGUMENT)

#define AWS_ERROR_POSTCONDITION3(cond, err, explanation) AWS_RETURN_ERROR_IF_IMPL("Postcondition", cond, err, explanation)
#define AWS_ERROR_POSTCONDITION2(cond, err) AWS_ERROR_POSTCONDITION3(cond, err, #cond " check failed")
#define AWS_ERROR_POSTCONDITION1(cond) AWS_ERROR_POSTCONDITION2(cond, AWS_ERROR_INVALID_ARGUMENT)

#define AWS_PRECONDITION(...) CALL_OVERLOAD(AWS_PRECONDITION, __VA_ARGS__)
#define AWS_FATAL_PRECONDITION(...) CALL_OVERLOAD(AWS_FATAL_PRECONDITION, __VA_ARGS__)
#define AWS_POSTCONDITION(...) CALL_OVERLOAD(AWS_POSTCONDITION, __VA_ARGS__)
#define AWS_FATAL_POSTCONDITION(...) CALL_OVERLOAD(AWS_FATAL_POSTCONDITION, __VA_ARGS__)
#define AWS_ERROR_PRECONDITION(...) CALL_OVERLOAD(AWS_ERROR_PRECONDITION, __VA_ARGS__)
#define AWS_ERROR_POSTCONDITION(...) CALL_OVERLOAD(AWS_ERROR_POSTCONDITION, __VA_ARGS__)

#define AWS_RETURN_WITH_POSTCONDITION(_rval, ...)                                                  \
    do {                                                                                           \
        AWS_POSTCONDITION(__VA_ARGS__);                                                            \
        return _rval;                                                                              \
    } while (0)

#define AWS_SUCCEED_WITH_POSTCONDITION(...) AWS_RETURN_WITH_POSTCONDITION(AWS_OP_SUCCESS, __VA_ARGS__)

#define AWS_OBJECT_PTR_IS_READABLE(ptr) AWS_MEM_IS_READABLE((ptr), sizeof(*(ptr)))
#define AWS_OBJECT_PTR_IS_WRITABLE(ptr) AWS_MEM_IS_WRITABLE((ptr), sizeof(*(ptr)))
