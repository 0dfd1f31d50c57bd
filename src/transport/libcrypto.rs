//! The system's libcrypto, loaded the first time a PKCS#12 identity is read, never linked.
//!
//! Everything else (TLS, hashes, signatures) is rustls and ring. PKCS#12 files still need
//! libcrypto for the legacy ciphers they are made with (RC2, 3DES, RC4 as well as AES), which
//! no small pure-Rust crate covers together. Linking it made every program that uses this
//! library load libssl and libcrypto at start-up (1.7 MB resident before the first connection,
//! a third of an idle process) and need them installed; loaded on demand, only a program that
//! reads a `.p12` pays, and a host without libcrypto gets a clear error for that call alone.
//!
//! Only the few functions the PKCS#12 reader calls are looked up; they have had the same C
//! signatures since OpenSSL 1.1.

use std::ffi::{CStr, c_char, c_int, c_long, c_ulong, c_void};
use std::sync::OnceLock;

/// The libcrypto functions used, by their C names.
#[allow(non_snake_case)]
pub struct LibCrypto {
    pub d2i_PKCS12: unsafe extern "C" fn(*mut *mut c_void, *mut *const u8, c_long) -> *mut c_void,
    pub PKCS12_parse: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *mut *mut c_void,
        *mut *mut c_void,
        *mut *mut c_void,
    ) -> c_int,
    pub PKCS12_free: unsafe extern "C" fn(*mut c_void),
    pub X509_free: unsafe extern "C" fn(*mut c_void),
    pub EVP_PKEY_free: unsafe extern "C" fn(*mut c_void),
    pub OPENSSL_sk_num: unsafe extern "C" fn(*const c_void) -> c_int,
    pub OPENSSL_sk_value: unsafe extern "C" fn(*const c_void, c_int) -> *mut c_void,
    pub OPENSSL_sk_free: unsafe extern "C" fn(*mut c_void),
    pub BIO_s_mem: unsafe extern "C" fn() -> *const c_void,
    pub BIO_new: unsafe extern "C" fn(*const c_void) -> *mut c_void,
    pub BIO_free: unsafe extern "C" fn(*mut c_void) -> c_int,
    pub BIO_ctrl: unsafe extern "C" fn(*mut c_void, c_int, c_long, *mut c_void) -> c_long,
    pub PEM_write_bio_X509: unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int,
    pub PEM_write_bio_PKCS8PrivateKey: unsafe extern "C" fn(
        *mut c_void,
        *mut c_void,
        *const c_void,
        *const c_char,
        c_int,
        *const c_void,
        *mut c_void,
    ) -> c_int,
    pub ERR_get_error: unsafe extern "C" fn() -> c_ulong,
    pub ERR_error_string_n: unsafe extern "C" fn(c_ulong, *mut c_char, usize),
}

/// `BIO_get_mem_data` is a macro over this control code.
pub const BIO_CTRL_INFO: c_int = 3;

/// The sonames tried, newest first.
const SONAMES: [&CStr; 3] = [c"libcrypto.so.3", c"libcrypto.so.1.1", c"libcrypto.so"];

/// libcrypto's functions, loaded on first use; `Err` says why it cannot be.
pub fn libcrypto() -> Result<&'static LibCrypto, String> {
    static LOADED: OnceLock<Result<LibCrypto, String>> = OnceLock::new();
    LOADED.get_or_init(load).as_ref().map_err(Clone::clone)
}

// Each transmute's target is the field's declared function type, which is the annotation.
#[allow(clippy::missing_transmute_annotations)]
fn load() -> Result<LibCrypto, String> {
    let handle = SONAMES
        .iter()
        // SAFETY: a valid C string; RTLD_NOW resolves the library's own symbols up front. The
        // handle is never closed: the functions stay callable for the process's life.
        .map(|name| unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) })
        .find(|h| !h.is_null())
        .ok_or_else(|| "libcrypto (OpenSSL 1.1 or 3) is not installed".to_owned())?;
    let symbol = |name: &CStr| {
        // SAFETY: a live handle and a valid C string.
        let f = unsafe { libc::dlsym(handle, name.as_ptr()) };
        if f.is_null() {
            Err(format!("libcrypto has no {}", name.to_string_lossy()))
        } else {
            Ok(f)
        }
    };
    macro_rules! load {
        ($($name:ident),* $(,)?) => {
            LibCrypto {
                // SAFETY: each symbol is the libcrypto function of that name, whose C signature
                // the field's type declares.
                $($name: unsafe { std::mem::transmute::<*mut c_void, _>(symbol(
                    &std::ffi::CString::new(stringify!($name)).map_err(|e| e.to_string())?,
                )?) },)*
            }
        };
    }
    Ok(load!(
        d2i_PKCS12,
        PKCS12_parse,
        PKCS12_free,
        X509_free,
        EVP_PKEY_free,
        OPENSSL_sk_num,
        OPENSSL_sk_value,
        OPENSSL_sk_free,
        BIO_s_mem,
        BIO_new,
        BIO_free,
        BIO_ctrl,
        PEM_write_bio_X509,
        PEM_write_bio_PKCS8PrivateKey,
        ERR_get_error,
        ERR_error_string_n,
    ))
}
