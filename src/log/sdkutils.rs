//! `aws/sdkutils/sdkutils.h`: the log subjects of aws-c-sdkutils.

/// aws-c-sdkutils' log subjects (15360 to 16383).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_sdkutils_log_subject {
    /// Messages that fit no other subject.
    AWS_LS_SDKUTILS_GENERAL = 15360,
    /// Profile files.
    AWS_LS_SDKUTILS_PROFILE = 15361,
    /// Parsing an endpoints ruleset.
    AWS_LS_SDKUTILS_ENDPOINTS_PARSING = 15362,
    /// Resolving an endpoint.
    AWS_LS_SDKUTILS_ENDPOINTS_RESOLVE = 15363,
    /// Endpoints, otherwise.
    AWS_LS_SDKUTILS_ENDPOINTS_GENERAL = 15364,
    /// Parsing a partitions file.
    AWS_LS_SDKUTILS_PARTITIONS_PARSING = 15365,
    /// Regular expressions of an endpoints ruleset.
    AWS_LS_SDKUTILS_ENDPOINTS_REGEX = 15366,
    /// The last value of aws-c-sdkutils' range.
    AWS_LS_SDKUTILS_LAST = 16383,
}
crate::c_enum!(aws_sdkutils_log_subject);
