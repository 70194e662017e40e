// Symbol visibility for the dsh library. Everything not marked DSH_EXPORT
// stays hidden in the shared library.
#ifndef DSH_EXPORT_H_
#define DSH_EXPORT_H_

#if defined(DSH_STATIC_DEFINE)
#define DSH_EXPORT
#elif defined(__GNUC__) || defined(__clang__)
#define DSH_EXPORT __attribute__((visibility("default")))
#else
#define DSH_EXPORT
#endif

#endif  // DSH_EXPORT_H_
