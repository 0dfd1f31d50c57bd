//! `aws/io/uri.h`: upstream's aws-c-io header for URIs, which only includes
//! `aws/common/uri.h` (where `aws_uri` and its functions live); the include is in its fragment.
