#ifndef AWS_COMMON_PACKAGE_H
#define AWS_COMMON_PACKAGE_H
/* Hand-written: each upstream library owns a package id; its error codes and log subjects are
 * numbered from id * 1024. */
#define AWS_PACKAGE_SLOTS 32
#define AWS_C_COMMON_PACKAGE_ID 0
#endif /* AWS_COMMON_PACKAGE_H */
