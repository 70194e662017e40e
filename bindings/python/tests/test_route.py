"""Registry.route: the REST surface in one call, answers with HTTP
statuses rather than exceptions."""
import json
import unittest

import support
from support import dsh


class RouteTest(unittest.TestCase):

    def setUp(self):
        self.registry = dsh.Registry(support.MEMORY,
                                     catalog=support.army_catalog())
        self.addCleanup(self.registry.close)

    def post_vendor_example(self):
        return self.registry.route("POST", "/redshift/handler",
                                   support.vendor_payload())

    def test_post_handler_is_200_with_ids(self):
        status, body = self.post_vendor_example()
        self.assertEqual(status, 200)
        self.assertGreater(body["id"], 0)
        self.assertGreater(body["dataSourceId"], 0)

    def test_get_handler_is_200_with_the_handler(self):
        _, created = self.post_vendor_example()
        status, body = self.registry.route(
            "GET", f"/redshift/handler/{created['id']}?skipCache=true")
        self.assertEqual(status, 200)
        self.assertEqual(body["id"], created["id"])

    def test_get_dictionary_is_200(self):
        _, created = self.post_vendor_example()
        status, body = self.registry.route(
            "GET", f"/dictionary/{created['dataSourceId']}")
        self.assertEqual(status, 200)
        self.assertEqual(body["dataSource"], "Army Army Records")

    def test_unknown_route_is_404(self):
        status, body = self.registry.route("GET", "/no/such/route")
        self.assertEqual(status, 404)
        self.assertIn("error", body)

    def test_unknown_handler_is_404(self):
        status, _ = self.registry.route("GET", "/redshift/handler/999")
        self.assertEqual(status, 404)

    def test_wrong_method_is_405(self):
        status, body = self.registry.route("DELETE", "/redshift/handler/1")
        self.assertEqual(status, 405)
        self.assertIn("error", body)

    def test_bad_json_is_400_with_offset(self):
        status, body = self.registry.route("POST", "/redshift/handler",
                                           '{"handler": ')
        self.assertEqual(status, 400)
        self.assertIn("offset", body["error"])

    def test_invalid_request_is_400_with_pointers(self):
        payload = support.vendor_payload()
        payload["handler"][1]["metadata"]["port"] = 0
        status, body = self.registry.route("POST", "/redshift/handler",
                                           payload)
        self.assertEqual(status, 400)
        pointers = [p["pointer"] for p in body["error"]["problems"]]
        self.assertIn("/handler/1/metadata/port", pointers)

    def test_taken_name_is_409(self):
        self.post_vendor_example()
        status, body = self.registry.route(
            "POST", "/redshift/handler",
            support.one_table_payload("extra", "Army Data"))
        self.assertEqual(status, 409)
        self.assertIn("Army Data", json.dumps(body))

    def test_delete_data_source_is_200_then_404(self):
        _, created = self.post_vendor_example()
        target = f"/dataSource/{created['dataSourceId']}"
        self.assertEqual(self.registry.route("DELETE", target)[0], 200)
        self.assertEqual(self.registry.route(
            "GET", f"/dictionary/{created['dataSourceId']}")[0], 404)

    def test_route_body_may_be_bytes(self):
        status, _ = self.registry.route(
            "POST", "/redshift/handler",
            json.dumps(support.vendor_payload()).encode())
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
