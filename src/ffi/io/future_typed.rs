//! The typed futures aws-c-io exports, `aws_future_bool`, `aws_future_size` and
//! `aws_future_void`: each a `struct aws_future_impl` under another name, with upstream's
//! functions forwarding to the untyped ones (`future.rs`). The header declares them with
//! upstream's macros (`AWS_FUTURE_T_BY_VALUE_DECLARATION` and friends, in
//! `include/aws/io/private/future_fragment.h`), so they are defined here by a macro too, out of
//! the generator's sight. `aws_future_void` is a `bool` future underneath, as upstream's, so no
//! result is ever zero-sized.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::guard::{self, Error};
use crate::ffi::io::event_loop::aws_event_loop;
use crate::ffi::io::future::*;
use std::ffi::{c_int, c_void};

/// The functions every `aws_future_<T>` has, forwarding to the `aws_future_impl_*` ones.
macro_rules! future_common {
    ($future:ident {
        $acquire:ident, $release:ident, $set_error:ident, $is_done:ident, $get_error:ident,
        $register_callback:ident, $register_callback_if_not_done:ident,
        $register_event_loop_callback:ident, $register_channel_callback:ident, $wait:ident $(,)?
    }) => {
        /// Adds a reference; see `aws_future_impl_acquire`.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $acquire(future: *mut $future) -> *mut $future {
            // SAFETY: forwarded caller contract; the typed future is an untyped one.
            guard::ptr(|| Ok(unsafe { aws_future_impl_acquire(future.cast()) }.cast()))
        }

        /// Drops a reference; see `aws_future_impl_release`. Always NULL.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $release(future: *mut $future) -> *mut $future {
            // SAFETY: as in the acquire above.
            guard::ptr(|| Ok(unsafe { aws_future_impl_release(future.cast()) }.cast()))
        }

        /// Completes with an error; see `aws_future_impl_set_error`.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $set_error(future: *mut $future, error_code: c_int) {
            // SAFETY: as in the acquire above.
            guard::guard((), || {
                Ok(unsafe { aws_future_impl_set_error(future.cast(), error_code) })
            })
        }

        /// Whether it is done; see `aws_future_impl_is_done`.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $is_done(future: *const $future) -> bool {
            // SAFETY: as in the acquire above.
            guard::guard(false, || {
                Ok(unsafe { aws_future_impl_is_done(future.cast()) })
            })
        }

        /// Its error, 0 for a result; see `aws_future_impl_get_error`.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $get_error(future: *const $future) -> c_int {
            // SAFETY: as in the acquire above.
            guard::guard(0, || {
                Ok(unsafe { aws_future_impl_get_error(future.cast()) })
            })
        }

        /// See `aws_future_impl_register_callback`.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $register_callback(
            future: *mut $future,
            on_done: Option<aws_future_callback_fn>,
            user_data: *mut c_void,
        ) {
            // SAFETY: as in the acquire above.
            guard::guard((), || {
                Ok(unsafe { aws_future_impl_register_callback(future.cast(), on_done, user_data) })
            })
        }

        /// See `aws_future_impl_register_callback_if_not_done`.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $register_callback_if_not_done(
            future: *mut $future,
            on_done: Option<aws_future_callback_fn>,
            user_data: *mut c_void,
        ) -> bool {
            // SAFETY: as in the acquire above.
            guard::guard(false, || {
                Ok(unsafe {
                    aws_future_impl_register_callback_if_not_done(future.cast(), on_done, user_data)
                })
            })
        }

        /// See `aws_future_impl_register_event_loop_callback`.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference; `event_loop` NULL or live.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $register_event_loop_callback(
            future: *mut $future,
            event_loop: *mut aws_event_loop,
            on_done: Option<aws_future_callback_fn>,
            user_data: *mut c_void,
        ) {
            // SAFETY: as in the acquire above.
            guard::guard((), || {
                Ok(unsafe {
                    aws_future_impl_register_event_loop_callback(
                        future.cast(),
                        event_loop,
                        on_done,
                        user_data,
                    )
                })
            })
        }

        /// Refused, as `aws_future_impl_register_channel_callback`: there are no channels.
        ///
        /// # Safety
        /// Any arguments.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $register_channel_callback(
            future: *mut $future,
            channel: *mut aws_channel,
            on_done: Option<aws_future_callback_fn>,
            user_data: *mut c_void,
        ) {
            // SAFETY: the untyped function touches none of its arguments.
            guard::guard((), || {
                Ok(unsafe {
                    aws_future_impl_register_channel_callback(
                        future.cast(),
                        channel,
                        on_done,
                        user_data,
                    )
                })
            })
        }

        /// Blocks until done or `timeout_ns`; see `aws_future_impl_wait`.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $wait(future: *mut $future, timeout_ns: u64) -> bool {
            // SAFETY: as in the acquire above.
            guard::guard(false, || {
                Ok(unsafe { aws_future_impl_wait(future.cast(), timeout_ns) })
            })
        }
    };
}

/// A future holding a `$t` by value (upstream's `AWS_FUTURE_T_BY_VALUE`).
macro_rules! future_by_value {
    ($future:ident, $t:ty { $new:ident, $set_result:ident, $get_result:ident, $($common:tt)* }) => {
        future_common!($future { $($common)* });

        /// A new future with one reference.
        ///
        /// # Safety
        /// `alloc` NULL or a valid allocator.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $new(alloc: *mut aws_allocator) -> *mut $future {
            // SAFETY: forwarded caller contract.
            guard::ptr(|| Ok(unsafe { aws_future_impl_new_by_value(alloc, size_of::<$t>()) }.cast()))
        }

        /// Completes with `result`; ignored when already done.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $set_result(future: *mut $future, result: $t) {
            guard::guard((), || {
                let mut value = result;
                // SAFETY: the value's bytes, of the future's result size.
                unsafe { aws_future_impl_set_result_by_move(future.cast(), (&raw mut value).cast()) };
                Ok(())
            })
        }

        /// The result; the type's zero with `AWS_ERROR_INVALID_STATE` unless the future is done
        /// without error.
        ///
        /// # Safety
        /// `future` NULL or a future of this type holding a reference.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $get_result(future: *const $future) -> $t {
            guard::guard(<$t>::default(), || {
                // SAFETY: forwarded caller contract; the address holds a `$t`.
                let addr = unsafe { aws_future_impl_get_result_address(future.cast()) };
                if addr.is_null() {
                    return Err(Error(aws_last_error()));
                }
                Ok(unsafe { *addr.cast::<$t>() })
            })
        }
    };
}

future_by_value!(
    aws_future_bool,
    bool {
        aws_future_bool_new,
        aws_future_bool_set_result,
        aws_future_bool_get_result,
        aws_future_bool_acquire,
        aws_future_bool_release,
        aws_future_bool_set_error,
        aws_future_bool_is_done,
        aws_future_bool_get_error,
        aws_future_bool_register_callback,
        aws_future_bool_register_callback_if_not_done,
        aws_future_bool_register_event_loop_callback,
        aws_future_bool_register_channel_callback,
        aws_future_bool_wait,
    }
);

future_by_value!(
    aws_future_size,
    usize {
        aws_future_size_new,
        aws_future_size_set_result,
        aws_future_size_get_result,
        aws_future_size_acquire,
        aws_future_size_release,
        aws_future_size_set_error,
        aws_future_size_is_done,
        aws_future_size_get_error,
        aws_future_size_register_callback,
        aws_future_size_register_callback_if_not_done,
        aws_future_size_register_event_loop_callback,
        aws_future_size_register_channel_callback,
        aws_future_size_wait,
    }
);

future_common!(aws_future_void {
    aws_future_void_acquire,
    aws_future_void_release,
    aws_future_void_set_error,
    aws_future_void_is_done,
    aws_future_void_get_error,
    aws_future_void_register_callback,
    aws_future_void_register_callback_if_not_done,
    aws_future_void_register_event_loop_callback,
    aws_future_void_register_channel_callback,
    aws_future_void_wait,
});

/// A new `aws_future<void>` (a `bool` future underneath) with one reference.
///
/// # Safety
/// `alloc` NULL or a valid allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_void_new(alloc: *mut aws_allocator) -> *mut aws_future_void {
    // SAFETY: forwarded caller contract.
    guard::ptr(|| Ok(unsafe { aws_future_bool_new(alloc) }.cast()))
}

/// Completes the future successfully; ignored when already done.
///
/// # Safety
/// `future` NULL or an `aws_future_void` holding a reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_future_void_set_result(future: *mut aws_future_void) {
    // SAFETY: forwarded caller contract.
    guard::guard((), || {
        unsafe { aws_future_bool_set_result(future.cast(), false) };
        Ok(())
    })
}
