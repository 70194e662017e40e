// The REST surface of spec section 2 in one call: an HTTP method, a target
// (path and query string) and a body go in; an HTTP status and a JSON body
// come out. A host that serves HTTP hands each request to RouteRequest and
// writes back what it returns. The routing table and the status of every
// failure are in docs/c-api.md.
#ifndef DSH_ROUTES_H_
#define DSH_ROUTES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "dsh/export.h"
#include "dsh/registry.h"

namespace dsh {

struct RouteResponse {
  int http_status = 200;
  // A response body of dsh/response.h, or an ErrorJson body.
  std::string body;
  // For 405 only: the methods the path accepts, comma-separated, as an HTTP
  // Allow header wants them ("GET, PUT"); empty otherwise.
  std::string allow;
};

// Routes one request. Never fails: every refusal is an HTTP status with an
// error body. `target` is percent-decoded segment by segment after it is
// split at '/', so an encoded slash (%2F) never starts a new segment. The
// body is ignored by GET and DELETE.
DSH_EXPORT RouteResponse RouteRequest(Registry& registry,
                                      std::string_view method,
                                      std::string_view target,
                                      std::string_view body);

// The HTTP status a failed operation is answered with.
DSH_EXPORT int HttpStatusOf(const absl::Status& status);

}  // namespace dsh

#endif  // DSH_ROUTES_H_
