/* Hand-written fragment of aws/common/statistics.h: the category range macros, the unnamed
 * stride enum and the handler's function types, which the generator cannot write. */
#include <aws/common/common.h>
#include <aws/common/package.h>
#include <aws/common/stdint.h>

struct aws_array_list;
struct aws_crt_statistics_handler;
struct aws_crt_statistics_sample_interval;

enum {
    AWS_CRT_STATISTICS_CATEGORY_STRIDE_BITS = 8,
};

#define AWS_CRT_STATISTICS_CATEGORY_STRIDE (1U << AWS_CRT_STATISTICS_CATEGORY_STRIDE_BITS)
#define AWS_CRT_STATISTICS_CATEGORY_BEGIN_RANGE(x) ((x) * AWS_CRT_STATISTICS_CATEGORY_STRIDE)
#define AWS_CRT_STATISTICS_CATEGORY_END_RANGE(x) (((x) + 1) * AWS_CRT_STATISTICS_CATEGORY_STRIDE - 1)

/* Receives one sample: a list of pointers to statistics structs, and their context. */
typedef void(aws_crt_statistics_handler_process_statistics_fn)(
    struct aws_crt_statistics_handler *handler,
    struct aws_crt_statistics_sample_interval *interval,
    struct aws_array_list *stats,
    void *context);
/* Frees the handler. */
typedef void(aws_crt_statistics_handler_destroy_fn)(struct aws_crt_statistics_handler *handler);
/* How often the handler wants samples, in milliseconds. */
typedef uint64_t(aws_crt_statistics_handler_get_report_interval_ms_fn)(struct aws_crt_statistics_handler *);
