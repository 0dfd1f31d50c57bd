//! `aws/auth/auth.h`: the log subjects of aws-c-auth.

/// aws-c-auth's log subjects (6144 to 7167).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_auth_log_subject {
    /// Messages that fit no other subject.
    AWS_LS_AUTH_GENERAL = 6144,
    /// Profile files.
    AWS_LS_AUTH_PROFILE = 6145,
    /// Credentials providers.
    AWS_LS_AUTH_CREDENTIALS_PROVIDER = 6146,
    /// Request signing.
    AWS_LS_AUTH_SIGNING = 6147,
    /// The IMDS client.
    AWS_LS_IMDS_CLIENT = 6148,
    /// The last value of aws-c-auth's range.
    AWS_LS_AUTH_LAST = 7167,
}
crate::c_enum!(aws_auth_log_subject);
