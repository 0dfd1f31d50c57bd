/* aws-c-auth's HTTP-based providers from C, against an endpoint this test serves on 127.0.0.1
 * (a free port, one scripted answer per connection, from a thread of its own): the ECS provider
 * with an authorization token, and the IMDS provider's IMDSv2 token flow. Each answer arrives
 * on an event-loop thread, after the request returned, as upstream's do; the test waits for it
 * on a condition variable. */
#include <aws/auth/auth.h>
#include <aws/common/error.h>

#include "mqtt_fixture.h"
#include "scripted_http.h"
#include "test_support.h"

#include <string.h>



static const char *s_document =
    "HTTP/1.1 200 OK\r\nContent-Length: 95\r\n\r\n"
    "{\"AccessKeyId\":\"HTTPKEY\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\"2030-01-01T00:00:00Z\"}";

static int test_ecs(struct fx_io *io) {
    struct scripted_http e = {.answers = {s_document}, .answer_count = 1};
    CHECK_INT_EQ(scripted_http_start(&e), 0);
    struct aws_credentials_provider_ecs_options options = {
        .bootstrap = io->bootstrap,
        .host = aws_byte_cursor_from_c_str("127.0.0.1"),
        .path_and_query = aws_byte_cursor_from_c_str("/v2/credentials"),
        .auth_token = aws_byte_cursor_from_c_str("secret-token"),
        .port = (uint32_t)e.port,
    };
    struct aws_credentials_provider *p = aws_credentials_provider_new_ecs(aws_default_allocator(), &options);
    CHECK(p != NULL);
    struct credentials_answer a;
    CHECK_INT_EQ(credentials_ask(p, &a), 0);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "HTTPKEY") == 0);
    CHECK(a.answer_thread != a.caller_thread);
    aws_credentials_provider_release(p);
    scripted_http_stop(&e);
    CHECK(strstr(e.requests[0], "GET /v2/credentials HTTP/1.1\r\n") == e.requests[0]);
    CHECK(strstr(e.requests[0], "Authorization: secret-token\r\n") != NULL);
    return 0;
}

static int test_imds(struct fx_io *io) {
    struct scripted_http e = {
        .answers =
            {
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nTOKEN",
                "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nmy-role",
                s_document,
            },
        .answer_count = 3,
    };
    CHECK_INT_EQ(scripted_http_start(&e), 0);
    char endpoint[64];
    snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", e.port);
    struct aws_credentials_provider_imds_options options = {
        .bootstrap = io->bootstrap,
        .imds_endpoint = aws_byte_cursor_from_c_str(endpoint),
    };
    struct aws_credentials_provider *p = aws_credentials_provider_new_imds(aws_default_allocator(), &options);
    CHECK(p != NULL);
    struct credentials_answer a;
    CHECK_INT_EQ(credentials_ask(p, &a), 0);
    CHECK_INT_EQ(a.error_code, 0);
    CHECK(strcmp(a.access_key, "HTTPKEY") == 0);
    aws_credentials_provider_release(p);
    scripted_http_stop(&e);
    CHECK(strstr(e.requests[0], "PUT /latest/api/token HTTP/1.1\r\n") == e.requests[0]);
    CHECK(strstr(e.requests[2], "GET /latest/meta-data/iam/security-credentials/my-role HTTP/1.1\r\n") ==
          e.requests[2]);
    CHECK(strstr(e.requests[2], "x-aws-ec2-metadata-token: TOKEN\r\n") != NULL);
    return 0;
}

int main(void) {
    aws_auth_library_init(aws_default_allocator());
    struct fx_io io;
    if (fx_io_init(&io, aws_default_allocator())) {
        return 1;
    }
    if (test_ecs(&io)) {
        fprintf(stderr, "FAILED: test_ecs\n");
        return 1;
    }
    printf("ok: test_ecs\n");
    if (test_imds(&io)) {
        fprintf(stderr, "FAILED: test_imds\n");
        return 1;
    }
    printf("ok: test_imds\n");
    fx_io_clean_up(&io);
    aws_auth_library_clean_up();
    return 0;
}
