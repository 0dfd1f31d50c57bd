/* AWS IoT over mutual TLS with the private key on a PKCS#11 token
 * (NewMqtt5ClientBuilderWithMtlsPkcs11): the key never leaves the token, which signs each
 * handshake.
 *
 * usage: iot_pkcs11 ENDPOINT PORT PKCS11_LIB USER_PIN TOKEN_LABEL KEY_LABEL CERT_FILE CA_FILE
 *
 * The main job runs it with a SoftHSM2 token it makes. Exit code: 0 when a message went and
 * came back. */
#include "iot_example.h"

#include <aws/io/pkcs11.h>

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: %s ENDPOINT PORT PKCS11_LIB USER_PIN TOKEN_LABEL KEY_LABEL CERT_FILE CA_FILE\n",
                argv[0]);
        return 1;
    }
    iot_example_init();
    struct aws_pkcs11_lib_options lib_options = {.filename = aws_byte_cursor_from_c_str(argv[3])};
    struct aws_pkcs11_lib *lib = aws_pkcs11_lib_new(aws_default_allocator(), &lib_options);
    if (lib == NULL) {
        fprintf(stderr, "cannot load %s: %s\n", argv[3], aws_error_name(aws_last_error()));
        return 1;
    }
    struct aws_tls_ctx_pkcs11_options pkcs11 = {
        .pkcs11_lib = lib,
        .user_pin = aws_byte_cursor_from_c_str(argv[4]),
        .token_label = aws_byte_cursor_from_c_str(argv[5]),
        .private_key_object_label = aws_byte_cursor_from_c_str(argv[6]),
        .cert_file_path = aws_byte_cursor_from_c_str(argv[7]),
    };
    struct aws_iot_mqtt5_client_builder *builder = aws_iot_mqtt5_client_builder_new_mtls_pkcs11(
        aws_default_allocator(), aws_byte_cursor_from_c_str(argv[1]), &pkcs11);
    /* The builder's TLS options hold the library. */
    aws_pkcs11_lib_release(lib);
    if (builder) {
        aws_iot_mqtt5_client_builder_set_port(builder, iot_example_port(argv[2]));
        aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(builder, argv[8]);
    }
    return iot_example_run(builder, "iot-pkcs11");
}
