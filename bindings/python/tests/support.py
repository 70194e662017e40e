"""Shared fixtures of the Python binding tests.

Makes the dsh package importable from the source tree and points it at the
library: $DSH_LIBRARY when set, else the repository's build/lib/libdsh.so.
"""
import copy
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINDINGS = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(BINDINGS))
sys.path.insert(0, BINDINGS)

if not os.environ.get("DSH_LIBRARY"):
    _built = os.path.join(ROOT, "build", "lib", "libdsh.so")
    if os.path.exists(_built):
        os.environ["DSH_LIBRARY"] = _built

import dsh  # pylint: disable=wrong-import-position

MEMORY = {"store": {"kind": "memory"}}
HOST = "redshift.database.example.io"
PORT = 5439
DATABASE = "test"
CONNECTION_STRING = f"{HOST}:{PORT}/{DATABASE}"

# The shape of the vendor's published two-table Redshift example: two
# handlers on one connection whose passwords differ, names from the
# handlers, a dataSource without name/sqlTableName/private/organization.
VENDOR_PAYLOAD = {
    "handler": [
        {"metadata": {
            "ssl": True, "userFiles": [], "port": PORT, "hostname": HOST,
            "database": DATABASE, "username": "user",
            "password": "first-example-password",
            "schemaProjectName": "Army", "staleDataTolerance": 86400,
            "bodataSchemaName": "army", "bodataTableName": "army_records",
            "dataSourceName": "Army Army Records", "table": "army_records",
            "schema": "army", "nativeViewName": "army_records_immuta",
            "nativeSchemaName": "army_immuta",
            "nativeWorkspaceName": "immuta_test"}},
        {"metadata": {
            "ssl": True, "userFiles": [], "port": PORT, "hostname": HOST,
            "database": DATABASE, "username": "user",
            "password": "second-example-password",
            "schemaProjectName": "Army", "staleDataTolerance": 86400,
            "bodataSchemaName": "army", "bodataTableName": "data",
            "dataSourceName": "Army Data", "table": "data",
            "schema": "army", "nativeViewName": "data_immuta",
            "nativeSchemaName": "army_immuta",
            "nativeWorkspaceName": "immuta_test"}},
    ],
    "dataSource": {
        "blobHandler": {"scheme": "https", "url": ""},
        "blobHandlerType": "Redshift", "recordFormat": "",
        "type": "queryable", "schemaEvolutionId": None,
        "columnEvolutionEnabled": True},
    "schemaEvolution": {
        "ownerProfileId": 2, "disabled": True,
        "config": {"nameTemplate": {
            "nameFormat": "<Schema> <Tablename>",
            "tableFormat": "<tablename>",
            "sqlSchemaNameFormat": "<schema>",
            "schemaProjectNameFormat": "<Schema>"}}},
}

ARMY_RECORDS_COLUMNS = [
    {"name": "record_id", "remoteType": "integer", "nullable": False,
     "primaryKey": True},
    {"name": "soldier_name", "remoteType": "character varying(256)"},
    {"name": "enlisted_on", "remoteType": "date"},
]
ARMY_DATA_COLUMNS = [
    {"name": "id", "remoteType": "bigint", "nullable": False,
     "primaryKey": True},
    {"name": "payload", "remoteType": "super"},
    {"name": "amount", "remoteType": "numeric(12,2)"},
]
EXTRA_COLUMNS = [{"name": "id", "remoteType": "integer"}]

# The same tables as a catalog file for examples/http_host.py --catalog.
CATALOG_SPEC = {"databases": [{
    "host": HOST, "port": PORT, "database": DATABASE,
    "tables": [
        {"schema": "army", "table": "army_records",
         "columns": ARMY_RECORDS_COLUMNS},
        {"schema": "army", "table": "data", "columns": ARMY_DATA_COLUMNS},
        {"schema": "army", "table": "extra", "columns": EXTRA_COLUMNS},
    ]}]}


def vendor_payload():
    return copy.deepcopy(VENDOR_PAYLOAD)


def army_catalog():
    """A host catalog with army.army_records, army.data and army.extra."""
    return dsh.TableCatalog.from_dict(CATALOG_SPEC)


def one_table_payload(table, name, password="pw"):
    """A payload registering army.<table> under the display name `name`."""
    payload = vendor_payload()
    payload["handler"] = [payload["handler"][0]]
    metadata = payload["handler"][0]["metadata"]
    metadata.update(table=table, bodataTableName=table, dataSourceName=name,
                    nativeViewName=f"{table}_immuta", password=password)
    return payload


def update_body(table="army_records", columns=None):
    metadata = dict(VENDOR_PAYLOAD["handler"][0]["metadata"])
    metadata.pop("password")
    metadata["table"] = table
    if columns is not None:
        metadata["columns"] = columns
    return {"handler": {"metadata": metadata},
            "connectionString": CONNECTION_STRING}
