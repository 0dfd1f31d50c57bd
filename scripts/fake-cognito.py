#!/usr/bin/env python3
"""A stand-in for Amazon Cognito Identity's GetCredentialsForIdentity, for the Cognito example
of the main job: HTTPS on 127.0.0.1 (a free port, printed as `listening 127.0.0.1:PORT`), the
test PKI's server certificate, one answer: the given keys for the given identity.

usage: fake-cognito.py CERT KEY IDENTITY_ID ACCESS_KEY_ID SECRET_KEY SESSION_TOKEN

A request without the service's target header, or for another identity, gets 400, as the
service refuses it."""
import http.server
import json
import ssl
import sys
import time

cert, key, identity, access_key, secret, token = sys.argv[1:7]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target", "")
        try:
            asked = json.loads(body).get("IdentityId")
        except ValueError:
            asked = None
        if target != "AWSCognitoIdentityService.GetCredentialsForIdentity" or asked != identity:
            self.answer(400, {"__type": "InvalidParameterException"})
            return
        self.answer(200, {
            "IdentityId": identity,
            "Credentials": {
                "AccessKeyId": access_key,
                "SecretKey": secret,
                "SessionToken": token,
                "Expiration": int(time.time()) + 3600,
            },
        })

    def answer(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stderr.write("fake-cognito: " + (fmt % args) + "\n")


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(f"listening 127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
