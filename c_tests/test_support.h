/* Shared by the C tests: each test is a program whose main returns 0 when every check held.
 * A failed check prints where it failed and returns 1 from the function it is in. */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <stdio.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                                         \
    do {                                                                                           \
        long long check_a_ = (long long)(a);                                                       \
        long long check_b_ = (long long)(b);                                                       \
        if (check_a_ != check_b_) {                                                                \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a,    \
                    check_a_, #b, check_b_);                                                       \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

/* Checks that the call fails with AWS_OP_ERR and raises `code`. */
#define CHECK_FAILS_WITH(call, code)                                                               \
    do {                                                                                           \
        aws_reset_error();                                                                         \
        CHECK_INT_EQ((call), AWS_OP_ERR);                                                          \
        CHECK_INT_EQ(aws_last_error(), (code));                                                    \
    } while (0)

/* Runs a test function of the form `static int name(void)`, failing main when it fails. */
#define RUN(test)                                                                                  \
    do {                                                                                           \
        if (test()) {                                                                              \
            fprintf(stderr, "FAILED: %s\n", #test);                                                \
            return 1;                                                                              \
        }                                                                                          \
        printf("ok: %s\n", #test);                                                                 \
    } while (0)

#endif /* TEST_SUPPORT_H */
