/* AWS IoT through a signed custom authorizer (NewMqtt5ClientBuilderWithCustomAuthorizer): the
 * builder writes the CONNECT user name as the SDKs do, with the authorizer's name, the token
 * and its signature (URL-encoded) as query parameters, over TLS offering ALPN "mqtt".
 *
 * usage: iot_custom_authorizer ENDPOINT PORT CA_FILE AUTHORIZER TOKEN_KEY_NAME TOKEN SIGNATURE
 *
 * SIGNATURE: the base64 RSA-SHA256 signature of TOKEN by the authorizer's key. The main job
 * runs it against mqtt-test-broker --custom-authorizer, which verifies the signature. Exit
 * code: 0 when a message went and came back. */
#include "iot_example.h"

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s ENDPOINT PORT CA_FILE AUTHORIZER TOKEN_KEY_NAME TOKEN SIGNATURE\n", argv[0]);
        return 1;
    }
    iot_example_init();
    struct aws_iot_custom_authorizer_config authorizer = {
        .username = aws_byte_cursor_from_c_str("example-device"),
        .authorizer_name = aws_byte_cursor_from_c_str(argv[4]),
        .token_key_name = aws_byte_cursor_from_c_str(argv[5]),
        .token_value = aws_byte_cursor_from_c_str(argv[6]),
        .token_signature = aws_byte_cursor_from_c_str(argv[7]),
    };
    struct aws_iot_mqtt5_client_builder *builder = aws_iot_mqtt5_client_builder_new_custom_authorizer(
        aws_default_allocator(), aws_byte_cursor_from_c_str(argv[1]), &authorizer);
    if (builder) {
        aws_iot_mqtt5_client_builder_set_port(builder, iot_example_port(argv[2]));
        aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(builder, argv[3]);
    }
    return iot_example_run(builder, "iot-custom-authorizer");
}
