package dsh_test

import (
	"fmt"
	"log"

	"dsh.example/dsh"
)

// exampleCatalog stands in for a database in the example: it knows one
// table, army.army_records.
type exampleCatalog struct{}

func (exampleCatalog) DescribeTables(req dsh.DescribeRequest) (
	dsh.DescribeResponse, error) {
	var response dsh.DescribeResponse
	for _, t := range req.Tables {
		response.Tables = append(response.Tables, dsh.TableDescription{
			Schema: t.Schema, Table: t.Table, Status: dsh.TableOK,
			Columns: []dsh.Column{{Name: "id", RemoteType: "integer"},
				{Name: "unit", RemoteType: "character varying(64)"}}})
	}
	return response, nil
}

func (exampleCatalog) ListTables(dsh.ListRequest) (dsh.ListResponse, error) {
	return dsh.ListResponse{}, nil
}

const examplePayload = `{"handler": [{"metadata": {
  "hostname": "redshift.example.io", "database": "test",
  "username": "user", "password": "secret",
  "schema": "army", "table": "army_records"}}],
 "dataSource": {"blobHandler": {"scheme": "https", "url": ""},
  "blobHandlerType": "Redshift", "recordFormat": "", "type": "queryable"}}`

func Example() {
	registry, err := dsh.Open(`{"store": {"kind": "memory"}}`,
		&dsh.Host{Catalog: exampleCatalog{}})
	if err != nil {
		log.Fatal(err)
	}
	defer registry.Close()
	created, err := registry.Create(dsh.Redshift, []byte(examplePayload))
	if err != nil {
		log.Fatal(err)
	}
	source := created.DataSources[0]
	fmt.Println(source.Name, source.SQLTableName, created.ConnectionString)
	// Output: Army Army Records army_records redshift.example.io:5439/test
}
