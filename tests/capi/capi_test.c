/*
 * Drives every function of dsh/c.h from C, with a host catalog written in
 * C over static tables and a log sink that counts lines. Prints one line
 * per failed check and a closing "N passed, M failed" line; exits non-zero
 * when any check failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsh/c.h"

static int passed = 0;
static int failed = 0;

#define CHECK(condition)                                                   \
  do {                                                                     \
    if (condition) {                                                       \
      ++passed;                                                            \
    } else {                                                               \
      ++failed;                                                            \
      printf("FAILED %s:%d: %s\n", __FILE__, __LINE__, #condition);        \
    }                                                                      \
  } while (0)

/* ---- The host: a static catalog, a failure switch and a log counter. */

struct host_state {
  int describe_calls;
  int list_calls;
  int freed;
  int log_lines;
  int fail_with; /* DSH_OK, or the status describe_tables returns. */
};

/* UTF-8 and punctuation, to see that the text is passed on unchanged. */
static const char kHostMessage[] =
    "login refused for \"analyst\" (r\xc3\xb4le \xe2\x9c\x93): ask the DBA";

static char* copy_text(const char* text, size_t* length) {
  size_t n = strlen(text);
  char* out = (char*)malloc(n + 1);
  if (out == NULL) return NULL;
  memcpy(out, text, n + 1);
  *length = n;
  return out;
}

static const char* columns_of(const char* table) {
  if (strcmp(table, "orders") == 0) {
    return "[{\"name\":\"id\",\"remoteType\":\"integer\",\"dataType\":"
           "\"integer\",\"nullable\":false,\"primaryKey\":true},"
           "{\"name\":\"total\",\"remoteType\":\"numeric(12,2)\"}]";
  }
  if (strcmp(table, "customers") == 0) {
    return "[{\"name\":\"id\",\"remoteType\":\"bigint\"},"
           "{\"name\":\"name\",\"remoteType\":\"text\"}]";
  }
  return NULL;
}

/* Reads the string value after `key` ("schema":") starting at *cursor. */
static int read_member(const char** cursor, const char* key, char* out,
                       size_t size) {
  const char* start = strstr(*cursor, key);
  const char* end;
  size_t n;
  if (start == NULL) return 0;
  start += strlen(key);
  end = strchr(start, '"');
  if (end == NULL) return 0;
  n = (size_t)(end - start);
  if (n >= size) return 0;
  memcpy(out, start, n);
  out[n] = '\0';
  *cursor = end;
  return 1;
}

static int32_t describe_tables(void* user_data, const char* request,
                               size_t request_len, char** response,
                               size_t* response_len) {
  struct host_state* state = (struct host_state*)user_data;
  char* text;
  char* request_copy;
  const char* cursor;
  size_t used = 0;
  char schema[128];
  char table[128];
  int first = 1;
  ++state->describe_calls;
  if (state->fail_with != DSH_OK) {
    *response = copy_text(kHostMessage, response_len);
    return state->fail_with;
  }
  request_copy = (char*)malloc(request_len + 1);
  text = (char*)malloc(4096);
  if (request_copy == NULL || text == NULL) {
    free(request_copy);
    free(text);
    return DSH_INTERNAL;
  }
  memcpy(request_copy, request, request_len);
  request_copy[request_len] = '\0';
  cursor = strstr(request_copy, "\"tables\":");
  used += (size_t)sprintf(text, "{\"tables\":[");
  while (cursor != NULL &&
         read_member(&cursor, "{\"schema\":\"", schema, sizeof schema) &&
         read_member(&cursor, "\"table\":\"", table, sizeof table)) {
    const char* columns = columns_of(table);
    if (!first) text[used++] = ',';
    first = 0;
    if (columns != NULL && strcmp(schema, "sales") == 0) {
      used += (size_t)sprintf(text + used,
                              "{\"schema\":\"%s\",\"table\":\"%s\","
                              "\"status\":\"ok\",\"kind\":\"table\","
                              "\"columns\":%s}",
                              schema, table, columns);
    } else {
      used += (size_t)sprintf(text + used,
                              "{\"schema\":\"%s\",\"table\":\"%s\","
                              "\"status\":\"not_found\"}",
                              schema, table);
    }
  }
  used += (size_t)sprintf(text + used, "]}");
  free(request_copy);
  *response = text;
  *response_len = used;
  return DSH_OK;
}

static int32_t list_tables(void* user_data, const char* request,
                           size_t request_len, char** response,
                           size_t* response_len) {
  struct host_state* state = (struct host_state*)user_data;
  (void)request;
  (void)request_len;
  ++state->list_calls;
  *response = copy_text(
      "{\"tables\":[{\"schema\":\"sales\",\"table\":\"customers\"},"
      "{\"schema\":\"sales\",\"table\":\"orders\"}]}",
      response_len);
  return DSH_OK;
}

static void free_buffer(void* user_data, char* buffer) {
  struct host_state* state = (struct host_state*)user_data;
  ++state->freed;
  free(buffer);
}

static void log_line(void* user_data, int32_t level, const char* text,
                     size_t text_len) {
  struct host_state* state = (struct host_state*)user_data;
  (void)level;
  (void)text;
  if (text_len > 0) ++state->log_lines;
}

/* ---- Payloads. */

static const char kPayloadStart[] =
    "{\"handler\": [{\"metadata\": {\"hostname\": \"cluster.example.io\", "
    "\"port\": 5439, \"database\": \"dev\", \"username\": \"analyst\", "
    "\"password\": \"canary-Pw-77\", \"ssl\": false, \"schema\": \"sales\", "
    "\"table\": \"";
static const char kPayloadEnd[] =
    "}}], \"dataSource\": {\"blobHandler\": {\"scheme\": \"https\", "
    "\"url\": \"\"}, \"blobHandlerType\": \"Redshift\", \"recordFormat\": "
    "\"\", \"type\": \"queryable\"}}";

/* A create payload for sales.`table`; `extra` is appended to metadata. */
static void make_payload(char* out, const char* table, const char* extra) {
  sprintf(out, "%s%s\"%s%s", kPayloadStart, table, extra, kPayloadEnd);
}

static int contains(const char* text, const char* part) {
  return text != NULL && strstr(text, part) != NULL;
}

/* ---- Checks. */

static void check_versions(void) {
  CHECK(dsh_version_major() == DSH_VERSION_MAJOR);
  CHECK(dsh_version_minor() == DSH_VERSION_MINOR);
  CHECK(dsh_version_patch() == DSH_VERSION_PATCH);
  CHECK(strcmp(dsh_version_string(), "0.1.0") == 0);
}

static void check_null_releases(void) {
  dsh_free(NULL);
  dsh_error_free(NULL);
  dsh_registry_destroy(NULL);
  CHECK(dsh_error_code(NULL) == DSH_INVALID_ARGUMENT);
  CHECK(dsh_error_offset(NULL) == -1);
}

static void check_bad_options(void) {
  static const char kBad[] =
      "{\"store\": {\"kind\": \"disk\"}, \"strict\": 1, \"colour\": true}";
  static const char kMalformed[] = "{\"strict\": ";
  dsh_registry* registry = NULL;
  dsh_error* error = NULL;
  int32_t status =
      dsh_registry_open(kBad, strlen(kBad), NULL, &registry, &error);
  CHECK(status == DSH_INVALID_REQUEST);
  CHECK(registry == NULL);
  CHECK(dsh_error_code(error) == DSH_INVALID_REQUEST);
  CHECK(contains(dsh_error_details(error), "\"pointer\":\"/store/kind\""));
  CHECK(contains(dsh_error_details(error), "\"pointer\":\"/strict\""));
  CHECK(contains(dsh_error_details(error), "\"pointer\":\"/colour\""));
  CHECK(contains(dsh_error_message(error), "/strict"));
  CHECK(dsh_error_offset(error) == -1);
  dsh_error_free(error);

  error = NULL;
  status = dsh_registry_open(kMalformed, strlen(kMalformed), NULL, &registry,
                             &error);
  CHECK(status == DSH_MALFORMED_JSON);
  CHECK(dsh_error_offset(error) == (int64_t)strlen(kMalformed));
  CHECK(contains(dsh_error_details(error), "\"code\":\"malformed_json\""));
  dsh_error_free(error);

  /* No error object asked for: the status alone. */
  CHECK(dsh_registry_open(kBad, strlen(kBad), NULL, &registry, NULL) ==
        DSH_INVALID_REQUEST);
  CHECK(dsh_registry_open("", 0, NULL, NULL, NULL) == DSH_INVALID_ARGUMENT);
}

static void check_operations(dsh_registry* registry,
                             struct host_state* state) {
  char payload[2048];
  char* json = NULL;
  size_t length = 0;
  dsh_error* error = NULL;
  int32_t status;
  int describes;

  /* Validate reads neither the catalog nor the store. */
  make_payload(payload, "orders", "");
  status = dsh_validate(registry, "redshift", payload, strlen(payload), &json,
                        &length, &error);
  CHECK(status == DSH_OK);
  CHECK(error == NULL);
  CHECK(contains(json, "\"connectionString\":\"cluster.example.io:5439/dev\""));
  CHECK(state->describe_calls == 0);
  dsh_free(json);

  status = dsh_create(registry, "redshift", payload, strlen(payload), &json,
                      &length, &error);
  CHECK(status == DSH_OK);
  CHECK(json != NULL && length == strlen(json));
  CHECK(contains(json, "\"id\":1"));
  CHECK(!contains(json, "canary-Pw-77"));
  CHECK(state->describe_calls == 1);
  CHECK(state->freed == state->describe_calls);
  dsh_free(json);

  /* Malformed JSON: code, offset, NULL output. */
  json = (char*)"untouched";
  status = dsh_create(registry, "redshift", "{\"handler\": ", 12, &json,
                      &length, &error);
  CHECK(status == DSH_MALFORMED_JSON);
  CHECK(json == NULL);
  CHECK(dsh_error_code(error) == DSH_MALFORMED_JSON);
  CHECK(dsh_error_offset(error) == 12);
  CHECK(contains(dsh_error_details(error), "\"offset\":12"));
  dsh_error_free(error);
  error = NULL;

  /* An invalid payload: every problem with its pointer. */
  status = dsh_create(registry, "redshift", "{\"handler\": []}", 15, &json,
                      NULL, &error);
  CHECK(status == DSH_INVALID_REQUEST);
  CHECK(contains(dsh_error_details(error), "\"problems\":[{\"pointer\":"));
  dsh_error_free(error);
  error = NULL;

  /* A taken name. */
  make_payload(payload, "customers", ", \"dataSourceName\": \"Sales Orders\"");
  status = dsh_create(registry, "redshift", payload, strlen(payload), &json,
                      NULL, &error);
  CHECK(status == DSH_NAME_CONFLICT);
  CHECK(dsh_error_code(error) == DSH_NAME_CONFLICT);
  dsh_error_free(error);
  error = NULL;

  /* Bad C arguments and bad technology. */
  CHECK(dsh_create(NULL, "redshift", payload, strlen(payload), &json, NULL,
                   NULL) == DSH_INVALID_ARGUMENT);
  CHECK(dsh_create(registry, NULL, payload, strlen(payload), &json, NULL,
                   NULL) == DSH_INVALID_ARGUMENT);
  CHECK(dsh_create(registry, "redshift", NULL, 5, &json, NULL, NULL) ==
        DSH_INVALID_ARGUMENT);
  CHECK(dsh_create(registry, "redshift", payload, strlen(payload), NULL, NULL,
                   NULL) == DSH_INVALID_ARGUMENT);
  status = dsh_create(registry, "mysql", payload, strlen(payload), &json,
                      NULL, &error);
  CHECK(status == DSH_INVALID_REQUEST);
  CHECK(contains(dsh_error_details(error), "\"pointer\":\"/technology\""));
  dsh_error_free(error);
  error = NULL;

  /* Get: cached, then from the catalog. */
  describes = state->describe_calls;
  status = dsh_get_handler(registry, "redshift", 1, 0, &json, &length, &error);
  CHECK(status == DSH_OK);
  CHECK(contains(json, "orders"));
  CHECK(!contains(json, "canary-Pw-77"));
  CHECK(state->describe_calls == describes);
  dsh_free(json);
  status = dsh_get_handler(registry, "redshift", 1, 1, &json, &length, &error);
  CHECK(status == DSH_OK);
  CHECK(state->describe_calls == describes + 1);
  dsh_free(json);
  CHECK(dsh_get_handler(registry, "redshift", 99, 0, &json, NULL, NULL) ==
        DSH_NOT_FOUND);
  CHECK(json == NULL);
  CHECK(dsh_get_handler(registry, "postgresql", 1, 0, &json, NULL, NULL) ==
        DSH_NOT_FOUND);
  CHECK(dsh_get_handler(registry, "redshift", 0, 0, &json, NULL, NULL) ==
        DSH_INVALID_REQUEST);

  /* Update: the same handler moves to sales.customers. */
  {
    static const char kUpdate[] =
        "{\"handler\": {\"metadata\": {\"hostname\": \"cluster.example.io\", "
        "\"port\": 5439, \"database\": \"dev\", \"username\": \"analyst\", "
        "\"ssl\": false, \"schema\": \"sales\", \"table\": \"customers\"}}, "
        "\"connectionString\": \"cluster.example.io:5439/dev\"}";
    status = dsh_update_handler(registry, "redshift", 1, kUpdate,
                                strlen(kUpdate), 0, &json, &length, &error);
    CHECK(status == DSH_OK);
    CHECK(contains(json, "\"id\":1"));
    CHECK(contains(json, "\"name\":\"name\""));
    dsh_free(json);
  }

  /* Bulk: every handler of the connection moves to a new endpoint. */
  {
    static const char kBulk[] =
        "{\"connectionString\": \"cluster.example.io:5439/dev\", "
        "\"handler\": {\"metadata\": {\"hostname\": \"endpoint.example.io\", "
        "\"port\": 5440, \"database\": \"dev\", \"username\": \"analyst\"}}}";
    status = dsh_bulk_update(registry, "redshift", kBulk, strlen(kBulk), &json,
                             &length, &error);
    CHECK(status == DSH_OK);
    CHECK(contains(json, "\"jobsCreated\":1"));
    CHECK(contains(json, "endpoint.example.io:5440/dev"));
    dsh_free(json);
    CHECK(dsh_bulk_update(registry, "redshift", kBulk, strlen(kBulk), &json,
                          NULL, NULL) == DSH_NOT_FOUND);
  }

  /* Detect changes over every data source: an empty body. */
  status = dsh_detect_remote_changes(registry, NULL, 0, &json, &length, &error);
  CHECK(status == DSH_OK);
  CHECK(contains(json, "\"summary\""));
  dsh_free(json);

  status = dsh_get_dictionary(registry, 1, &json, &length, &error);
  CHECK(status == DSH_OK);
  CHECK(contains(json, "\"metadata\":["));
  dsh_free(json);
  CHECK(dsh_get_dictionary(registry, 42, &json, NULL, NULL) == DSH_NOT_FOUND);
  CHECK(dsh_get_dictionary(registry, -1, &json, NULL, NULL) ==
        DSH_INVALID_REQUEST);
}

static void check_routes(dsh_registry* registry) {
  char payload[2048];
  char* body = NULL;
  size_t length = 0;
  int32_t http = 0;
  dsh_error* error = NULL;
  static const char kGet[] = "/dictionary/1";
  static const char kUnknown[] = "/nowhere";
  static const char kHandler[] = "/redshift/handler/1";
  static const char kBadId[] = "/redshift/handler/abc?skipCache=true";
  static const char kCreate[] = "/redshift/handler";

  CHECK(dsh_route(registry, "GET", kGet, strlen(kGet), NULL, 0, &http, &body,
                  &length, &error) == DSH_OK);
  CHECK(http == 200);
  CHECK(contains(body, "\"metadata\":["));
  CHECK(body != NULL && length == strlen(body));
  dsh_free(body);

  CHECK(dsh_route(registry, "GET", kUnknown, strlen(kUnknown), NULL, 0, &http,
                  &body, &length, &error) == DSH_OK);
  CHECK(http == 404);
  CHECK(contains(body, "\"error\""));
  dsh_free(body);

  CHECK(dsh_route(registry, "DELETE", kHandler, strlen(kHandler), NULL, 0,
                  &http, &body, &length, &error) == DSH_OK);
  CHECK(http == 405);
  CHECK(contains(body, "\"allow\":[\"GET\",\"PUT\"]"));
  dsh_free(body);

  CHECK(dsh_route(registry, "GET", kBadId, strlen(kBadId), NULL, 0, &http,
                  &body, &length, &error) == DSH_OK);
  CHECK(http == 400);
  CHECK(contains(body, "/path/handlerId"));
  dsh_free(body);

  /* Handler 1 still holds the names of sales.orders. */
  make_payload(payload, "orders",
               ", \"dataSourceName\": \"Routed Orders\", "
               "\"bodataTableName\": \"routed_orders\"");
  CHECK(dsh_route(registry, "POST", kCreate, strlen(kCreate), payload,
                  strlen(payload), &http, &body, &length, &error) == DSH_OK);
  CHECK(http == 200);
  CHECK(contains(body, "\"dataSourceId\":2"));
  dsh_free(body);

  CHECK(dsh_route(registry, "POST", kCreate, strlen(kCreate), "{", 1, &http,
                  &body, &length, &error) == DSH_OK);
  CHECK(http == 400);
  CHECK(contains(body, "\"code\":\"malformed_json\""));
  dsh_free(body);

  CHECK(dsh_route(registry, NULL, kGet, strlen(kGet), NULL, 0, &http, &body,
                  &length, &error) == DSH_INVALID_ARGUMENT);
  CHECK(dsh_error_code(error) == DSH_INVALID_ARGUMENT);
  CHECK(body == NULL);
  dsh_error_free(error);
  error = NULL;
  CHECK(dsh_route(registry, "GET", kGet, strlen(kGet), NULL, 0, NULL, &body,
                  &length, NULL) == DSH_INVALID_ARGUMENT);
}

static void check_host_failure(dsh_registry* registry,
                               struct host_state* state) {
  char* json = NULL;
  dsh_error* error = NULL;
  int32_t status;
  char* body = NULL;
  int32_t http = 0;
  static const char kTarget[] = "/redshift/handler/2?skipCache=true";

  state->fail_with = DSH_PERMISSION_DENIED;
  status = dsh_get_handler(registry, "redshift", 2, 1, &json, NULL, &error);
  CHECK(status == DSH_PERMISSION_DENIED);
  CHECK(json == NULL);
  CHECK(dsh_error_code(error) == DSH_PERMISSION_DENIED);
  CHECK(contains(dsh_error_message(error), kHostMessage));
  dsh_error_free(error);
  error = NULL;

  CHECK(dsh_route(registry, "GET", kTarget, strlen(kTarget), NULL, 0, &http,
                  &body, NULL, NULL) == DSH_OK);
  CHECK(http == 502);
  CHECK(contains(body, "r\xc3\xb4le \xe2\x9c\x93"));
  dsh_free(body);

  state->fail_with = DSH_UNAVAILABLE;
  status = dsh_get_handler(registry, "redshift", 2, 1, &json, NULL, &error);
  CHECK(status == DSH_UNAVAILABLE);
  CHECK(contains(dsh_error_message(error), kHostMessage));
  dsh_error_free(error);
  state->fail_with = DSH_OK;
  CHECK(state->freed == state->describe_calls + state->list_calls);
}

static void check_delete(dsh_registry* registry) {
  char* json = NULL;
  size_t length = 0;
  CHECK(dsh_delete_data_source(registry, 1, &json, &length, NULL) == DSH_OK);
  CHECK(contains(json, "\"dataSourceId\":1"));
  dsh_free(json);
  CHECK(dsh_delete_data_source(registry, 1, &json, &length, NULL) ==
        DSH_NOT_FOUND);
  CHECK(dsh_delete_data_source(registry, 0, &json, &length, NULL) ==
        DSH_INVALID_REQUEST);
}

int main(void) {
  static const char kOptions[] =
      "{\"store\": {\"kind\": \"memory\"}, \"organization\": \"acme\", "
      "\"pool\": {\"maxIdlePerDatabase\": 2}}";
  struct host_state state;
  dsh_host host;
  dsh_registry* registry = NULL;
  dsh_error* error = NULL;

  memset(&state, 0, sizeof state);
  memset(&host, 0, sizeof host);
  host.version = DSH_HOST_VERSION;
  host.user_data = &state;
  host.describe_tables = describe_tables;
  host.list_tables = list_tables;
  host.free_buffer = free_buffer;
  host.log = log_line;
  host.log_level = DSH_LOG_DEBUG;

  check_versions();
  check_null_releases();
  check_bad_options();

  CHECK(dsh_registry_open(kOptions, strlen(kOptions), &host, &registry,
                          &error) == DSH_OK);
  CHECK(error == NULL);
  if (registry != NULL) {
    check_operations(registry, &state);
    check_routes(registry);
    check_host_failure(registry, &state);
    check_delete(registry);
    CHECK(state.log_lines > 0);
  }
  dsh_registry_destroy(registry);

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
