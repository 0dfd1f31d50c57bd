/* AWS IoT over a WebSocket presigned with SigV4 (NewMqtt5ClientBuilderWithWebsocket): the
 * credentials come from the default chain (the environment first: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); the builder signs each upgrade request for
 * iotdevicegateway with the session token outside the signature, as the SDKs do.
 *
 * usage: iot_websocket_sigv4 ENDPOINT PORT REGION [CA_FILE]
 *
 * The main job runs it against mqtt-test-broker's WebSocket bridge over TLS, which checks the
 * signature, in front of mosquitto. Exit code: 0 when a message went and came back. */
#include "iot_example.h"

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s ENDPOINT PORT REGION [CA_FILE]\n", argv[0]);
        return 1;
    }
    iot_example_init();
    /* NULL provider: the default credentials chain. */
    struct aws_iot_mqtt5_client_builder *builder = aws_iot_mqtt5_client_builder_new_websocket_sigv4(
        aws_default_allocator(), aws_byte_cursor_from_c_str(argv[1]), aws_byte_cursor_from_c_str(argv[3]), NULL);
    if (builder) {
        aws_iot_mqtt5_client_builder_set_port(builder, iot_example_port(argv[2]));
        if (argc == 5) {
            aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(builder, argv[4]);
        }
    }
    return iot_example_run(builder, "iot-websocket-sigv4");
}
