"""Writes a PostgreSQL create payload for a list of tables.

Reads a JSON array of [schema, table] pairs on stdin and prints a payload
that registers each of them, with a display name and a SQL table name that
stay unique even for tables whose names differ only in case. Connection
fields are placeholders for the caller to fill in.
"""
import json
import re
import sys


def sql_name(text):
    return re.sub(r"[^a-z0-9_]", "_", text.lower())[:200]


def main():
    text = sys.stdin.read().strip()
    tables = json.loads(text) if text else []
    if not tables:
        sys.exit("payload_for_tables: the database has no tables or views "
                 "to register")
    taken = set()
    handlers = []
    for schema, table in tables:
        name = sql_name(table)
        candidate, n = name, 2
        while (schema, candidate) in taken:
            candidate, n = f"{name}_{n}", n + 1
        taken.add((schema, candidate))
        handlers.append({"metadata": {
            "hostname": "localhost", "database": "postgres",
            "username": "postgres", "password": "", "ssl": False,
            "schema": schema, "table": table,
            "dataSourceName": f"{schema}.{table}",
            "bodataSchemaName": sql_name(schema),
            "bodataTableName": candidate,
        }})
    payload = {
        "handler": handlers,
        "dataSource": {
            "blobHandler": {"scheme": "https", "url": ""},
            "blobHandlerType": "PostgreSQL",
            "recordFormat": "",
            "type": "queryable",
        },
    }
    json.dump(payload, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
