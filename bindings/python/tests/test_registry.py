"""The Registry class over the built libdsh, with a memory store and a
catalog written in Python."""
import concurrent.futures
import json
import os
import re
import tempfile
import unittest
from unittest import mock

import support
from support import dsh


class RegistryTestCase(unittest.TestCase):

    def setUp(self):
        self.catalog = support.army_catalog()
        self.registry = dsh.Registry(support.MEMORY, catalog=self.catalog)
        self.addCleanup(self.registry.close)

    def create_vendor_example(self):
        return self.registry.create(support.vendor_payload())


class OperationsTest(RegistryTestCase):

    def test_version_is_dotted_numbers(self):
        self.assertRegex(dsh.version(), r"^\d+\.\d+\.\d+$")

    def test_create_accepts_vendor_example_and_returns_ids(self):
        created = self.create_vendor_example()
        self.assertGreater(created["id"], 0)
        self.assertGreater(created["dataSourceId"], 0)
        self.assertEqual(created["connectionString"],
                         support.CONNECTION_STRING)
        self.assertEqual([s["name"] for s in created["dataSources"]],
                         ["Army Army Records", "Army Data"])

    def test_create_warns_that_stale_data_tolerance_has_no_effect(self):
        created = self.create_vendor_example()
        self.assertIn("staleDataTolerance", json.dumps(created["warningList"]))

    def test_validate_changes_nothing(self):
        self.registry.validate(support.vendor_payload())
        created = self.create_vendor_example()
        self.assertEqual(len(created["dataSources"]), 2)

    def test_get_handler_returns_metadata_without_password(self):
        created = self.create_vendor_example()
        handler = self.registry.get_handler(created["id"])
        self.assertEqual(handler["id"], created["id"])
        self.assertEqual(handler["metadata"]["table"], "army_records")
        self.assertNotIn("password", handler["metadata"])

    def test_get_handler_with_skip_cache_reads_the_catalog_again(self):
        created = self.create_vendor_example()
        self.catalog.add_table(
            support.HOST, support.PORT, support.DATABASE, "army",
            "army_records", support.ARMY_RECORDS_COLUMNS +
            [{"name": "rank", "remoteType": "text"}])
        handler = self.registry.get_handler(created["id"], skip_cache=True)
        self.assertIn("rank", [c["name"] for c in handler["columns"]])

    def test_update_handler_narrows_the_dictionary(self):
        created = self.create_vendor_example()
        updated = self.registry.update_handler(
            created["id"], support.update_body(columns=["record_id"]))
        self.assertEqual(updated["id"], created["id"])
        self.assertEqual([c["name"] for c in updated["columns"]],
                         ["record_id"])

    def test_bulk_update_moves_every_handler_of_the_connection(self):
        self.create_vendor_example()
        metadata = {"hostname": "replica.database.example.io",
                    "port": support.PORT, "database": support.DATABASE,
                    "username": "user"}
        bulk = self.registry.bulk_update(
            {"connectionString": support.CONNECTION_STRING,
             "handler": {"metadata": metadata}})
        self.assertEqual(bulk["jobsCreated"], 2)
        self.assertEqual(bulk["connectionString"],
                         "replica.database.example.io:5439/test")

    def test_detect_remote_changes_reports_an_added_column(self):
        created = self.create_vendor_example()
        self.catalog.add_table(
            support.HOST, support.PORT, support.DATABASE, "army", "data",
            support.ARMY_DATA_COLUMNS +
            [{"name": "added_later", "remoteType": "boolean"}])
        report = self.registry.detect_remote_changes(
            {"dataSourceIds": [created["dataSources"][1]["dataSourceId"]]})
        changes = report["refreshed"][0]["changes"]
        self.assertEqual([(c["kind"], c["column"]) for c in changes],
                         [("added", "added_later")])

    def test_get_dictionary_lists_columns_and_types(self):
        created = self.create_vendor_example()
        dictionary = self.registry.get_dictionary(created["dataSourceId"])
        self.assertEqual(dictionary["dataSource"], "Army Army Records")
        self.assertEqual([c["name"] for c in dictionary["metadata"]],
                         ["record_id", "soldier_name", "enlisted_on"])
        self.assertIn("text", dictionary["types"])

    def test_delete_data_source_removes_it(self):
        created = self.create_vendor_example()
        deleted = self.registry.delete_data_source(created["dataSourceId"])
        self.assertEqual(deleted["dataSourceId"], created["dataSourceId"])
        with self.assertRaises(dsh.NotFound):
            self.registry.get_dictionary(created["dataSourceId"])

    def test_ids_outside_64_bits_are_refused_not_wrapped(self):
        created = self.create_vendor_example()
        for bad in (2**64 + created["dataSourceId"], 0, -1, True, "1", 1.0):
            with self.assertRaises(dsh.InvalidRequest, msg=repr(bad)):
                self.registry.delete_data_source(bad)
            with self.assertRaises(dsh.InvalidRequest, msg=repr(bad)):
                self.registry.get_handler(bad)
        # Nothing was deleted by the refused calls.
        self.registry.get_dictionary(created["dataSourceId"])

    def test_threads_create_at_once_through_python_catalog(self):
        names = [f"table_{i}" for i in range(16)]
        for name in names:
            self.catalog.add_table(support.HOST, support.PORT,
                                   support.DATABASE, "army", name,
                                   support.EXTRA_COLUMNS)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(
                lambda name: self.registry.create(
                    support.one_table_payload(name, f"Army {name}")),
                names))
        self.assertEqual(len({r["id"] for r in results}), len(names))

    def test_sqlite_store_keeps_data_sources_across_opens(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        directory = directory.name
        options = {"store": {"kind": "sqlite",
                             "path": os.path.join(directory, "r.db")}}
        with dsh.Registry(options, catalog=self.catalog) as first:
            created = first.create(support.vendor_payload())
        with dsh.Registry(options, catalog=self.catalog) as second:
            handler = second.get_handler(created["id"])
        self.assertEqual(handler["metadata"]["table"], "army_records")


class ErrorsTest(RegistryTestCase):

    def test_malformed_json_carries_its_offset(self):
        with self.assertRaises(dsh.MalformedJson) as caught:
            self.registry.create('{"handler": [}')
        self.assertEqual(caught.exception.code, 2)
        self.assertIsInstance(caught.exception.offset, int)
        self.assertGreaterEqual(caught.exception.offset, 12)

    def test_invalid_request_lists_every_problem_with_its_pointer(self):
        payload = support.vendor_payload()
        payload["handler"][0]["metadata"]["port"] = 70000
        payload["handler"][1]["metadata"]["hostname"] = "https://example.io"
        with self.assertRaises(dsh.InvalidRequest) as caught:
            self.registry.validate(payload)
        pointers = [p for p, _ in caught.exception.problems]
        self.assertIn("/handler/0/metadata/port", pointers)
        self.assertIn("/handler/1/metadata/hostname", pointers)
        self.assertIsNone(caught.exception.offset)

    def test_unknown_handler_is_not_found(self):
        with self.assertRaises(dsh.NotFound) as caught:
            self.registry.get_handler(424242)
        self.assertIn("424242", caught.exception.message)

    def test_taken_name_is_a_name_conflict(self):
        self.create_vendor_example()
        with self.assertRaises(dsh.NameConflict) as caught:
            self.registry.create(support.one_table_payload("extra",
                                                           "Army Data"))
        self.assertIn("Army Data", caught.exception.message)

    def test_every_status_class_is_an_error_with_its_code(self):
        for code in range(1, 13):
            cls = dsh.error_class(code)
            self.assertTrue(issubclass(cls, dsh.Error))
            self.assertEqual(cls("x").code, code)

    def test_missing_library_path_is_a_clear_error(self):
        from dsh import _native  # pylint: disable=import-outside-toplevel
        with mock.patch.dict(os.environ,
                             {"DSH_LIBRARY": "/nonexistent/libdsh.so"}):
            with self.assertRaisesRegex(dsh.LibraryError, "DSH_LIBRARY"):
                _native._locate()  # pylint: disable=protected-access


class FailingCatalog:
    """A host catalog whose reads fail with a given exception."""

    def __init__(self, exception):
        self.exception = exception

    def describe_tables(self, request):
        raise self.exception

    def list_tables(self, request):
        raise self.exception


class HostCatalogErrorsTest(unittest.TestCase):

    def create_with(self, exception):
        with dsh.Registry(support.MEMORY,
                          catalog=FailingCatalog(exception)) as registry:
            registry.create(support.vendor_payload())

    def test_dsh_error_from_host_reaches_caller_with_code_and_message(self):
        message = "warehouse catalog is down for maintenance (ticket 8812)"
        with self.assertRaises(dsh.Unavailable) as caught:
            self.create_with(dsh.Unavailable(message))
        self.assertIn(message, caught.exception.message)

    def test_python_bug_in_host_is_internal_with_its_message(self):
        with self.assertRaises(dsh.Internal) as caught:
            self.create_with(KeyError("columns-missing-in-host"))
        self.assertIn("columns-missing-in-host", caught.exception.message)

    def test_connection_failure_in_host_is_unavailable(self):
        with self.assertRaises(dsh.Unavailable):
            self.create_with(ConnectionRefusedError("catalog refused"))

    def test_unknown_table_in_host_catalog_is_refused_with_its_pointer(self):
        with dsh.Registry(support.MEMORY,
                          catalog=support.army_catalog()) as registry:
            with self.assertRaises(dsh.Error) as caught:
                registry.create(support.one_table_payload("nope", "Nope"))
        self.assertIn("nope", str(caught.exception))


class LifetimeTest(unittest.TestCase):

    def test_context_manager_closes_the_registry(self):
        with dsh.Registry(support.MEMORY) as registry:
            self.assertFalse(registry.closed)
        self.assertTrue(registry.closed)

    def test_closed_registry_refuses_calls(self):
        registry = dsh.Registry(support.MEMORY)
        registry.close()
        with self.assertRaises(dsh.InvalidArgument):
            registry.get_handler(1)

    def test_close_twice_is_harmless(self):
        registry = dsh.Registry(support.MEMORY)
        registry.close()
        registry.close()
        self.assertTrue(registry.closed)

    def test_bad_options_are_refused_at_open(self):
        with self.assertRaises(dsh.Error):
            dsh.Registry('{"store": {"kind": "punch-cards"}}')


class LogTest(unittest.TestCase):

    def test_log_callback_receives_a_line_per_created_data_source(self):
        lines = []
        with dsh.Registry(support.MEMORY, catalog=support.army_catalog(),
                          log=lambda level, text: lines.append((level, text)),
                          log_level=dsh.LOG_DEBUG) as registry:
            registry.create(support.vendor_payload())
        created = [text for _, text in lines if "Army Data" in text]
        self.assertEqual(len(created), 1)

    def test_failing_log_sink_does_not_fail_the_operation(self):
        def sink(level, text):
            raise RuntimeError("sink is broken")

        with dsh.Registry(support.MEMORY, catalog=support.army_catalog(),
                          log=sink, log_level=dsh.LOG_DEBUG) as registry:
            created = registry.create(support.vendor_payload())
        self.assertGreater(created["id"], 0)


class TableCatalogTest(unittest.TestCase):

    def setUp(self):
        self.catalog = dsh.TableCatalog()
        for table in ("Orders", "ORDERS", "lines"):
            self.catalog.add_table("Db.Example.io.", 5432, "shop", "sales",
                                   table, [{"name": "id",
                                            "remoteType": "integer"}])
        self.connection = {"host": "db.example.io", "port": 5432,
                           "database": "shop"}

    def describe(self, schema, table):
        return self.catalog.describe_tables({
            "connection": self.connection,
            "tables": [{"schema": schema, "table": table}]})["tables"][0]

    def test_exact_name_wins_over_case_insensitive_matches(self):
        self.assertEqual(self.describe("sales", "ORDERS")["table"], "ORDERS")

    def test_unique_case_insensitive_match_is_taken(self):
        answer = self.describe("SALES", "Lines")
        self.assertEqual((answer["status"], answer["schema"],
                          answer["table"]), ("ok", "sales", "lines"))

    def test_two_case_insensitive_matches_are_ambiguous(self):
        answer = self.describe("sales", "orders")
        self.assertEqual(answer["status"], "ambiguous")
        self.assertIn('"ORDERS"', answer["message"])

    def test_missing_table_is_not_found_naming_the_database(self):
        answer = self.describe("sales", "nope")
        self.assertEqual(answer["status"], "not_found")
        self.assertIn("db.example.io:5432/shop", answer["message"])

    def test_list_tables_filters_by_schema(self):
        listed = self.catalog.list_tables({"connection": self.connection,
                                           "schemas": ["sales"]})["tables"]
        self.assertEqual(len(listed), 3)
        self.assertEqual(self.catalog.list_tables({
            "connection": self.connection, "schemas": ["other"]})["tables"],
                         [])


class SecretsTest(unittest.TestCase):
    """A canary password and CA content never leave dsh in any output."""

    CANARY = "canary-5ecret-9f2c"

    def test_canary_appears_in_no_output(self):
        seen = []
        requests = []
        catalog = support.army_catalog()

        class RecordingCatalog:
            def describe_tables(self, request):
                requests.append(json.dumps(request))
                return catalog.describe_tables(request)

            def list_tables(self, request):
                requests.append(json.dumps(request))
                return catalog.list_tables(request)

        payload = support.vendor_payload()
        for entry in payload["handler"]:
            entry["metadata"]["password"] = self.CANARY
            entry["metadata"]["userFiles"] = [{
                "keyName": "ca", "filename": "ca.pem",
                "userFilename": "ca.pem",
                "content": f"-----BEGIN CERTIFICATE-----{self.CANARY}"}]
        bad = support.vendor_payload()
        bad["handler"][0]["metadata"].update(password=self.CANARY,
                                             port="not a port")
        with dsh.Registry(support.MEMORY, catalog=RecordingCatalog(),
                          log=lambda level, text: seen.append(text),
                          log_level=dsh.LOG_DEBUG) as registry:
            created = registry.create(payload)
            seen.append(json.dumps(created))
            seen.append(json.dumps(registry.get_handler(created["id"],
                                                        skip_cache=True)))
            seen.append(json.dumps(registry.get_dictionary(
                created["dataSourceId"])))
            seen.append(json.dumps(registry.detect_remote_changes()))
            for attempt in (payload, bad):
                try:
                    registry.create(attempt)
                except dsh.Error as e:
                    seen.append(str(e))
                    seen.append(json.dumps(e.details))
            status, body = registry.route_bytes(
                "GET", f"/redshift/handler/{created['id']}")
            seen.append(body.decode())
            status, body = registry.route_bytes("POST", "/redshift/handler",
                                                json.dumps(bad))
            seen.append(f"{status} {body.decode()}")
        everything = "\n".join(seen + requests)
        self.assertTrue(requests)
        self.assertNotIn(self.CANARY, everything)
        self.assertIsNone(re.search("5ecret", everything))


if __name__ == "__main__":
    unittest.main()
