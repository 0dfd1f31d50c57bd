/* Hand-written fragment of aws/io/socket.h: the sizes of its char arrays, and the headers
 * upstream's socket.h brings in. */
#include <aws/common/common.h>
#include <aws/io/exports.h>
#include <aws/io/io.h>

#include <sys/un.h>

/* The size of struct aws_socket_options' network_interface_name, its NUL included. */
#define AWS_NETWORK_INTERFACE_NAME_MAX 16

/* The size of struct aws_socket_endpoint's address: a Unix socket path's. */
#define AWS_ADDRESS_MAX_LEN sizeof(((struct sockaddr_un *)0)->sun_path)
