/* AWS IoT over mutual TLS, the first connection method of the SDKs' guides
 * (NewMqtt5ClientBuilderWithMtlsFromPath), optionally through an HTTP proxy: one constructor
 * with the endpoint, the device's certificate and key; the CA; build.
 *
 * usage: iot_mtls ENDPOINT PORT CERT_FILE KEY_FILE CA_FILE [PROXY_HOST PROXY_PORT]
 *
 * PORT 0 takes the SDKs' default: 443 with ALPN x-amzn-mqtt-ca. The main job runs it against
 * mqtt-test-broker requiring a client certificate of the test PKI, directly and through
 * tinyproxy. Exit code: 0 when a message went to the broker and came back. */
#include "iot_example.h"

#include <aws/http/proxy.h>

int main(int argc, char **argv) {
    if (argc != 6 && argc != 8) {
        fprintf(stderr, "usage: %s ENDPOINT PORT CERT_FILE KEY_FILE CA_FILE [PROXY_HOST PROXY_PORT]\n", argv[0]);
        return 1;
    }
    iot_example_init();
    struct aws_iot_mqtt5_client_builder *builder = aws_iot_mqtt5_client_builder_new_mtls_from_path(
        aws_default_allocator(), aws_byte_cursor_from_c_str(argv[1]), argv[3], argv[4]);
    if (builder) {
        aws_iot_mqtt5_client_builder_set_port(builder, iot_example_port(argv[2]));
        aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(builder, argv[5]);
        if (argc == 8) {
            struct aws_http_proxy_options proxy = {
                .connection_type = AWS_HPCT_HTTP_TUNNEL,
                .host = aws_byte_cursor_from_c_str(argv[6]),
                .port = iot_example_port(argv[7]),
            };
            aws_iot_mqtt5_client_builder_set_http_proxy_options(builder, &proxy);
        }
    }
    return iot_example_run(builder, argc == 8 ? "iot-mtls-proxy" : "iot-mtls");
}
