//! `aws/common/shutdown_types.h`: the callback a resource calls when its asynchronous shutdown
//! has finished.

use std::ffi::c_void;

/// A completion callback taking only the user's data (the C typedef lives in the fragment).
pub type aws_simple_completion_callback = unsafe extern "C" fn(user_data: *mut c_void);

/// What to call, and with what, when a resource has shut down.
#[repr(C)]
pub struct aws_shutdown_callback_options {
    /// Called once the shutdown is complete; may be NULL.
    pub shutdown_callback_fn: Option<aws_simple_completion_callback>,
    /// Passed to `shutdown_callback_fn`.
    pub shutdown_callback_user_data: *mut c_void,
}
