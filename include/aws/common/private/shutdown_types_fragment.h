/* Hand-written fragment of aws/common/shutdown_types.h: its function-type typedef. */
typedef void(aws_simple_completion_callback)(void *);
