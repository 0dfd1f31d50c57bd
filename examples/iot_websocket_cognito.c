/* AWS IoT over a WebSocket presigned with SigV4, the credentials from Amazon Cognito (the
 * guides' "MQTT over Websockets with Cognito"): a caching Cognito provider for an identity
 * handed to NewMqtt5ClientBuilderWithWebsocket's C form; the builder signs each upgrade for
 * iotdevicegateway with the keys Cognito gave.
 *
 * usage: iot_websocket_cognito ENDPOINT PORT REGION CA_FILE COGNITO_ENDPOINT IDENTITY_ID
 *
 * The main job runs it against mqtt-test-broker's WebSocket bridge, which checks the signature,
 * with scripts/fake-cognito.py standing in for Cognito; CA_FILE trusts both. Exit code: 0 when a
 * message went and came back. */
#include "iot_example.h"

#include <aws/auth/credentials.h>
#include <aws/io/channel_bootstrap.h>
#include <aws/io/event_loop.h>
#include <aws/io/host_resolver.h>
#include <aws/io/tls_channel_handler.h>

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s ENDPOINT PORT REGION CA_FILE COGNITO_ENDPOINT IDENTITY_ID\n", argv[0]);
        return 1;
    }
    iot_example_init();
    struct aws_allocator *alloc = aws_default_allocator();
    /* The Cognito provider's own HTTPS connections: a loop, a resolver, a TLS context. */
    struct aws_event_loop_group *loops = aws_event_loop_group_new_default(alloc, 1, NULL);
    struct aws_host_resolver_default_options resolver_options = {.el_group = loops, .max_entries = 4};
    struct aws_host_resolver *resolver = aws_host_resolver_new_default(alloc, &resolver_options);
    struct aws_client_bootstrap_options bootstrap_options = {.event_loop_group = loops, .host_resolver = resolver};
    struct aws_client_bootstrap *bootstrap = aws_client_bootstrap_new(alloc, &bootstrap_options);
    struct aws_tls_ctx_options tls_options;
    aws_tls_ctx_options_init_default_client(&tls_options, alloc);
    aws_tls_ctx_options_override_default_trust_store_from_path(&tls_options, NULL, argv[4]);
    struct aws_tls_ctx *tls = aws_tls_client_ctx_new(alloc, &tls_options);
    aws_tls_ctx_options_clean_up(&tls_options);

    struct aws_credentials_provider_cognito_options cognito = {
        .endpoint = aws_byte_cursor_from_c_str(argv[5]),
        .identity = aws_byte_cursor_from_c_str(argv[6]),
        .bootstrap = bootstrap,
        .tls_ctx = tls,
    };
    struct aws_credentials_provider *provider = aws_credentials_provider_new_cognito_caching(alloc, &cognito);
    struct aws_iot_mqtt5_client_builder *builder = NULL;
    if (provider) {
        builder = aws_iot_mqtt5_client_builder_new_websocket_sigv4(
            alloc, aws_byte_cursor_from_c_str(argv[1]), aws_byte_cursor_from_c_str(argv[3]), provider);
    } else {
        fprintf(stderr, "no Cognito provider: %s\n", aws_error_name(aws_last_error()));
    }
    if (builder) {
        aws_iot_mqtt5_client_builder_set_port(builder, iot_example_port(argv[2]));
        aws_iot_mqtt5_client_builder_set_certificate_authority_from_path(builder, argv[4]);
    }
    /* The builder holds the provider, and the provider what it needs. */
    aws_credentials_provider_release(provider);
    aws_tls_ctx_release(tls);
    aws_client_bootstrap_release(bootstrap);
    aws_host_resolver_release(resolver);
    aws_event_loop_group_release(loops);
    return iot_example_run(builder, "iot-websocket-cognito");
}
