/* AWS IoT over mutual TLS with a PKCS#12 identity (NewMqtt5ClientBuilderWithMtlsPkcs12; the
 * SDKs have it on macOS only, this library on Linux too).
 *
 * usage: iot_pkcs12 ENDPOINT PORT PKCS12_FILE PASSWORD CA_FILE
 *
 * Exit code: 0 when a message went and came back. */
#include "iot_example.h"

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s ENDPOINT PORT PKCS12_FILE PASSWORD CA_FILE\n", argv[0]);
        return 1;
    }
    iot_example_init();
    struct aws_byte_cursor password = aws_byte_cursor_from_c_str(argv[4]);
    struct aws_iot_mqtt5_client_builder *builder = aws_iot_mqtt5_client_builder_new_mtls_pkcs12(
        aws_default_allocator(), aws_byte_cursor_from_c_str(argv[1]), argv[3], &password);
    if (builder) {
        aws_iot_mqtt5_client_builder_set_port(builder, iot_example_port(argv[2]));
        aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(builder, argv[5]);
    }
    return iot_example_run(builder, "iot-pkcs12");
}
