/* squeal: symbol visibility and attribute macros shared by every public header. */
#ifndef SQUEAL_EXPORT_H
#define SQUEAL_EXPORT_H

#if defined(SQ_BUILDING_LIBRARY) && defined(__GNUC__)
#define SQ_API __attribute__((visibility("default")))
#else
#define SQ_API
#endif

#if defined(__GNUC__)
#define SQ_NODISCARD __attribute__((warn_unused_result))
#else
#define SQ_NODISCARD
#endif

/* An old name kept so programs built against it still build; the message names the new one. */
#if defined(__GNUC__)
#define SQ_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define SQ_DEPRECATED(msg)
#endif

#endif
