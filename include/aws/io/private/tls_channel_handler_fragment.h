/* Hand-written fragment of aws/io/tls_channel_handler.h: its macro, the channel types its
 * callbacks name (declared by aws/io/channel.h), and the function types the generator cannot
 * write. Upstream's header brings in aws/io/io.h, so its error codes come with it. */
#include <aws/common/byte_buf.h>
#include <aws/common/ref_count.h>
#include <aws/io/io.h>

/* The message tag of the negotiated-protocol message a TLS handler sends down its channel. */
#define AWS_TLS_NEGOTIATED_PROTOCOL_MESSAGE 0x01

struct aws_channel_handler;
struct aws_channel_slot;
/* Named by the custom key operation vtable before the generated declaration of its struct. */
struct aws_custom_key_op_handler;

/* Called with the handshake's result: AWS_OP_SUCCESS, or the error that failed it. */
typedef void(aws_tls_on_negotiation_result_fn)(
    struct aws_channel_handler *handler,
    struct aws_channel_slot *slot,
    int error_code,
    void *user_data);

/* Called with decrypted data when the TLS handler is the last handler of its channel. */
typedef void(aws_tls_on_data_read_fn)(
    struct aws_channel_handler *handler,
    struct aws_channel_slot *slot,
    struct aws_byte_buf *buffer,
    void *user_data);

/* Called when the TLS handler fails after the handshake. */
typedef void(aws_tls_on_error_fn)(
    struct aws_channel_handler *handler,
    struct aws_channel_slot *slot,
    int err,
    const char *message,
    void *user_data);

/* Makes the handler for the protocol ALPN chose. */
typedef struct aws_channel_handler *(*aws_tls_on_protocol_negotiated)(
    struct aws_channel_slot *new_slot,
    struct aws_byte_buf *protocol,
    void *user_data);
