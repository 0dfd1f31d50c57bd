//! `aws/io/file_utils.h`: upstream's aws-c-io header for file helpers, which only includes
//! `aws/common/file.h` (where the functions live); the include is in its fragment.
