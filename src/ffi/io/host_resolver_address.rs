//! `aws/io/host_resolver.h`: the resolved address a C program sees (`struct aws_host_address`,
//! its copy, move and clean-up), the system lookup as a C resolve function
//! (`aws_default_dns_resolve`), and the glue that runs a C program's own resolve function
//! (`aws_host_resolution_config.impl`) on a resolver thread.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: a pointer argument is NULL
//! or points to a valid object of its type; an address's strings are NULL or valid strings from
//! its allocator.

use crate::ffi::common::allocator::{self, aws_allocator};
use crate::ffi::common::array_list::{
    aws_array_list, aws_array_list_clean_up, aws_array_list_init_dynamic, aws_array_list_push_back,
};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_OOM;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::ffi::common::string::{aws_string, aws_string_destroy, new_string, string_bytes};
use crate::ffi::guard::{self, Error, OP_SUCCESS, Result, require};
use crate::ffi::io::io::aws_io_errors::{AWS_IO_DNS_INVALID_NAME, AWS_IO_DNS_QUERY_FAILED};
use crate::runtime::host_resolver::{HostAddress, Lookup, RecordType, ResolveResult};
use crate::runtime::host_resolver_lookup::lookup_system;
use std::ffi::{c_int, c_void};
use std::mem::size_of;
use std::net::IpAddr;
use std::ptr;
use std::sync::Arc;

/// The kind of DNS record an address came from.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_address_record_type {
    /// An IPv4 address.
    AWS_ADDRESS_RECORD_TYPE_A = 0,
    /// An IPv6 address.
    AWS_ADDRESS_RECORD_TYPE_AAAA = 1,
}

/// A C `enum aws_address_record_type` received from the caller.
pub type aws_address_record_type_raw = c_int;

crate::c_enum!(aws_address_record_type);

/// One address of a host, as a resolution callback receives it. Its strings belong to it (from
/// `allocator`); copy it with `aws_host_address_copy` to keep it past the callback.
#[repr(C)]
pub struct aws_host_address {
    /// Where the strings came from.
    pub allocator: *mut aws_allocator,
    /// The host name that was resolved.
    pub host: *const aws_string,
    /// The address as text: dotted IPv4, or IPv6 without brackets.
    pub address: *const aws_string,
    /// A or AAAA.
    pub record_type: aws_address_record_type_raw,
    /// When the address expires, on the resolver's clock in nanoseconds.
    pub expiry: u64,
    /// How often the resolver has handed the address out (0 here: not tracked).
    pub use_count: usize,
    /// Connection failures recorded against the address (0 here: not tracked per copy).
    pub connection_failure_count: usize,
    /// Unused, as upstream.
    pub weight: u8,
}

impl aws_host_address {
    /// The zeroed address, which `aws_host_address_clean_up` and `_move` leave behind.
    pub const ZERO: Self = Self {
        allocator: ptr::null_mut(),
        host: ptr::null(),
        address: ptr::null(),
        record_type: 0,
        expiry: 0,
        use_count: 0,
        connection_failure_count: 0,
        weight: 0,
    };

    /// An address of `host` with its strings from `allocator`.
    ///
    /// # Safety
    /// `allocator` must be a valid allocator.
    pub unsafe fn new(
        allocator: *mut aws_allocator,
        host: &[u8],
        address: &HostAddress,
        expiry: u64,
    ) -> Result<Self> {
        let record_type = match address.record_type {
            RecordType::A => aws_address_record_type::AWS_ADDRESS_RECORD_TYPE_A,
            RecordType::Aaaa => aws_address_record_type::AWS_ADDRESS_RECORD_TYPE_AAAA,
        };
        let mut out = Self {
            allocator,
            record_type: record_type as c_int,
            expiry,
            ..Self::ZERO
        };
        // SAFETY: forwarded caller contract; `out` owns what it holds, so a failure cleans up.
        unsafe {
            out.host = new_string(allocator, host)?.as_ptr();
            match new_string(allocator, address.address.to_string().as_bytes()) {
                Ok(text) => out.address = text.as_ptr(),
                Err(e) => {
                    out.clean_up();
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    /// Destroys the strings and zeroes the address.
    ///
    /// # Safety
    /// The strings must be NULL or owned by this address.
    pub unsafe fn clean_up(&mut self) {
        for s in [self.address, self.host] {
            if !s.is_null() {
                // SAFETY: the address owns its strings.
                unsafe { aws_string_destroy(s.cast_mut()) };
            }
        }
        *self = Self::ZERO;
    }

    /// The IP address its text holds; `None` when it holds none.
    ///
    /// # Safety
    /// `address` must be NULL or a valid string.
    unsafe fn ip(&self) -> Option<IpAddr> {
        if self.address.is_null() {
            return None;
        }
        // SAFETY: forwarded caller contract.
        let text = unsafe { string_bytes(self.address) }.ok()?;
        std::str::from_utf8(text).ok()?.parse().ok()
    }
}

/// A copy of `from`'s string, or NULL for NULL.
///
/// # Safety
/// `from` must be NULL or a valid string; `allocator` a valid allocator.
unsafe fn copy_string(
    allocator: *mut aws_allocator,
    from: *const aws_string,
) -> Result<*const aws_string> {
    if from.is_null() {
        return Ok(ptr::null());
    }
    // SAFETY: forwarded caller contract.
    unsafe { Ok(new_string(allocator, string_bytes(from)?)?.as_ptr()) }
}

/// Makes `to` a copy of `from`, with its own strings from `from`'s allocator. On failure `to`
/// is left zeroed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_address_copy(
    from: *const aws_host_address,
    to: *mut aws_host_address,
) -> c_int {
    guard::op(|| {
        // SAFETY: the caller lends a valid address and one to fill.
        let from = unsafe { guard::reference(from) }?;
        let to = unsafe { guard::mutable(to) }?;
        *to = aws_host_address::ZERO;
        unsafe { allocator::checked(from.allocator) }?;
        let mut copy = aws_host_address {
            allocator: from.allocator,
            record_type: from.record_type,
            expiry: from.expiry,
            use_count: from.use_count,
            connection_failure_count: from.connection_failure_count,
            weight: from.weight,
            ..aws_host_address::ZERO
        };
        // SAFETY: the strings are valid; `copy` owns what it holds, so a failure cleans up.
        unsafe {
            let strings = copy_string(from.allocator, from.host).and_then(|host| {
                copy.host = host;
                copy_string(from.allocator, from.address)
            });
            match strings {
                Ok(address) => copy.address = address,
                Err(e) => {
                    copy.clean_up();
                    return Err(e);
                }
            }
        }
        *to = copy;
        Ok(())
    })
}

/// Moves `from` into `to`; `from` is left zeroed, ready for another copy or move.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_address_move(
    from: *mut aws_host_address,
    to: *mut aws_host_address,
) {
    guard::guard((), || {
        // SAFETY: the caller lends two valid addresses.
        let from = unsafe { guard::mutable(from) }?;
        let to = unsafe { guard::mutable(to) }?;
        *to = std::mem::replace(from, aws_host_address::ZERO);
        Ok(())
    })
}

/// Destroys the address's strings and zeroes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_host_address_clean_up(address: *mut aws_host_address) {
    guard::guard((), || {
        // SAFETY: the caller lends an address that owns its strings.
        unsafe { guard::mutable(address)?.clean_up() };
        Ok(())
    })
}

/// The host name of a C string: its bytes, as text. A name that is not UTF-8 cannot be a host
/// name: `AWS_IO_DNS_INVALID_NAME`.
///
/// # Safety
/// `host_name` must be NULL or a valid string.
pub unsafe fn host_name_arg<'a>(host_name: *const aws_string) -> Result<&'a str> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { string_bytes(host_name) }?;
    std::str::from_utf8(bytes).map_err(|_| Error::from(AWS_IO_DNS_INVALID_NAME))
}

/// Resolves `host_name` with the system's resolver, blocking, and appends its addresses (as
/// `struct aws_host_address`, strings from `allocator`) to `output_addresses`. Do not call it
/// on an event-loop thread: give it as `aws_host_resolution_config.impl` instead. Fails with
/// `AWS_IO_DNS_INVALID_NAME` for a name that is not valid or not known, `AWS_IO_DNS_QUERY_FAILED`
/// when the query fails, `AWS_ERROR_SYS_CALL_FAILURE` for other system failures.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_default_dns_resolve(
    allocator: *mut aws_allocator,
    host_name: *const aws_string,
    output_addresses: *mut aws_array_list,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        let _ = user_data;
        // SAFETY: the caller lends an allocator, the name and a list of host addresses.
        unsafe { allocator::checked(allocator) }?;
        let host = unsafe { host_name_arg(host_name) }?;
        let list = unsafe { guard::reference(output_addresses) }?;
        require(list.is_valid() && list.item_size == size_of::<aws_host_address>())?;
        for found in lookup_system(host).map_err(Error)? {
            let mut item = unsafe { aws_host_address::new(allocator, host.as_bytes(), &found, 0) }?;
            let pushed =
                unsafe { aws_array_list_push_back(output_addresses, ptr::from_ref(&item).cast()) };
            if pushed != OP_SUCCESS {
                unsafe { item.clean_up() };
                return Err(Error(aws_last_error()));
            }
        }
        Ok(())
    })
}

/// A C resolve function, its data and the allocator its addresses come from.
#[derive(Clone, Copy)]
struct CResolver {
    resolve: aws_resolve_host_implementation_fn,
    data: *mut c_void,
    allocator: *mut aws_allocator,
}

// SAFETY: a resolve function is called on resolver threads (upstream's contract too: it
// blocks, so it never runs on the caller's thread); its data is the caller's to share.
unsafe impl Send for CResolver {}
unsafe impl Sync for CResolver {}

/// A C program's resolve function (`aws_host_resolution_config.impl`), as a lookup.
pub type aws_resolve_host_implementation_fn = unsafe extern "C" fn(
    allocator: *mut aws_allocator,
    host_name: *const aws_string,
    output_addresses: *mut aws_array_list,
    user_data: *mut c_void,
) -> c_int;

/// Runs a C resolve function as a lookup: it fills a list the library makes, whose addresses
/// are read back (an entry whose text is not an IP address is skipped) and cleaned up. A failure
/// without an error code counts as `AWS_IO_DNS_QUERY_FAILED`.
///
/// # Safety
/// `allocator` must stay a valid allocator, and `resolve` callable with `data`, while the
/// lookup may run.
pub unsafe fn c_lookup(
    resolve: aws_resolve_host_implementation_fn,
    data: *mut c_void,
    allocator: *mut aws_allocator,
) -> Lookup {
    let c = CResolver {
        resolve,
        data,
        allocator,
    };
    Arc::new(move |host: &str| {
        let c = c;
        // SAFETY: the function's contract above.
        unsafe { run_c_lookup(c, host) }
    })
}

/// One call of a C resolve function.
///
/// # Safety
/// As [`c_lookup`].
unsafe fn run_c_lookup(c: CResolver, host: &str) -> ResolveResult {
    // SAFETY: forwarded caller contract; every string and list made here is freed here.
    unsafe {
        let name = new_string(c.allocator, host.as_bytes()).map_err(|_| AWS_ERROR_OOM as c_int)?;
        let mut list = aws_array_list::ZERO;
        let made =
            aws_array_list_init_dynamic(&mut list, c.allocator, 4, size_of::<aws_host_address>());
        if made != OP_SUCCESS {
            aws_string_destroy(name.as_ptr());
            return Err(aws_last_error());
        }
        aws_reset_error();
        let rc = (c.resolve)(c.allocator, name.as_ptr(), &mut list, c.data);
        let error = aws_last_error();
        let mut found = Vec::new();
        if list.is_valid() && list.item_size == size_of::<aws_host_address>() {
            let items = list.data.cast::<aws_host_address>();
            for i in 0..list.length {
                let item = &mut *items.add(i);
                found.extend(item.ip().map(HostAddress::new));
                item.clean_up();
            }
        }
        aws_array_list_clean_up(&mut list);
        aws_string_destroy(name.as_ptr());
        if rc != OP_SUCCESS {
            return Err(if error != 0 {
                error
            } else {
                AWS_IO_DNS_QUERY_FAILED as c_int
            });
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::common::allocator::aws_default_allocator;
    use std::mem::offset_of;

    #[test]
    fn a_host_address_has_upstreams_layout() {
        // Upstream's struct aws_host_address on x86_64 Linux (not in upstream-layout.tsv).
        assert_eq!(size_of::<aws_host_address>(), 64);
        assert_eq!(offset_of!(aws_host_address, record_type), 24);
        assert_eq!(offset_of!(aws_host_address, expiry), 32);
        assert_eq!(offset_of!(aws_host_address, connection_failure_count), 48);
        assert_eq!(offset_of!(aws_host_address, weight), 56);
    }

    #[test]
    fn an_address_made_for_a_callback_reads_back() {
        let found = HostAddress::new("fd00::7".parse().unwrap());
        let mut a =
            unsafe { aws_host_address::new(aws_default_allocator(), b"h", &found, 9) }.unwrap();
        assert_eq!(
            a.record_type,
            aws_address_record_type::AWS_ADDRESS_RECORD_TYPE_AAAA as c_int
        );
        assert_eq!(unsafe { a.ip() }, Some(found.address));
        let mut copy = aws_host_address::ZERO;
        assert_eq!(unsafe { aws_host_address_copy(&a, &mut copy) }, OP_SUCCESS);
        assert_eq!(unsafe { string_bytes(copy.host) }.unwrap(), b"h");
        unsafe {
            copy.clean_up();
            a.clean_up();
        }
        assert!(a.address.is_null() && a.host.is_null());
    }
}
