"""examples/http_host.py as a real server: started on 127.0.0.1, sent real
HTTP requests with the vendor example's payload shape, stopped."""
import json
import socket
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import support

EXAMPLE = os.path.join(support.ROOT, "examples", "http_host.py")
START_SECONDS = 30
STOP_SECONDS = 10


class HttpHostTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.TemporaryDirectory()
        catalog = os.path.join(cls.scratch.name, "catalog.json")
        with open(catalog, "w", encoding="utf-8") as f:
            json.dump(support.CATALOG_SPEC, f)
        cls.stderr = open(os.path.join(cls.scratch.name, "stderr.txt"),
                          "w+", encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=support.BINDINGS)
        cls.server = subprocess.Popen(
            [sys.executable, EXAMPLE, "--port", "0", "--catalog", catalog],
            stdout=subprocess.PIPE, stderr=cls.stderr, env=env, text=True)
        ready, _, _ = select.select([cls.server.stdout], [], [],
                                    START_SECONDS)
        line = cls.server.stdout.readline().strip() if ready else ""
        if not line.startswith("http://127.0.0.1:"):
            cls.stop_server()
            raise RuntimeError(
                f"http_host.py did not start (first line {line!r}); "
                f"stderr: {cls.server_stderr()}")
        cls.base = line
        cls.port = int(line.rsplit(":", 1)[1])
        cls.created = cls.request("POST", "/redshift/handler",
                                  support.vendor_payload())

    @classmethod
    def tearDownClass(cls):
        cls.stop_server()

    @classmethod
    def stop_server(cls):
        if cls.server.poll() is None:
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait(timeout=STOP_SECONDS)
        cls.server.stdout.close()
        cls.stderr.close()
        cls.scratch.cleanup()

    @classmethod
    def server_stderr(cls):
        cls.stderr.flush()
        cls.stderr.seek(0)
        return cls.stderr.read()

    @classmethod
    def request(cls, method, path, body=None):
        """Sends one request; returns (status, parsed JSON body)."""
        return cls.request_with_headers(method, path, body)[:2]

    @classmethod
    def request_with_headers(cls, method, path, body=None):
        """Sends one request; returns (status, parsed body, headers)."""
        data = body
        if isinstance(body, (dict, list)):
            data = json.dumps(body)
        if isinstance(data, str):
            data = data.encode("utf-8")
        req = urllib.request.Request(cls.base + path, data=data,
                                     method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return (response.status,
                        json.loads(response.read() or "null"),
                        response.headers)
        except urllib.error.HTTPError as e:
            with e:
                return e.code, json.loads(e.read() or "null"), e.headers

    def test_post_vendor_example_is_200_with_ids(self):
        status, body = self.created
        self.assertEqual(status, 200, body)
        self.assertGreater(body["id"], 0)
        self.assertGreater(body["dataSourceId"], 0)
        self.assertEqual(body["connectionString"], support.CONNECTION_STRING)

    def test_get_handler_returns_it_without_password(self):
        handler_id = self.created[1]["id"]
        status, body = self.request("GET", f"/redshift/handler/{handler_id}")
        self.assertEqual(status, 200)
        self.assertEqual(body["id"], handler_id)
        self.assertNotIn("example-password", json.dumps(body))

    def test_get_dictionary_lists_the_catalog_columns(self):
        status, body = self.request(
            "GET", f"/dictionary/{self.created[1]['dataSourceId']}")
        self.assertEqual(status, 200)
        self.assertEqual([c["name"] for c in body["metadata"]],
                         ["record_id", "soldier_name", "enlisted_on"])

    def test_unknown_route_is_404(self):
        status, body = self.request("GET", "/not/a/route")
        self.assertEqual(status, 404)
        self.assertIn("error", body)

    def test_wrong_method_is_405_with_allow_header(self):
        status, _, headers = self.request_with_headers(
            "DELETE", f"/redshift/handler/{self.created[1]['id']}")
        self.assertEqual(status, 405)
        self.assertIn("GET", headers.get("Allow", ""))

    def test_options_gets_dsh_json_not_an_html_page(self):
        status, body = self.request("OPTIONS", "/dictionary/1")
        self.assertEqual(status, 405)
        self.assertEqual(body["error"]["code"], "method_not_allowed")

    def test_a_content_length_that_is_not_a_number_is_400(self):
        for length in ("abc", "-1", "1_0", "+5"):
            with socket.create_connection(
                    ("127.0.0.1", self.port), timeout=30) as connection:
                connection.sendall(
                    b"PUT /dataSource/detectRemoteChanges HTTP/1.0\r\n"
                    b"Content-Length: " + length.encode() + b"\r\n\r\n")
                answer = connection.makefile("rb").read()
            self.assertTrue(answer.startswith(b"HTTP/1.0 400"),
                            (length, answer[:80]))

    def test_bad_json_is_400_with_offset(self):
        status, body = self.request("POST", "/redshift/handler",
                                    '{"handler": [1,}')
        self.assertEqual(status, 400)
        self.assertIn("offset", body["error"])

    def test_duplicate_name_is_409(self):
        status, body = self.request(
            "POST", "/redshift/handler",
            support.one_table_payload("extra", "Army Army Records"))
        self.assertEqual(status, 409)
        self.assertIn("Army Army Records", json.dumps(body))

    def test_concurrent_requests_are_all_answered(self):
        import concurrent.futures  # pylint: disable=import-outside-toplevel
        handler_id = self.created[1]["id"]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(
                lambda _: self.request("GET",
                                       f"/redshift/handler/{handler_id}")[0],
                range(32)))
        self.assertEqual(statuses, [200] * 32)


class HttpHostStopTest(unittest.TestCase):

    def test_sigterm_stops_the_server_promptly(self):
        env = dict(os.environ, PYTHONPATH=support.BINDINGS)
        server = subprocess.Popen(
            [sys.executable, EXAMPLE, "--quiet"], stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=env, text=True)
        try:
            ready, _, _ = select.select([server.stdout], [], [],
                                        START_SECONDS)
            self.assertTrue(ready, "no address printed")
            self.assertTrue(server.stdout.readline().startswith("http://"))
            started = time.monotonic()
            server.send_signal(signal.SIGTERM)
            self.assertEqual(server.wait(timeout=STOP_SECONDS), 0)
            self.assertLess(time.monotonic() - started, STOP_SECONDS)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
            server.stdout.close()


if __name__ == "__main__":
    unittest.main()
