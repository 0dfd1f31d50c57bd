#ifndef AWS_COMMON_EXPORTS_H
#define AWS_COMMON_EXPORTS_H
/* Hand-written. Upstream marks each exported declaration with a per-library macro; the one
 * library that implements all of them exports with default visibility, so the macros only
 * exist for code that spells them. */

#define AWS_COMMON_API __attribute__((visibility("default")))
#define AWS_IO_API AWS_COMMON_API
#define AWS_HTTP_API AWS_COMMON_API
#define AWS_MQTT_API AWS_COMMON_API

#define AWS_STATIC_IMPL static inline

#endif /* AWS_COMMON_EXPORTS_H */
