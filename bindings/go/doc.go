// Package dsh registers Amazon Redshift and PostgreSQL tables as governed
// data sources by calling libdsh through its C ABI (dsh/c.h).
//
// The package is found through pkg-config (the module "dsh"), so building
// it needs cgo and a dsh.pc on PKG_CONFIG_PATH. Requests and responses are
// JSON, exactly as in the REST contract: the package passes them through
// as bytes and decodes only what a Go caller needs to branch on (errors,
// the ids a create returns).
//
// A Registry is safe for concurrent use. Failures are *Error values; test
// them with errors.Is against ErrNotFound, ErrInvalidRequest and the other
// sentinels, or errors.As to read the problems and the offset.
//
// A host may answer catalog questions itself by giving Open a Host whose
// Catalog is set; dsh then never connects to a database.
package dsh
