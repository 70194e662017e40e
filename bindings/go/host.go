package dsh

import "strconv"

// Technology names the kind of database: its default port and its dialect.
type Technology string

// The technologies dsh serves.
const (
	Redshift   Technology = "redshift"
	PostgreSQL Technology = "postgresql"
)

// LogLevel is the severity of a log line (DSH_LOG_* in dsh/c.h).
type LogLevel int32

// The levels, lowest first.
const (
	LogDebug   LogLevel = 0
	LogInfo    LogLevel = 1
	LogWarning LogLevel = 2
	LogError   LogLevel = 3
)

func (l LogLevel) String() string {
	switch l {
	case LogDebug:
		return "debug"
	case LogInfo:
		return "info"
	case LogWarning:
		return "warning"
	case LogError:
		return "error"
	}
	return "level " + strconv.Itoa(int(l))
}

// Host is what an application supplies besides options. Every member may
// be left empty.
type Host struct {
	// The host's own catalog. When nil, dsh reads the PostgreSQL or
	// Redshift catalogs itself.
	Catalog Catalog
	// Receives each log line at LogLevel or above. The text never holds a
	// secret. It may be called from several goroutines at once.
	Log      func(level LogLevel, text string)
	LogLevel LogLevel
}

// Catalog answers dsh's questions about remote tables in place of a
// database. Its methods may be called from several goroutines at once.
//
// A returned error refuses the operation that asked; its message reaches
// the caller unchanged. The code is that of an *Error in the error's chain
// (so wrapping ErrPermissionDenied, say, chooses it), else CodeUnavailable.
// A panic is recovered and reported as CodeInternal.
type Catalog interface {
	// Describes every requested table, one entry each, in request order.
	DescribeTables(req DescribeRequest) (DescribeResponse, error)
	// Names every table of the requested schemas.
	ListTables(req ListRequest) (ListResponse, error)
}

// Connection says which database a catalog question is about. The
// password is never passed.
type Connection struct {
	Technology Technology `json:"technology"`
	Host       string     `json:"host"`
	Port       int        `json:"port"`
	Database   string     `json:"database"`
	Username   string     `json:"username"`
	SSL        bool       `json:"ssl"`
}

// TableRef names a table.
type TableRef struct {
	Schema string `json:"schema"`
	Table  string `json:"table"`
}

// DescribeRequest asks for the columns of several tables at once.
type DescribeRequest struct {
	Connection Connection `json:"connection"`
	Tables     []TableRef `json:"tables"`
}

// TableStatus is the outcome of looking one table up.
type TableStatus string

// The outcomes. Ambiguous is a case-insensitive match of two or more
// relations; its Message should name them.
const (
	TableOK        TableStatus = "ok"
	TableNotFound  TableStatus = "not_found"
	TableAmbiguous TableStatus = "ambiguous"
)

// Column is one column of a described table.
type Column struct {
	Name string `json:"name"`
	// The type exactly as the database prints it: "numeric(12,2)".
	RemoteType string `json:"remoteType"`
	// The governed type, when the catalog knows it; empty lets dsh map
	// RemoteType.
	DataType   string `json:"dataType,omitempty"`
	Nullable   bool   `json:"nullable"`
	PrimaryKey bool   `json:"primaryKey"`
}

// TableDescription answers for one requested table. Schema and Table are
// the names as the catalog stores them.
type TableDescription struct {
	Schema string `json:"schema"`
	Table  string `json:"table"`
	// Empty means TableOK.
	Status  TableStatus `json:"status"`
	Message string      `json:"message,omitempty"`
	// "table", "view", "materialized_view", "partitioned_table",
	// "foreign_table", "late_binding_view" or "external_table"; empty
	// means "table" for a table found.
	Kind    string   `json:"kind,omitempty"`
	Columns []Column `json:"columns"`
}

// DescribeResponse holds one entry per requested table, in order.
type DescribeResponse struct {
	Tables []TableDescription `json:"tables"`
}

// ListRequest asks for the tables of some schemas.
type ListRequest struct {
	Connection Connection `json:"connection"`
	Schemas    []string   `json:"schemas"`
}

// ListResponse names the tables found.
type ListResponse struct {
	Tables []TableRef `json:"tables"`
}
