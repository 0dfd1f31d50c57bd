//! A PKCS#11 token key inside `aws_tls_ctx_options`: upstream keeps it as a custom key
//! operation handler, and so do we. Our handler's vtable marks it; its operations run in Rust
//! (the key signs for rustls), not through the vtable.

use crate::ffi::common::ref_count::aws_ref_count_init;
use crate::ffi::guard;
use crate::ffi::io::tls_channel_handler::{
    aws_custom_key_op_handler, aws_custom_key_op_handler_vtable,
};
use crate::transport::pkcs11::{TokenKey, TokenSigningKey};
use rustls::sign::SigningKey;
use std::ffi::c_void;
use std::sync::Arc;

/// The vtable that marks a key handler as a PKCS#11 token key of ours (its operations run in
/// Rust, not through the vtable).
static TOKEN_KEY_VTABLE: aws_custom_key_op_handler_vtable = aws_custom_key_op_handler_vtable {
    on_key_operation: None,
};

unsafe extern "C" fn destroy_token_key_handler(object: *mut c_void) {
    guard::guard((), || {
        // SAFETY: the handler `token_key_handler` made; its last reference is gone.
        let handler = unsafe { Box::from_raw(object as *mut aws_custom_key_op_handler) };
        // SAFETY: `impl` is the boxed key that function made.
        drop(unsafe { Box::from_raw(handler.r#impl as *mut Arc<TokenKey>) });
        Ok(())
    })
}

/// A key handler (one reference) carrying `key`, for `aws_tls_ctx_options`.
pub(crate) fn token_key_handler(key: Arc<TokenKey>) -> *mut aws_custom_key_op_handler {
    let handler = Box::into_raw(Box::new(aws_custom_key_op_handler {
        r#impl: Box::into_raw(Box::new(key)) as *mut c_void,
        vtable: &TOKEN_KEY_VTABLE,
        // SAFETY: zeroed, then initialised below before any use.
        ref_count: unsafe { std::mem::zeroed() },
    }));
    // SAFETY: a live handler, ours.
    unsafe {
        aws_ref_count_init(
            &raw mut (*handler).ref_count,
            handler as *mut c_void,
            Some(destroy_token_key_handler),
        )
    };
    handler
}

/// The signing key of a handler made by [`token_key_handler`]; `None` for NULL or a handler of
/// the caller's making.
///
/// # Safety
/// A non-NULL `handler` must be a live key handler.
pub(crate) unsafe fn token_signing_key(
    handler: *const aws_custom_key_op_handler,
) -> Option<Arc<dyn SigningKey>> {
    // SAFETY: caller contract.
    let h = unsafe { handler.as_ref() }?;
    if !std::ptr::eq(h.vtable, &TOKEN_KEY_VTABLE) {
        return None;
    }
    // SAFETY: our handler's `impl` is a boxed key.
    let key = unsafe { &*(h.r#impl as *const Arc<TokenKey>) };
    Some(Arc::new(TokenSigningKey(Arc::clone(key))))
}
