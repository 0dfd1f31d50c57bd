#ifndef AWS_COMMON_PLATFORM_H
#define AWS_COMMON_PLATFORM_H
/* Hand-written: this build targets POSIX (Linux). */
#define AWS_OS_POSIX
#if defined(__linux__)
#    define AWS_OS_LINUX
#endif
#endif /* AWS_COMMON_PLATFORM_H */
