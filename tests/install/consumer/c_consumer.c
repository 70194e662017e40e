/* Uses an installed dsh through its C ABI only. */
#include <stdio.h>
#include <string.h>

#include "dsh/c.h"

static const char kOptions[] = "{\"store\": {\"kind\": \"memory\"}}";

int main(void) {
  dsh_registry* registry = NULL;
  dsh_error* error = NULL;
  char* json = NULL;
  int32_t status;

  printf("library %s, header %d.%d.%d\n", dsh_version_string(),
         DSH_VERSION_MAJOR, DSH_VERSION_MINOR, DSH_VERSION_PATCH);
  if (dsh_version_major() != DSH_VERSION_MAJOR) return 1;

  status =
      dsh_registry_open(kOptions, strlen(kOptions), NULL, &registry, &error);
  if (status != DSH_OK) {
    printf("open failed: %d %s\n", status, dsh_error_message(error));
    dsh_error_free(error);
    return 1;
  }
  status = dsh_validate(registry, "redshift", "{", 1, &json, NULL, &error);
  printf("malformed payload: status %d, offset %lld\n", (int)status,
         error != NULL ? (long long)dsh_error_offset(error) : -1LL);
  dsh_free(json);
  dsh_error_free(error);
  dsh_registry_destroy(registry);
  return status == DSH_MALFORMED_JSON ? 0 : 1;
}
