// The dsh C++ API in one include.
#ifndef DSH_DSH_H_
#define DSH_DSH_H_

#include "dsh/catalog.h"
#include "dsh/error.h"
#include "dsh/log.h"
#include "dsh/memory_catalog.h"
#include "dsh/model.h"
#include "dsh/registry.h"
#include "dsh/response.h"
#include "dsh/store.h"

#endif  // DSH_DSH_H_
