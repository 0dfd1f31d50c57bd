//! The system's libcrypto, loaded the first time a PKCS#12 identity is read, never linked.
//!
//! Everything else (TLS, hashes, signatures) is rustls and ring. PKCS#12 files still need
//! libcrypto for the legacy ciphers they are made with (RC2, 3DES, RC4 as well as AES), which
//! no small pure-Rust crate covers together; and a SEC 1 EC key without its public point (the
//! `aws login` cache's) needs the point computed, which ring does not offer. Linking it made every program that uses this
//! library load libssl and libcrypto at start-up (1.7 MB resident before the first connection,
//! a third of an idle process) and need them installed; loaded on demand, only a program that
//! reads a `.p12` pays, and a host without libcrypto gets a clear error for that call alone.
//!
//! Only the few functions the PKCS#12 reader and `p256_key_parts` call are
//! looked up; they have had the same C signatures since OpenSSL 1.1.

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
    pub d2i_ECPrivateKey:
        unsafe extern "C" fn(*mut *mut c_void, *mut *const u8, c_long) -> *mut c_void,
    pub EC_KEY_free: unsafe extern "C" fn(*mut c_void),
    pub EC_KEY_get0_group: unsafe extern "C" fn(*const c_void) -> *const c_void,
    pub EC_KEY_get0_public_key: unsafe extern "C" fn(*const c_void) -> *const c_void,
    pub EC_KEY_get0_private_key: unsafe extern "C" fn(*const c_void) -> *const c_void,
    pub EC_POINT_point2oct: unsafe extern "C" fn(
        *const c_void,
        *const c_void,
        c_int,
        *mut u8,
        usize,
        *mut c_void,
    ) -> usize,
    pub BN_bn2binpad: unsafe extern "C" fn(*const c_void, *mut u8, c_int) -> c_int,
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
        d2i_ECPrivateKey,
        EC_KEY_free,
        EC_KEY_get0_group,
        EC_KEY_get0_public_key,
        EC_KEY_get0_private_key,
        EC_POINT_point2oct,
        BN_bn2binpad,
        ERR_get_error,
        ERR_error_string_n,
    ))
}

/// A memory BIO, freed on drop. A key's BIO is wiped by libcrypto's own free (`BIO_s_mem`
/// buffers are cleansed when released).
pub struct Bio(pub *mut c_void, &'static LibCrypto);

impl Bio {
    /// # Safety
    /// `lib` is a loaded libcrypto.
    pub unsafe fn new(lib: &'static LibCrypto) -> Option<Bio> {
        // SAFETY: the caller's contract.
        let bio = unsafe { (lib.BIO_new)((lib.BIO_s_mem)()) };
        (!bio.is_null()).then_some(Bio(bio, lib))
    }

    /// What was written to it.
    pub fn contents(&self) -> &[u8] {
        let mut data: *mut c_char = std::ptr::null_mut();
        // SAFETY: `BIO_get_mem_data`: the buffer stays valid until the BIO is written or freed.
        unsafe {
            let len = (self.1.BIO_ctrl)(
                self.0,
                BIO_CTRL_INFO,
                0,
                (&mut data as *mut *mut c_char).cast(),
            );
            if data.is_null() || len <= 0 {
                return &[];
            }
            std::slice::from_raw_parts(data.cast(), len as usize)
        }
    }
}

impl Drop for Bio {
    fn drop(&mut self) {
        // SAFETY: owned here, freed once.
        unsafe { (self.1.BIO_free)(self.0) };
    }
}

/// libcrypto's error queue for this thread, as text, emptied.
pub fn last_error(lib: &LibCrypto) -> String {
    let mut text = Vec::new();
    loop {
        // SAFETY: reads and removes this thread's oldest queued error.
        let code = unsafe { (lib.ERR_get_error)() };
        if code == 0 {
            break;
        }
        let mut buf = [0 as c_char; 256];
        // SAFETY: writes at most `buf.len()` bytes, NUL included.
        unsafe { (lib.ERR_error_string_n)(code, buf.as_mut_ptr(), buf.len()) };
        // SAFETY: NUL-terminated by `ERR_error_string_n`.
        text.push(
            unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
                .to_string_lossy()
                .into_owned(),
        );
    }
    if text.is_empty() {
        "not a PKCS#12 file, or a wrong password".to_owned()
    } else {
        text.join("; ")
    }
}

/// `POINT_CONVERSION_UNCOMPRESSED`: `04 || x || y`.
const POINT_UNCOMPRESSED: c_int = 4;

/// The private scalar (32 bytes) and uncompressed public point (65 bytes) of a SEC 1 P-256
/// `ECPrivateKey` in DER; libcrypto computes the point when the key leaves it out (as
/// `d2i_ECPrivateKey` does). `Err` for anything else, another curve included.
pub fn p256_key_parts(sec1_der: &[u8]) -> Result<([u8; 32], [u8; 65]), String> {
    let lib = libcrypto()?;
    let len = c_long::try_from(sec1_der.len()).map_err(|e| e.to_string())?;
    // SAFETY: `d2i_ECPrivateKey` reads at most `len` bytes and returns a key freed below; the
    // getters borrow from it; the outputs are written within the sizes given.
    unsafe {
        let mut at = sec1_der.as_ptr();
        let key = (lib.d2i_ECPrivateKey)(std::ptr::null_mut(), &mut at, len);
        if key.is_null() {
            return Err(last_error(lib));
        }
        let group = (lib.EC_KEY_get0_group)(key);
        let point = (lib.EC_KEY_get0_public_key)(key);
        let scalar = (lib.EC_KEY_get0_private_key)(key);
        let mut private = [0u8; 32];
        let mut public = [0u8; 65];
        let ok = !point.is_null()
            && !scalar.is_null()
            && (lib.BN_bn2binpad)(scalar, private.as_mut_ptr(), 32) == 32
            && (lib.EC_POINT_point2oct)(
                group,
                point,
                POINT_UNCOMPRESSED,
                public.as_mut_ptr(),
                public.len(),
                std::ptr::null_mut(),
            ) == 65;
        (lib.EC_KEY_free)(key);
        if ok {
            Ok((private, public))
        } else {
            Err(last_error(lib))
        }
    }
}
