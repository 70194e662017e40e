package dsh_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"dsh.example/dsh"
)

// tableCatalog is a host catalog over tables kept in a map: the fake the
// tests give dsh in place of a database. It records every request, so a
// test can check what dsh asked (and that no password was in it).
type tableCatalog struct {
	mu       sync.Mutex
	tables   map[dsh.TableRef][]dsh.Column
	fail     error // When set, every call fails with it.
	requests []string
}

func newTableCatalog() *tableCatalog {
	return &tableCatalog{tables: map[dsh.TableRef][]dsh.Column{}}
}

func (c *tableCatalog) put(schema, table string, columns ...dsh.Column) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tables[dsh.TableRef{Schema: schema, Table: table}] = columns
}

func (c *tableCatalog) drop(schema, table string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.tables, dsh.TableRef{Schema: schema, Table: table})
}

func (c *tableCatalog) failWith(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail = err
}

func (c *tableCatalog) seen() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.requests, "\n")
}

func (c *tableCatalog) DescribeTables(req dsh.DescribeRequest) (
	dsh.DescribeResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, fmt.Sprintf("describe %+v", req))
	if c.fail != nil {
		return dsh.DescribeResponse{}, c.fail
	}
	var response dsh.DescribeResponse
	for _, ref := range req.Tables {
		columns, ok := c.tables[ref]
		d := dsh.TableDescription{Schema: ref.Schema, Table: ref.Table,
			Status: dsh.TableOK, Kind: "table", Columns: columns}
		if !ok {
			d.Status = dsh.TableNotFound
			d.Message = fmt.Sprintf("no table %s.%s", ref.Schema, ref.Table)
			d.Columns = nil
		}
		response.Tables = append(response.Tables, d)
	}
	return response, nil
}

func (c *tableCatalog) ListTables(req dsh.ListRequest) (dsh.ListResponse,
	error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, fmt.Sprintf("list %+v", req))
	if c.fail != nil {
		return dsh.ListResponse{}, c.fail
	}
	var response dsh.ListResponse
	for ref := range c.tables {
		for _, schema := range req.Schemas {
			if ref.Schema == schema {
				response.Tables = append(response.Tables, ref)
			}
		}
	}
	sort.Slice(response.Tables, func(i, j int) bool {
		return response.Tables[i].Table < response.Tables[j].Table
	})
	return response, nil
}

func col(name, remoteType string) dsh.Column {
	return dsh.Column{Name: name, RemoteType: remoteType, Nullable: true}
}
