/* Hand-written fragment of aws/common/error.h: its macros and function-type typedef. */
#include <aws/common/assert.h>
#include <aws/common/exports.h>
#include <aws/common/macros.h>
#include <aws/common/package.h>

#define AWS_OP_SUCCESS (0)
#define AWS_OP_ERR (-1)

#define AWS_ERROR_ENUM_STRIDE_BITS 10
#define AWS_ERROR_ENUM_STRIDE (1U << AWS_ERROR_ENUM_STRIDE_BITS)
#define AWS_ERROR_ENUM_BEGIN_RANGE(x) ((x) * AWS_ERROR_ENUM_STRIDE)
#define AWS_ERROR_ENUM_END_RANGE(x) (((x) + 1) * AWS_ERROR_ENUM_STRIDE - 1)

typedef void(aws_error_handler_fn)(int err, void *ctx);

/* An initialiser of struct aws_error_info for code C with description ES in library LN; the
 * formatted name reads "LN: C, ES". (Designated initialisers: C, or C++20.) */
#define AWS_DEFINE_ERROR_INFO(C, ES, LN)                                                           \
    {                                                                                              \
        .error_code = (C),                                                                         \
        .literal_name = #C,                                                                        \
        .error_str = (ES),                                                                         \
        .lib_name = (LN),                                                                          \
        .formatted_name = LN ": " #C ", " ES,                                                      \
    }
