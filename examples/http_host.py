#!/usr/bin/env python3
"""A small HTTP host that serves dsh's REST routes.

Every request, whatever its method and path, goes through one call,
Registry.route(method, target, body), which answers with an HTTP status and
a JSON body. Only Python's standard library and libdsh are needed.

    DSH_LIBRARY=build/lib/libdsh.so python3 examples/http_host.py \
        --registry registry.db --catalog tables.json

The first line on stdout is the address it listens on,
http://127.0.0.1:PORT (the port is chosen by the system unless --port
is given). It stops on SIGINT or SIGTERM.

--catalog names a JSON file describing the tables the host knows, in the
shape of dsh.TableCatalog.from_dict; without it dsh reads each database's
own catalog.
"""
import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import dsh
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), os.pardir, "bindings", "python"))
    import dsh

# Larger bodies are refused before they are read.
MAX_BODY_BYTES = 16 * 1024 * 1024


def make_handler(registry, quiet):

    class RouteHandler(BaseHTTPRequestHandler):
        """Hands every request to the registry's router."""

        # HTTP/1.0: one request per connection, so that no idle
        # keep-alive connection holds a thread when the server stops; a
        # client that stalls mid-request is dropped after `timeout`.
        server_version = "dsh-http-host"
        timeout = 30

        def _route(self):
            lengths = self.headers.get_all("Content-Length") or []
            if self.headers.get("Transfer-Encoding"):
                self._reply(411, b'{"error": {"code": "length_required", '
                            b'"message": "send the body with a '
                            b'Content-Length"}}')
                return
            # Plain digits only: int() would also take "1_0", "+5", " 7".
            if len(lengths) > 1 or (lengths and not (
                    lengths[0].isascii() and lengths[0].isdigit())):
                self._reply(400, b'{"error": {"code": "bad_request", '
                            b'"message": "Content-Length must be one '
                            b'decimal number"}}')
                return
            size = int(lengths[0]) if lengths else 0
            if size > MAX_BODY_BYTES:
                self._reply(413, b'{"error": {"code": "too_large", '
                            b'"message": "the body must be at most '
                            + str(MAX_BODY_BYTES).encode() + b' bytes"}}')
                return
            body = self.rfile.read(size) if size else b""
            try:
                status, answer = registry.route_bytes(self.command, self.path,
                                                      body)
            except dsh.Error as e:
                status = 500
                answer = json.dumps({"error": {
                    "code": type(e).__name__, "message": e.message}}).encode()
            headers = {}
            if status == 405:
                # dsh's 405 body lists the methods the path takes.
                try:
                    allowed = json.loads(answer).get("allow") or []
                    headers["Allow"] = ", ".join(allowed)
                except (ValueError, AttributeError):
                    pass
            self._reply(status, answer, headers)

        def _reply(self, status, body, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self._reply_body_allowed():
                self.wfile.write(body)

        # Every method is mounted; dsh answers 405 for the ones a path does
        # not take.
        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _route
        do_OPTIONS = do_TRACE = do_CONNECT = _route

        def do_HEAD(self):
            # HEAD gets GET's status and headers but never a body.
            self._route()

        def _reply_body_allowed(self):
            return self.command != "HEAD"

        def log_message(self, *args):
            # The request line holds no secret: bodies are never logged.
            if not quiet:
                super().log_message(*args)

    return RouteHandler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0,
                        help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--registry", metavar="PATH",
                        help="SQLite registry file (default: in memory)")
    parser.add_argument("--catalog", metavar="JSON",
                        help="tables the host knows, instead of reading "
                        "each database's catalog")
    parser.add_argument("--quiet", action="store_true",
                        help="do not log requests on stderr")
    args = parser.parse_args(argv)

    if args.registry:
        options = {"store": {"kind": "sqlite", "path": args.registry}}
    else:
        options = {"store": {"kind": "memory"}}
    catalog = None
    if args.catalog:
        with open(args.catalog, encoding="utf-8") as f:
            catalog = dsh.TableCatalog.from_dict(json.load(f))

    def log(level, text):
        print(f"dsh[{level}] {text}", file=sys.stderr, flush=True)

    with dsh.Registry(options, catalog=catalog, log=log,
                      log_level=dsh.LOG_WARNING) as registry:
        server = ThreadingHTTPServer(("127.0.0.1", args.port),
                                     make_handler(registry, args.quiet))
        # server_close() then waits for requests in flight, which must end
        # before the registry they use is closed.
        server.daemon_threads = False

        def stop(_signum, _frame):
            # shutdown() waits for serve_forever, so it cannot run on the
            # thread that serves.
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
        try:
            server.serve_forever()
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
