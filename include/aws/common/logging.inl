#ifndef AWS_COMMON_LOGGING_INL
#define AWS_COMMON_LOGGING_INL
/* Hand-written declarations of aws/common/logging.h for the pipeline logger (defined in
 * src/ffi/common/logging_pipeline.rs). They name the formatter, channel and writer, which this
 * header only forward-declares, as upstream's does: generated declarations would make it
 * include log_formatter.h, which needs this header complete first. */

AWS_EXTERN_C_BEGIN

/* Makes logger a pipeline over formatter, channel and writer, which stay the caller's. */
AWS_COMMON_API int aws_logger_init_from_external(
    struct aws_logger *logger,
    struct aws_allocator *allocator,
    struct aws_log_formatter *formatter,
    struct aws_log_channel *channel,
    struct aws_log_writer *writer,
    enum aws_log_level level);

/* The vtable of a pipeline logger that owns its parts (cleaned up and freed with it). */
AWS_COMMON_API extern struct aws_logger_vtable g_pipeline_logger_owned_vtable;

AWS_EXTERN_C_END

#endif /* AWS_COMMON_LOGGING_INL */
