"""A stand-in for an old Ironic API: a proxy on a loopback address in front of
the bed's Ironic that caps its microversion. It is not an old Ironic: it
answers what an old server's version negotiation answers, and passes every
other request to the bed's Ironic at a version the cap allows.

- The version documents (GET / and GET /v1) and every response's
  X-OpenStack-Ironic-API-Maximum-Version say CAP.
- A request for a version above CAP (or below the server's minimum) gets
  406 Not Acceptable, with Ironic's error document and version headers;
  `latest` is CAP; a request without a version is sent as is (the server's
  minimum, as Ironic assumes).
- The bed's address in a response body (links, `next`) is the proxy's.

usage: ironic_cap.py CAP UPSTREAM_URL [LISTEN_PORT]
Listens on 127.0.0.1 (port 0: any free one); prints "listening on URL" when ready.
UPSTREAM_URL must be on a loopback address.
"""
import http.client
import http.server
import ipaddress
import json
import re
import sys
import urllib.parse

VERSION_HEADER = "X-OpenStack-Ironic-API-Version"
MIN_HEADER = "X-OpenStack-Ironic-API-Minimum-Version"
MAX_HEADER = "X-OpenStack-Ironic-API-Maximum-Version"
MINOR = re.compile(r"^1\.(\d+)$")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}


def parse(version):
    """'1.14' → (1, 14); None for anything else."""
    match = MINOR.match(version or "")
    return (1, int(match.group(1))) if match else None


def text(version):
    return "%d.%d" % version


def requested(header, cap):
    """(version to send upstream or None to send none, refusal or None) for a request's version header."""
    if header is None:
        return None, None
    if header.strip().lower() == "latest":
        return text(cap), None
    version = parse(header.strip())
    if version is None:
        return None, (400, "Invalid value for %s header: %s" % (VERSION_HEADER, header))
    if version > cap or version < (1, 1):
        return None, (406, "Version %s was requested but the minor version is not supported by this service. "
                           "The supported version range is: [1.1, %s]." % (header.strip(), text(cap)))
    return text(version), None


def capped(document, cap):
    """A version document with every version above CAP (`version`, `max_version`) brought down to CAP."""
    if isinstance(document, dict):
        out = {}
        for key, value in document.items():
            if key in ("version", "max_version") and isinstance(value, str) and parse(value) and parse(value) > cap:
                out[key] = text(cap)
            else:
                out[key] = capped(value, cap)
        return out
    if isinstance(document, list):
        return [capped(item, cap) for item in document]
    return document


class Handler(http.server.BaseHTTPRequestHandler):
    cap = (1, 1)
    upstream = None  # urllib.parse.SplitResult
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, headers, body):
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def forward(self):
        version, refusal = requested(self.headers.get(VERSION_HEADER), self.cap)
        if refusal:
            status, message = refusal
            body = json.dumps({"error_message": json.dumps({"faultstring": message, "faultcode": "Client", "debuginfo": None})})
            self.reply(status, [("Content-Type", "application/json"), (MIN_HEADER, "1.1"), (MAX_HEADER, text(self.cap))], body.encode())
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "host"
                   and k.lower() != VERSION_HEADER.lower()}
        if version:
            headers[VERSION_HEADER] = version
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        out = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
        out = [(k, text(self.cap) if k.lower() == MAX_HEADER.lower() else v) for k, v in out]
        if data and "json" in (response.getheader("Content-Type") or ""):
            mine = "http://%s:%d" % self.server.server_address[:2]
            data = data.decode().replace("%s://%s" % (self.upstream.scheme, self.upstream.netloc), mine)
            if self.path.rstrip("/") in ("", "/v1"):
                data = json.dumps(capped(json.loads(data), self.cap))
            data = data.encode()
        self.reply(response.status, out, data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = forward


def main(cap, upstream, port):
    url = urllib.parse.urlsplit(upstream)
    if not ipaddress.ip_address(url.hostname).is_loopback:
        raise SystemExit("ironic_cap: %s is not on a loopback address" % upstream)
    if parse(cap) is None:
        raise SystemExit("ironic_cap: %r is not a version 1.N" % cap)
    Handler.cap, Handler.upstream = parse(cap), url
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("listening on http://127.0.0.1:%d (Ironic API capped at %s, in front of %s)" % (server.server_address[1], cap, upstream), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 0)
