package dsh_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"dsh.example/dsh"
)

const (
	host     = "cluster.example.io"
	password = "canary-Pw-5e21"
	memory   = `{"store": {"kind": "memory"}}`
)

// payload is a create payload registering `tables` of schema sales.
func payload(tables []string, evolution string) []byte {
	var handlers []string
	for _, table := range tables {
		handlers = append(handlers, fmt.Sprintf(`{"metadata": {
      "hostname": %q, "port": 5439, "database": "dev",
      "username": "analyst", "password": %q, "ssl": false,
      "schema": "sales", "table": %q}}`, host, password, table))
	}
	body := fmt.Sprintf(`{"handler": [%s], "dataSource": {
    "blobHandler": {"scheme": "https", "url": ""},
    "blobHandlerType": "Redshift", "recordFormat": "",
    "type": "queryable"}`, strings.Join(handlers, ", "))
	if evolution != "" {
		body += ", " + evolution
	}
	return []byte(body + "}")
}

type fixture struct {
	t        *testing.T
	catalog  *tableCatalog
	registry *dsh.Registry
	mu       sync.Mutex
	logs     []string
}

// newFixture opens a memory registry over a Go catalog holding
// sales.orders, sales.customers and sales.returns.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, catalog: newTableCatalog()}
	for _, table := range []string{"orders", "customers", "returns"} {
		f.catalog.put("sales", table, col("id", "integer"),
			col("note", "character varying(256)"))
	}
	registry, err := dsh.Open(memory, &dsh.Host{
		Catalog:  f.catalog,
		LogLevel: dsh.LogDebug,
		Log: func(level dsh.LogLevel, text string) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.logs = append(f.logs, level.String()+": "+text)
		},
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	f.registry = registry
	t.Cleanup(func() { registry.Close() })
	return f
}

func (f *fixture) logText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.logs, "\n")
}

func (f *fixture) create(tables ...string) *dsh.CreateResult {
	f.t.Helper()
	result, err := f.registry.Create(dsh.Redshift, payload(tables, ""))
	if err != nil {
		f.t.Fatalf("Create(%v): %v", tables, err)
	}
	return result
}

// field decodes one member of a JSON object.
func field(t *testing.T, raw []byte, name string, into interface{}) {
	t.Helper()
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil {
		t.Fatalf("not a JSON object: %v: %s", err, raw)
	}
	member, ok := object[name]
	if !ok {
		t.Fatalf("no %q in %s", name, raw)
	}
	if err := json.Unmarshal(member, into); err != nil {
		t.Fatalf("%q: %v", name, err)
	}
}

func asError(t *testing.T, err error) *dsh.Error {
	t.Helper()
	var e *dsh.Error
	if !errors.As(err, &e) {
		t.Fatalf("want a *dsh.Error, got %T: %v", err, err)
	}
	return e
}

func TestVersionIsTheHeadersVersion(t *testing.T) {
	if got := dsh.Version(); got != "0.1.0" {
		t.Errorf("Version() = %q, want 0.1.0", got)
	}
}

func TestCreateReturnsTheIdsOfEveryDataSource(t *testing.T) {
	f := newFixture(t)

	result := f.create("orders", "customers")

	if len(result.DataSources) != 2 {
		t.Fatalf("created %d data sources, want 2: %s",
			len(result.DataSources), result.Raw)
	}
	if result.ID != result.DataSources[0].HandlerID ||
		result.DataSourceID != result.DataSources[0].DataSourceID {
		t.Errorf("first ids %d/%d, data sources %+v", result.ID,
			result.DataSourceID, result.DataSources)
	}
	if result.ConnectionString != "cluster.example.io:5439/dev" {
		t.Errorf("connection string %q", result.ConnectionString)
	}
	if result.DataSources[1].Table != "customers" {
		t.Errorf("second table %q", result.DataSources[1].Table)
	}
}

func TestCreateAsksTheGoCatalogWithoutThePassword(t *testing.T) {
	f := newFixture(t)

	f.create("orders")

	seen := f.catalog.seen()
	if !strings.Contains(seen, "Table:orders") ||
		!strings.Contains(seen, "Host:cluster.example.io") {
		t.Errorf("catalog was not asked about sales.orders: %s", seen)
	}
	if strings.Contains(seen, password) {
		t.Errorf("the catalog request holds the password: %s", seen)
	}
}

func TestDuplicateTablesInOnePayloadAreWarnings(t *testing.T) {
	f := newFixture(t)

	result := f.create("orders", "orders")

	if len(result.DataSources) != 1 {
		t.Errorf("created %d data sources, want 1", len(result.DataSources))
	}
	if result.Warnings == "" || len(result.WarningList) == 0 {
		t.Errorf("no warning for the duplicate: %s", result.Raw)
	}
}

func TestGetHandlerReadsTheCreatedHandlerWithoutItsPassword(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")

	raw, err := f.registry.GetHandler(dsh.Redshift, created.ID, false)

	if err != nil {
		t.Fatalf("GetHandler: %v", err)
	}
	if !strings.Contains(string(raw), `"orders"`) {
		t.Errorf("handler does not name its table: %s", raw)
	}
	if strings.Contains(string(raw), password) {
		t.Errorf("handler holds the password: %s", raw)
	}
}

func TestGetHandlerWithSkipCacheReadsTheCatalogAgain(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")
	f.catalog.put("sales", "orders", col("id", "bigint"))

	raw, err := f.registry.GetHandler(dsh.Redshift, created.ID, true)

	if err != nil {
		t.Fatalf("GetHandler: %v", err)
	}
	if !strings.Contains(string(raw), `"bigint"`) {
		t.Errorf("the dictionary was not read again: %s", raw)
	}
}

func TestGetDictionaryListsTheColumnsInOrder(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")

	raw, err := f.registry.GetDictionary(created.DataSourceID)

	if err != nil {
		t.Fatalf("GetDictionary: %v", err)
	}
	var columns []struct {
		Name       string `json:"name"`
		RemoteType string `json:"remoteType"`
		DataType   string `json:"dataType"`
	}
	field(t, raw, "metadata", &columns)
	if len(columns) != 2 || columns[0].Name != "id" ||
		columns[1].RemoteType != "character varying(256)" ||
		columns[1].DataType != "text" {
		t.Errorf("dictionary %+v", columns)
	}
}

func TestUpdateHandlerMovesItToAnotherTable(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")
	body := fmt.Sprintf(`{"handler": {"metadata": {"hostname": %q,
    "port": 5439, "database": "dev", "username": "analyst", "ssl": false,
    "schema": "sales", "table": "returns"}},
    "connectionString": "cluster.example.io:5439/dev"}`, host)

	raw, err := f.registry.UpdateHandler(dsh.Redshift, created.ID,
		[]byte(body), false)

	if err != nil {
		t.Fatalf("UpdateHandler: %v", err)
	}
	var id int64
	field(t, raw, "id", &id)
	if id != created.ID {
		t.Errorf("updated id %d, want %d", id, created.ID)
	}
	view, err := f.registry.GetHandler(dsh.Redshift, created.ID, false)
	if err != nil || !strings.Contains(string(view), `"returns"`) {
		t.Errorf("handler after update: %s (%v)", view, err)
	}
}

func TestUpdateOntoAnotherHandlersTableIsANameConflict(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders", "customers")
	body := fmt.Sprintf(`{"handler": {"metadata": {"hostname": %q,
    "port": 5439, "database": "dev", "username": "analyst", "ssl": false,
    "schema": "sales", "table": "customers"}},
    "connectionString": "cluster.example.io:5439/dev"}`, host)

	_, err := f.registry.UpdateHandler(dsh.Redshift, created.ID,
		[]byte(body), false)

	if !errors.Is(err, dsh.ErrNameConflict) {
		t.Errorf("want ErrNameConflict, got %v", err)
	}
}

func TestBulkUpdateMovesEveryHandlerOfTheConnection(t *testing.T) {
	f := newFixture(t)
	f.create("orders", "customers")
	body := `{"connectionString": "cluster.example.io:5439/dev",
    "handler": {"metadata": {"hostname": "endpoint.example.io",
    "port": 5440, "database": "dev", "username": "analyst"}}}`

	raw, err := f.registry.BulkUpdate(dsh.Redshift, []byte(body))

	if err != nil {
		t.Fatalf("BulkUpdate: %v", err)
	}
	var jobs int
	var connection string
	field(t, raw, "jobsCreated", &jobs)
	field(t, raw, "connectionString", &connection)
	if jobs != 2 || connection != "endpoint.example.io:5440/dev" {
		t.Errorf("bulk response %s", raw)
	}
}

func TestBulkUpdateOfAnUnknownConnectionIsNotFound(t *testing.T) {
	f := newFixture(t)

	_, err := f.registry.BulkUpdate(dsh.Redshift, []byte(
		`{"connectionString": "nowhere:5439/dev",
      "handler": {"metadata": {"hostname": "h", "database": "dev"}}}`))

	if !errors.Is(err, dsh.ErrNotFound) {
		t.Errorf("want ErrNotFound, got %v", err)
	}
}

func TestDetectRemoteChangesReportsAnAddedColumn(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")
	f.catalog.put("sales", "orders", col("id", "integer"),
		col("note", "character varying(256)"), col("placed", "date"))

	raw, err := f.registry.DetectRemoteChanges(nil)

	if err != nil {
		t.Fatalf("DetectRemoteChanges: %v", err)
	}
	var refreshed []struct {
		DataSourceID int64 `json:"dataSourceId"`
		Changes      []struct {
			Kind   string `json:"kind"`
			Column string `json:"column"`
		} `json:"changes"`
	}
	field(t, raw, "refreshed", &refreshed)
	if len(refreshed) != 1 || refreshed[0].DataSourceID !=
		created.DataSourceID || len(refreshed[0].Changes) != 1 ||
		refreshed[0].Changes[0].Column != "placed" {
		t.Errorf("detect response %s", raw)
	}
}

func TestSchemaMonitoringListsTablesThroughTheGoCatalog(t *testing.T) {
	f := newFixture(t)
	evolution := `"schemaEvolution": {"ownerProfileId": 2,
    "disabled": false, "schemas": ["sales"], "config": {"nameTemplate": {
    "nameFormat": "<Schema> <Tablename>", "tableFormat": "<tablename>",
    "sqlSchemaNameFormat": "<schema>"}}}`
	if _, err := f.registry.Create(dsh.Redshift,
		payload([]string{"orders"}, evolution)); err != nil {
		t.Fatalf("Create: %v", err)
	}
	f.catalog.put("sales", "refunds", col("id", "integer"))

	raw, err := f.registry.DetectRemoteChanges([]byte(""))

	if err != nil {
		t.Fatalf("DetectRemoteChanges: %v", err)
	}
	if !strings.Contains(f.catalog.seen(), "list ") {
		t.Errorf("ListTables was never called: %s", f.catalog.seen())
	}
	var created []struct {
		Table string `json:"table"`
	}
	field(t, raw, "created", &created)
	found := false
	for _, c := range created {
		found = found || c.Table == "refunds"
	}
	if !found {
		t.Errorf("sales.refunds was not registered: %s", raw)
	}
}

func TestDeleteDataSourceFreesItsTable(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")

	raw, err := f.registry.DeleteDataSource(created.DataSourceID)

	if err != nil {
		t.Fatalf("DeleteDataSource: %v", err)
	}
	var handlerID int64
	field(t, raw, "handlerId", &handlerID)
	if handlerID != created.ID {
		t.Errorf("deleted handler %d, want %d", handlerID, created.ID)
	}
	if _, err := f.registry.GetDictionary(created.DataSourceID); !errors.Is(
		err, dsh.ErrNotFound) {
		t.Errorf("dictionary after delete: want ErrNotFound, got %v", err)
	}
	again := f.create("orders")
	if len(again.DataSources) != 1 {
		t.Errorf("the table was not free again: %s", again.Raw)
	}
}

func TestValidateConsultsNeitherCatalogNorStore(t *testing.T) {
	f := newFixture(t)

	raw, err := f.registry.Validate(dsh.Redshift,
		payload([]string{"nowhere"}, ""))

	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if f.catalog.seen() != "" {
		t.Errorf("Validate asked the catalog: %s", f.catalog.seen())
	}
	if !strings.Contains(string(raw), "cluster.example.io:5439/dev") {
		t.Errorf("validate response %s", raw)
	}
}

func TestAnUnknownHandlerIsNotFound(t *testing.T) {
	f := newFixture(t)

	_, err := f.registry.GetHandler(dsh.Redshift, 999, false)

	if !errors.Is(err, dsh.ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	if e := asError(t, err); e.Code != dsh.CodeNotFound || e.Message == "" {
		t.Errorf("error %+v", e)
	}
	if errors.Is(err, dsh.ErrInvalidRequest) {
		t.Errorf("a not-found error also matches ErrInvalidRequest")
	}
}

func TestABadPayloadNamesEveryProblemWithItsPointer(t *testing.T) {
	f := newFixture(t)
	bad := strings.Replace(string(payload([]string{"orders", "customers"},
		"")), `"port": 5439`, `"port": 70000`, -1)

	_, err := f.registry.Create(dsh.Redshift, []byte(bad))

	if !errors.Is(err, dsh.ErrInvalidRequest) {
		t.Fatalf("want ErrInvalidRequest, got %v", err)
	}
	pointers := map[string]bool{}
	for _, p := range asError(t, err).Problems {
		pointers[p.Pointer] = true
	}
	for _, want := range []string{"/handler/0/metadata/port",
		"/handler/1/metadata/port"} {
		if !pointers[want] {
			t.Errorf("no problem at %s: %+v", want, asError(t, err).Problems)
		}
	}
}

func TestMalformedJSONReportsItsByteOffset(t *testing.T) {
	f := newFixture(t)

	_, err := f.registry.Create(dsh.Redshift, []byte(`{"handler": [}`))

	if !errors.Is(err, dsh.ErrMalformedJSON) {
		t.Fatalf("want ErrMalformedJSON, got %v", err)
	}
	if offset := asError(t, err).Offset; offset != 13 {
		t.Errorf("offset %d, want 13", offset)
	}
}

func TestAMissingTableIsNotFound(t *testing.T) {
	f := newFixture(t)

	_, err := f.registry.Create(dsh.Redshift,
		payload([]string{"nowhere"}, ""))

	if !errors.Is(err, dsh.ErrNotFound) {
		t.Errorf("want ErrNotFound, got %v", err)
	}
}

func TestATakenNameIsANameConflict(t *testing.T) {
	f := newFixture(t)
	f.create("orders")
	f.catalog.put("other", "orders", col("id", "integer"))
	second := strings.Replace(string(payload([]string{"orders"}, "")),
		`"schema": "sales"`, `"schema": "other"`, 1)
	second = strings.Replace(second, `"table": "orders"`,
		`"table": "orders", "dataSourceName": "Orders Again",
     "bodataSchemaName": "sales", "bodataTableName": "orders"`, 1)

	_, err := f.registry.Create(dsh.Redshift, []byte(second))

	if !errors.Is(err, dsh.ErrNameConflict) {
		t.Errorf("want ErrNameConflict, got %v", err)
	}
}

func TestACatalogErrorReachesTheCallerIntact(t *testing.T) {
	f := newFixture(t)
	const message = "warehouse gateway: quota exceeded for team «ops» (42)"
	f.catalog.failWith(errors.New(message))

	_, err := f.registry.Create(dsh.Redshift, payload([]string{"orders"}, ""))

	if err == nil || !strings.Contains(err.Error(), message) {
		t.Fatalf("want the catalog's message %q, got %v", message, err)
	}
	if !errors.Is(err, dsh.ErrUnavailable) {
		t.Errorf("a plain catalog error should be ErrUnavailable, got %v",
			asError(t, err).Code)
	}
}

func TestACatalogChoosesItsCodeByWrappingASentinel(t *testing.T) {
	f := newFixture(t)
	f.catalog.failWith(fmt.Errorf("login refused for analyst: %w",
		dsh.ErrPermissionDenied))

	_, err := f.registry.Create(dsh.Redshift, payload([]string{"orders"}, ""))

	if !errors.Is(err, dsh.ErrPermissionDenied) {
		t.Fatalf("want ErrPermissionDenied, got %v", err)
	}
	if !strings.Contains(err.Error(), "login refused for analyst") {
		t.Errorf("message lost: %v", err)
	}
}

// panicking fails every call by panicking, which must not cross into C.
type panicking struct{}

func (panicking) DescribeTables(dsh.DescribeRequest) (dsh.DescribeResponse,
	error) {
	panic("catalog bug")
}

func (panicking) ListTables(dsh.ListRequest) (dsh.ListResponse, error) {
	panic("catalog bug")
}

func TestAPanickingCatalogIsAnInternalError(t *testing.T) {
	registry, err := dsh.Open(memory, &dsh.Host{Catalog: panicking{}})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer registry.Close()

	_, err = registry.Create(dsh.Redshift, payload([]string{"orders"}, ""))

	if !errors.Is(err, dsh.ErrInternal) ||
		!strings.Contains(err.Error(), "catalog bug") {
		t.Errorf("want ErrInternal naming the panic, got %v", err)
	}
}

func TestRouteAnswersWithHTTPStatuses(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")
	cases := []struct {
		method, target string
		body           []byte
		want           int
	}{
		{"POST", "/redshift/handler", payload([]string{"customers"}, ""), 200},
		{"GET", fmt.Sprintf("/redshift/handler/%d?skipCache=true",
			created.ID), nil, 200},
		{"GET", fmt.Sprintf("/dictionary/%d", created.DataSourceID), nil, 200},
		{"GET", "/dictionary/999", nil, 404},
		{"GET", "/nowhere", nil, 404},
		{"PATCH", "/redshift/handler", nil, 405},
		{"POST", "/redshift/handler", []byte(`{"handler": [`), 400},
		{"DELETE", fmt.Sprintf("/dataSource/%d", created.DataSourceID), nil,
			200},
	}
	for _, c := range cases {
		status, body, err := f.registry.Route(c.method, c.target, c.body)
		if err != nil {
			t.Errorf("%s %s: %v", c.method, c.target, err)
			continue
		}
		if status != c.want {
			t.Errorf("%s %s: status %d, want %d: %s", c.method, c.target,
				status, c.want, body)
		}
		if !json.Valid(body) {
			t.Errorf("%s %s: body is not JSON: %s", c.method, c.target, body)
		}
	}
}

func TestRouteErrorBodiesCarryTheCode(t *testing.T) {
	f := newFixture(t)

	status, body, err := f.registry.Route("POST", "/redshift/handler",
		[]byte(`{"handler": [}`))

	if err != nil || status != 400 {
		t.Fatalf("status %d, err %v", status, err)
	}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	field(t, body, "error", &e)
	if e.Code == "" || e.Message == "" {
		t.Errorf("error body %s", body)
	}
}

func TestThePasswordAppearsInNoOutput(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")
	var outputs []string
	record := func(raw []byte, err error) {
		outputs = append(outputs, string(raw))
		if err != nil {
			outputs = append(outputs, err.Error())
		}
	}
	outputs = append(outputs, string(created.Raw))
	record(f.registry.GetHandler(dsh.Redshift, created.ID, true))
	record(f.registry.GetDictionary(created.DataSourceID))
	record(f.registry.Validate(dsh.Redshift, payload([]string{"x"}, "")))
	record(f.registry.DetectRemoteChanges(nil))
	bad := strings.Replace(string(payload([]string{"orders"}, "")),
		`"port": 5439`, `"port": "`+password+`"`, 1)
	_, err := f.registry.Create(dsh.Redshift, []byte(bad))
	record(nil, err)
	_, body, _ := f.registry.Route("GET",
		fmt.Sprintf("/redshift/handler/%d", created.ID), nil)
	outputs = append(outputs, string(body))
	outputs = append(outputs, f.logText(), f.catalog.seen())

	for _, out := range outputs {
		if strings.Contains(out, password) {
			t.Errorf("the password is in an output: %s", out)
		}
	}
}

func TestLogLinesReachTheGoFunction(t *testing.T) {
	f := newFixture(t)
	f.create("orders")

	if _, err := f.registry.DetectRemoteChanges(nil); err != nil {
		t.Fatalf("DetectRemoteChanges: %v", err)
	}

	if f.logText() == "" {
		t.Errorf("no log line reached the Go log function")
	}
}

func TestCloseTwiceIsSafeAndLaterCallsFail(t *testing.T) {
	registry, err := dsh.Open(memory, &dsh.Host{Catalog: newTableCatalog()})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}

	if err := registry.Close(); err != nil {
		t.Errorf("first Close: %v", err)
	}
	if err := registry.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, err = registry.GetDictionary(1)
	if !errors.Is(err, dsh.ErrClosed) || !errors.Is(err,
		dsh.ErrInvalidArgument) {
		t.Errorf("call after Close: want ErrClosed, got %v", err)
	}
	if _, _, err := registry.Route("GET", "/dictionary/1", nil); err == nil {
		t.Errorf("Route after Close succeeded")
	}
}

func TestOpenRefusesMalformedOptions(t *testing.T) {
	_, err := dsh.Open(`{"store": `, nil)

	if !errors.Is(err, dsh.ErrMalformedJSON) &&
		!errors.Is(err, dsh.ErrInvalidRequest) {
		t.Errorf("want a JSON or request error, got %v", err)
	}
}

func TestOpenWithEmptyOptionsAndNoHostWorks(t *testing.T) {
	registry, err := dsh.Open("", nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer registry.Close()

	_, err = registry.GetDictionary(1)

	if !errors.Is(err, dsh.ErrNotFound) {
		t.Errorf("want ErrNotFound from an empty registry, got %v", err)
	}
}

func TestConcurrentCallsShareOneRegistry(t *testing.T) {
	f := newFixture(t)
	created := f.create("orders")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.registry.GetHandler(dsh.Redshift, created.ID,
				true); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent GetHandler: %v", err)
	}
}
