#ifndef AWS_COMMON_ERROR_INL
#define AWS_COMMON_ERROR_INL
/* Hand-written inline helper of aws/common/error.h. */

AWS_EXTERN_C_BEGIN

/* Raises err as the calling thread's last error and returns AWS_OP_ERR, so a failing function
 * can end with `return aws_raise_error(code);`. */
AWS_STATIC_IMPL int aws_raise_error(int err) {
    aws_raise_error_private(err);
    return AWS_OP_ERR;
}

AWS_EXTERN_C_END

#endif /* AWS_COMMON_ERROR_INL */
