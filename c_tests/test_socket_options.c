/* aws/io/socket.h, the parts that need no event loop: the option and endpoint structs with
 * upstream's layout, their enums, the port checks for connect and bind in every domain, the
 * network interface name check and the default implementation. */
#include <aws/common/error.h>
#include <aws/io/io.h>
#include <aws/io/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "test_support.h"

/* Upstream's layout (x86_64 Linux), as upstream-layout.tsv records it. */
_Static_assert(sizeof(struct aws_socket_options) == 44, "aws_socket_options size");
_Static_assert(offsetof(struct aws_socket_options, connect_timeout_ms) == 12, "connect_timeout_ms");
_Static_assert(offsetof(struct aws_socket_options, keepalive) == 22, "keepalive");
_Static_assert(offsetof(struct aws_socket_options, tcp_nodelay) == 24, "tcp_nodelay");
_Static_assert(offsetof(struct aws_socket_options, network_interface_name) == 28, "interface name");
_Static_assert(sizeof(struct aws_socket_endpoint) == 112, "aws_socket_endpoint size");
_Static_assert(offsetof(struct aws_socket_endpoint, port) == 108, "endpoint port");
_Static_assert(AWS_ADDRESS_MAX_LEN == 108, "AWS_ADDRESS_MAX_LEN");
_Static_assert(AWS_NETWORK_INTERFACE_NAME_MAX == 16, "AWS_NETWORK_INTERFACE_NAME_MAX");

static int test_enums_have_upstreams_values(void) {
    CHECK_INT_EQ(AWS_SOCKET_STREAM, 0);
    CHECK_INT_EQ(AWS_SOCKET_DGRAM, 1);
    CHECK_INT_EQ(AWS_SOCKET_IPV4, 0);
    CHECK_INT_EQ(AWS_SOCKET_IPV6, 1);
    CHECK_INT_EQ(AWS_SOCKET_LOCAL, 2);
    CHECK_INT_EQ(AWS_SOCKET_VSOCK, 3);
    CHECK_INT_EQ(AWS_SOCKET_IMPL_PLATFORM_DEFAULT, 0);
    CHECK_INT_EQ(AWS_SOCKET_IMPL_POSIX, 1);
    CHECK_INT_EQ(AWS_SOCKET_TCP_NODELAY_DEFAULT, 0);
    CHECK_INT_EQ(AWS_SOCKET_TCP_NODELAY_OFF, 2);
    return 0;
}

static int test_options_are_filled_as_programs_fill_them(void) {
    struct aws_socket_options options = {
        .type = AWS_SOCKET_STREAM,
        .domain = AWS_SOCKET_IPV4,
        .connect_timeout_ms = 3000,
        .keepalive = true,
        .keep_alive_interval_sec = 30,
        .keep_alive_timeout_sec = 10,
        .keep_alive_max_failed_probes = 3,
        .tcp_nodelay = AWS_SOCKET_TCP_NODELAY_ON,
        .network_interface_name = "lo",
    };
    CHECK_INT_EQ(options.impl_type, AWS_SOCKET_IMPL_PLATFORM_DEFAULT);
    CHECK(strcmp(options.network_interface_name, "lo") == 0);
    struct aws_socket_endpoint endpoint = {.address = "127.0.0.1", .port = 1883};
    CHECK(strcmp(endpoint.address, "127.0.0.1") == 0);
    CHECK_INT_EQ(aws_socket_validate_port_for_connect(endpoint.port, options.domain), AWS_OP_SUCCESS);
    return 0;
}

static int test_ip_connects_need_a_port_from_1_to_65535(void) {
    enum aws_socket_domain ip[] = {AWS_SOCKET_IPV4, AWS_SOCKET_IPV6};
    for (size_t i = 0; i < 2; ++i) {
        CHECK_INT_EQ(aws_socket_validate_port_for_connect(1, ip[i]), AWS_OP_SUCCESS);
        CHECK_INT_EQ(aws_socket_validate_port_for_connect(65535, ip[i]), AWS_OP_SUCCESS);
        CHECK_FAILS_WITH(aws_socket_validate_port_for_connect(0, ip[i]), AWS_IO_SOCKET_INVALID_ADDRESS);
        CHECK_FAILS_WITH(aws_socket_validate_port_for_connect(65536, ip[i]), AWS_IO_SOCKET_INVALID_ADDRESS);
        CHECK_FAILS_WITH(aws_socket_validate_port_for_connect(UINT32_MAX, ip[i]), AWS_IO_SOCKET_INVALID_ADDRESS);
    }
    return 0;
}

static int test_ip_binds_take_0_to_65535(void) {
    CHECK_INT_EQ(aws_socket_validate_port_for_bind(0, AWS_SOCKET_IPV4), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_socket_validate_port_for_bind(65535, AWS_SOCKET_IPV6), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_socket_validate_port_for_bind(65536, AWS_SOCKET_IPV4), AWS_IO_SOCKET_INVALID_ADDRESS);
    CHECK_FAILS_WITH(aws_socket_validate_port_for_bind(70000, AWS_SOCKET_IPV6), AWS_IO_SOCKET_INVALID_ADDRESS);
    return 0;
}

static int test_local_ignores_the_port(void) {
    CHECK_INT_EQ(aws_socket_validate_port_for_connect(0, AWS_SOCKET_LOCAL), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_socket_validate_port_for_connect(UINT32_MAX, AWS_SOCKET_LOCAL), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_socket_validate_port_for_bind(UINT32_MAX, AWS_SOCKET_LOCAL), AWS_OP_SUCCESS);
    return 0;
}

static int test_vsock_takes_any_port_but_port_any_for_connect(void) {
    CHECK_INT_EQ(aws_socket_validate_port_for_connect(0, AWS_SOCKET_VSOCK), AWS_OP_SUCCESS);
    CHECK_INT_EQ(aws_socket_validate_port_for_connect(1u << 20, AWS_SOCKET_VSOCK), AWS_OP_SUCCESS);
    CHECK_FAILS_WITH(aws_socket_validate_port_for_connect(UINT32_MAX, AWS_SOCKET_VSOCK), AWS_IO_SOCKET_INVALID_ADDRESS);
    CHECK_INT_EQ(aws_socket_validate_port_for_bind(UINT32_MAX, AWS_SOCKET_VSOCK), AWS_OP_SUCCESS);
    return 0;
}

static int test_an_unknown_domain_is_an_invalid_address(void) {
    CHECK_FAILS_WITH(aws_socket_validate_port_for_connect(80, (enum aws_socket_domain)4), AWS_IO_SOCKET_INVALID_ADDRESS);
    CHECK_FAILS_WITH(aws_socket_validate_port_for_connect(80, (enum aws_socket_domain)-1), AWS_IO_SOCKET_INVALID_ADDRESS);
    CHECK_FAILS_WITH(aws_socket_validate_port_for_bind(80, (enum aws_socket_domain)99), AWS_IO_SOCKET_INVALID_ADDRESS);
    return 0;
}

static int test_interface_names_are_checked_against_the_system(void) {
    CHECK(aws_is_network_interface_name_valid("lo"));
    CHECK(!aws_is_network_interface_name_valid("no-such-if0"));
    CHECK(!aws_is_network_interface_name_valid(""));
    aws_reset_error();
    CHECK(!aws_is_network_interface_name_valid(NULL));
    CHECK_INT_EQ(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT);
    return 0;
}

static int test_the_default_implementation_is_posix(void) {
    CHECK_INT_EQ(aws_socket_get_default_impl_type(), AWS_SOCKET_IMPL_POSIX);
    return 0;
}

int main(void) {
    aws_io_library_init(aws_default_allocator());
    RUN(test_enums_have_upstreams_values);
    RUN(test_options_are_filled_as_programs_fill_them);
    RUN(test_ip_connects_need_a_port_from_1_to_65535);
    RUN(test_ip_binds_take_0_to_65535);
    RUN(test_local_ignores_the_port);
    RUN(test_vsock_takes_any_port_but_port_any_for_connect);
    RUN(test_an_unknown_domain_is_an_invalid_address);
    RUN(test_interface_names_are_checked_against_the_system);
    RUN(test_the_default_implementation_is_posix);
    aws_io_library_clean_up();
    return 0;
}
