//! `aws/sdkutils/sdkutils.h`: the error codes of aws-c-sdkutils, numbered as upstream numbers
//! them (the profile parser raises the two parse codes).

/// The error codes of aws-c-sdkutils (15360 to 16383).
#[repr(C)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumMessage,
)]
pub enum aws_sdkutils_errors {
    /// An aws-c-sdkutils operation failed.
    AWS_ERROR_SDKUTILS_GENERAL = 15360,
    /// A profile file could not be parsed.
    AWS_ERROR_SDKUTILS_PARSE_FATAL = 15361,
    /// A profile file had an error that parsing went past.
    AWS_ERROR_SDKUTILS_PARSE_RECOVERABLE = 15362,
    /// The endpoints ruleset is of an unsupported version.
    AWS_ERROR_SDKUTILS_ENDPOINTS_UNSUPPORTED_RULESET = 15363,
    /// The endpoints ruleset could not be parsed.
    AWS_ERROR_SDKUTILS_ENDPOINTS_PARSE_FAILED = 15364,
    /// The endpoints resolver could not be set up.
    AWS_ERROR_SDKUTILS_ENDPOINTS_RESOLVE_INIT_FAILED = 15365,
    /// The endpoint could not be resolved.
    AWS_ERROR_SDKUTILS_ENDPOINTS_RESOLVE_FAILED = 15366,
    /// The endpoints ruleset is empty.
    AWS_ERROR_SDKUTILS_ENDPOINTS_EMPTY_RULESET = 15367,
    /// No rule of the endpoints ruleset matched.
    AWS_ERROR_SDKUTILS_ENDPOINTS_RULESET_EXHAUSTED = 15368,
    /// The partitions file is of an unsupported version.
    AWS_ERROR_SDKUTILS_PARTITIONS_UNSUPPORTED = 15369,
    /// The partitions file could not be parsed.
    AWS_ERROR_SDKUTILS_PARTITIONS_PARSE_FAILED = 15370,
    /// The endpoints ruleset uses a regular expression that is not supported.
    AWS_ERROR_SDKUTILS_ENDPOINTS_UNSUPPORTED_REGEX = 15371,
    /// The regular expression did not match.
    AWS_ERROR_SDKUTILS_ENDPOINTS_REGEX_NO_MATCH = 15372,
    /// The last value of this library's range of error codes: not an error.
    #[strum(disabled)]
    AWS_ERROR_SDKUTILS_END_RANGE = 16383,
}
crate::c_enum!(aws_sdkutils_errors);
