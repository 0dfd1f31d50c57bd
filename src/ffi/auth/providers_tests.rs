//! The providers through the C API: each answers once with upstream's credentials or error
//! code; profile files and a `credential_process` script live in a fresh temporary directory;
//! the cache runs on a clock the test sets; shutdown callbacks run once, after the last release.
//! (The environment provider is tested from C, in its own process: tests here share one
//! environment.)

use crate::error::aws_auth_errors::*;
use crate::error::aws_common_error::AWS_ERROR_INVALID_ARGUMENT;
use crate::ffi::auth::credentials::*;
use crate::ffi::auth::credentials_provider::*;
use crate::ffi::auth::provider_options::*;
use crate::ffi::auth::providers_basic::*;
use crate::ffi::auth::providers_composite::*;
use crate::ffi::auth::providers_files::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use crate::ffi::common::string::{aws_string_destroy, aws_string_new_from_array};
use crate::ffi::sdkutils::aws_profile::*;
use std::ffi::{c_int, c_void};
use std::path::PathBuf;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// What one request's callback saw.
#[derive(Default)]
struct Answer {
    calls: usize,
    error: c_int,
    access_key: String,
    token: String,
    expiration: u64,
}

unsafe extern "C" fn on_answer(
    credentials: *mut aws_credentials,
    error_code: c_int,
    user_data: *mut c_void,
) {
    let a = unsafe { &mut *user_data.cast::<Answer>() };
    a.calls += 1;
    a.error = error_code;
    if !credentials.is_null() {
        let text = |c: aws_byte_cursor| {
            String::from_utf8(unsafe { c.as_bytes() }.unwrap().to_vec()).unwrap()
        };
        unsafe {
            a.access_key = text(aws_credentials_get_access_key_id(credentials));
            a.token = text(aws_credentials_get_session_token(credentials));
            a.expiration = aws_credentials_get_expiration_timepoint_seconds(credentials);
        }
    }
}

/// Asks `provider` once; the answer must have come before the call returned.
fn ask(provider: *mut aws_credentials_provider) -> Answer {
    let mut a = Answer::default();
    let rc = unsafe {
        aws_credentials_provider_get_credentials(provider, Some(on_answer), (&raw mut a).cast())
    };
    assert_eq!(rc, 0);
    assert_eq!(a.calls, 1);
    a
}

fn cur(s: &str) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(s.as_bytes())
}

fn quiet() -> aws_credentials_provider_shutdown_options {
    aws_credentials_provider_shutdown_options {
        shutdown_callback: None,
        shutdown_user_data: null_mut(),
    }
}

static SHUTDOWNS: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn count_shutdown(_: *mut c_void) {
    SHUTDOWNS.fetch_add(1, Ordering::SeqCst);
}

fn static_provider(key: &str) -> *mut aws_credentials_provider {
    let o = aws_credentials_provider_static_options {
        shutdown_options: quiet(),
        access_key_id: cur(key),
        secret_access_key: cur("secret"),
        session_token: cur("token"),
        account_id: cur(""),
    };
    unsafe { aws_credentials_provider_new_static(aws_default_allocator(), &o) }
}

/// A fresh directory under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "auth-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path_cursor(p: &std::path::Path) -> aws_byte_cursor {
    aws_byte_cursor::from_slice(p.as_os_str().as_encoded_bytes())
}

fn profile_options(
    config: &std::path::Path,
    creds: &std::path::Path,
    profile: &str,
) -> aws_credentials_provider_profile_options {
    aws_credentials_provider_profile_options {
        shutdown_options: quiet(),
        profile_name_override: cur(profile),
        config_file_name_override: path_cursor(config),
        credentials_file_name_override: path_cursor(creds),
        profile_collection_cached: null_mut(),
        bootstrap: null_mut(),
        tls_ctx: null_mut(),
        function_table: null_mut(),
        proxy_ev_settings: null_mut(),
    }
}

#[test]
fn the_static_provider_lends_its_credentials_and_shuts_down_after_the_last_release() {
    unsafe {
        let mut o = aws_credentials_provider_static_options {
            shutdown_options: aws_credentials_provider_shutdown_options {
                shutdown_callback: Some(count_shutdown),
                shutdown_user_data: null_mut(),
            },
            access_key_id: cur("AKID"),
            secret_access_key: cur("secret"),
            session_token: cur(""),
            account_id: cur(""),
        };
        let before = SHUTDOWNS.load(Ordering::SeqCst);
        let p = aws_credentials_provider_new_static(aws_default_allocator(), &o);
        let a = ask(p);
        assert_eq!(
            (a.error, a.access_key.as_str(), a.expiration),
            (0, "AKID", u64::MAX)
        );
        assert_eq!(aws_credentials_provider_acquire(p), p);
        aws_credentials_provider_release(p);
        assert_eq!(SHUTDOWNS.load(Ordering::SeqCst), before);
        assert!(aws_credentials_provider_release(p).is_null());
        assert!(SHUTDOWNS.load(Ordering::SeqCst) > before);
        // Missing keys are refused when made.
        o.secret_access_key = cur("");
        aws_reset_error();
        assert!(aws_credentials_provider_new_static(aws_default_allocator(), &o).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as i32);
        assert!(aws_credentials_provider_release(null_mut()).is_null());
        assert_eq!(
            aws_credentials_provider_get_credentials(null_mut(), Some(on_answer), null_mut()),
            -1
        );
    }
}

#[test]
fn the_anonymous_provider_answers_anonymous_credentials() {
    unsafe {
        let p = aws_credentials_provider_new_anonymous(aws_default_allocator(), null());
        let a = ask(p);
        assert_eq!((a.error, a.access_key.as_str()), (0, ""));
        aws_credentials_provider_release(p);
    }
}

unsafe extern "C" fn delegate_answers(
    data: *mut c_void,
    callback: Option<aws_on_get_credentials_callback_fn>,
    user_data: *mut c_void,
) -> c_int {
    let provider = data.cast::<aws_credentials_provider>();
    unsafe { aws_credentials_provider_get_credentials(provider, callback, user_data) }
}

unsafe extern "C" fn delegate_refuses(
    _: *mut c_void,
    _: Option<aws_on_get_credentials_callback_fn>,
    _: *mut c_void,
) -> c_int {
    crate::ffi::common::error::raise(AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE as c_int);
    -1
}

#[test]
fn the_delegate_provider_passes_requests_and_refusals_through() {
    unsafe {
        let inner = static_provider("INNER");
        let mut o = aws_credentials_provider_delegate_options {
            shutdown_options: quiet(),
            get_credentials: Some(delegate_answers),
            delegate_user_data: inner.cast(),
        };
        let p = aws_credentials_provider_new_delegate(aws_default_allocator(), &o);
        assert_eq!(ask(p).access_key, "INNER");
        aws_credentials_provider_release(p);
        o.get_credentials = Some(delegate_refuses);
        let p = aws_credentials_provider_new_delegate(aws_default_allocator(), &o);
        let mut a = Answer::default();
        aws_reset_error();
        assert_eq!(
            aws_credentials_provider_get_credentials(p, Some(on_answer), (&raw mut a).cast()),
            -1
        );
        assert_eq!(
            (a.calls, aws_last_error()),
            (0, AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE as i32)
        );
        aws_credentials_provider_release(p);
        o.get_credentials = None;
        assert!(aws_credentials_provider_new_delegate(aws_default_allocator(), &o).is_null());
        aws_credentials_provider_release(inner);
    }
}

#[test]
fn the_profile_provider_reads_keys_from_the_merged_files_at_each_request() {
    let dir = scratch("profile");
    let (config, creds) = (dir.join("config"), dir.join("credentials"));
    std::fs::write(
        &config,
        "[profile dev]\naws_access_key_id = CONFIG\naws_secret_access_key = s\nregion = x\n",
    )
    .unwrap();
    std::fs::write(
        &creds,
        "[dev]\naws_access_key_id = CREDS\naws_session_token = tok\n[other]\nx = y\n",
    )
    .unwrap();
    unsafe {
        let o = profile_options(&config, &creds, "dev");
        let p = aws_credentials_provider_new_profile(aws_default_allocator(), &o);
        assert!(!p.is_null());
        let a = ask(p);
        assert_eq!(
            (a.error, a.access_key.as_str(), a.token.as_str()),
            (0, "CREDS", "tok")
        );
        // The files are read again at each request.
        std::fs::write(&creds, "[dev]\naws_access_key_id = NEW\n").unwrap();
        assert_eq!(ask(p).access_key, "NEW");
        std::fs::write(&creds, "[dev]\n").unwrap();
        std::fs::write(&config, "[profile dev]\n").unwrap();
        assert_eq!(
            ask(p).error,
            AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE as i32
        );
        aws_credentials_provider_release(p);

        // A profile neither file has, or neither file at all, cannot be made.
        let o = profile_options(&config, &creds, "missing");
        aws_reset_error();
        assert!(aws_credentials_provider_new_profile(aws_default_allocator(), &o).is_null());
        assert_eq!(
            aws_last_error(),
            AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE as i32
        );
        let o = profile_options(&dir.join("none"), &dir.join("nothing"), "dev");
        assert!(aws_credentials_provider_new_profile(aws_default_allocator(), &o).is_null());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_profile_provider_runs_credential_process_and_needs_a_bootstrap_for_role_arn() {
    let dir = scratch("process");
    let (config, creds) = (dir.join("config"), dir.join("credentials"));
    let script = dir.join("creds.sh");
    std::fs::write(
        &script,
        "printf '{\"Version\":1,\"AccessKeyId\":\"PROC\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"2030-01-01T00:00:00Z\"}'\n",
    )
    .unwrap();
    std::fs::write(
        &config,
        format!(
            "[profile proc]\ncredential_process = sh {}\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = proc\n[profile broken]\ncredential_process = exit 2\n",
            script.display()
        ),
    )
    .unwrap();
    std::fs::write(&creds, "").unwrap();
    unsafe {
        let p = aws_credentials_provider_new_profile(
            aws_default_allocator(),
            &profile_options(&config, &creds, "proc"),
        );
        let a = ask(p);
        assert_eq!(
            (a.error, a.access_key.as_str(), a.token.as_str()),
            (0, "PROC", "t")
        );
        assert_eq!(a.expiration, 1_893_456_000);
        aws_credentials_provider_release(p);

        aws_reset_error();
        let role = profile_options(&config, &creds, "role");
        assert!(aws_credentials_provider_new_profile(aws_default_allocator(), &role).is_null());
        assert_eq!(aws_last_error(), AWS_ERROR_INVALID_ARGUMENT as i32);

        // The process provider itself, from a collection the program read.
        let path = config.as_os_str().as_encoded_bytes();
        let s = aws_string_new_from_array(aws_default_allocator(), path.as_ptr(), path.len());
        let collection = aws_profile_collection_new_from_file(aws_default_allocator(), s, 1);
        aws_string_destroy(s);
        assert!(!collection.is_null());
        let mut o = aws_credentials_provider_process_options {
            shutdown_options: quiet(),
            profile_to_use: cur("broken"),
            config_profile_collection_cached: collection,
        };
        let p = aws_credentials_provider_new_process(aws_default_allocator(), &o);
        assert_eq!(
            ask(p).error,
            AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE as i32
        );
        aws_credentials_provider_release(p);
        o.profile_to_use = cur("role");
        assert!(aws_credentials_provider_new_process(aws_default_allocator(), &o).is_null());
        assert_eq!(
            aws_last_error(),
            AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE as i32
        );
        aws_profile_collection_release(collection);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_chain_asks_in_order_until_one_answers() {
    unsafe {
        let dir = scratch("chain");
        std::fs::write(dir.join("config"), "[default]\nx = y\n").unwrap();
        let failing = aws_credentials_provider_new_profile(
            aws_default_allocator(),
            &profile_options(&dir.join("config"), &dir.join("none"), "default"),
        );
        let good = static_provider("SECOND");
        let mut list = [failing, good];
        let o = aws_credentials_provider_chain_options {
            shutdown_options: quiet(),
            providers: list.as_mut_ptr(),
            provider_count: 2,
        };
        let chain = aws_credentials_provider_new_chain(aws_default_allocator(), &o);
        assert_eq!(ask(chain).access_key, "SECOND");
        aws_credentials_provider_release(chain);
        let only_failing = aws_credentials_provider_chain_options {
            provider_count: 1,
            ..o
        };
        let chain = aws_credentials_provider_new_chain(aws_default_allocator(), &only_failing);
        assert_eq!(
            ask(chain).error,
            AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE as i32
        );
        aws_credentials_provider_release(chain);
        let empty = aws_credentials_provider_chain_options {
            provider_count: 0,
            ..o
        };
        assert!(aws_credentials_provider_new_chain(aws_default_allocator(), &empty).is_null());
        for p in list {
            aws_credentials_provider_release(p);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}

static FAKE_NOW: AtomicU64 = AtomicU64::new(0);
unsafe extern "C" fn fake_clock(t: *mut u64) -> c_int {
    unsafe { *t = FAKE_NOW.load(Ordering::SeqCst) };
    0
}

static SOURCE_CALLS: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn counting_source(
    data: *mut c_void,
    callback: Option<aws_on_get_credentials_callback_fn>,
    user_data: *mut c_void,
) -> c_int {
    SOURCE_CALLS.fetch_add(1, Ordering::SeqCst);
    unsafe { delegate_answers(data, callback, user_data) }
}

#[test]
fn the_cache_reuses_an_answer_until_its_refresh_time() {
    unsafe {
        let inner = static_provider("CACHED");
        let d = aws_credentials_provider_delegate_options {
            shutdown_options: quiet(),
            get_credentials: Some(counting_source),
            delegate_user_data: inner.cast(),
        };
        let source = aws_credentials_provider_new_delegate(aws_default_allocator(), &d);
        let o = aws_credentials_provider_cached_options {
            shutdown_options: quiet(),
            source,
            refresh_time_in_milliseconds: 1000,
            high_res_clock_fn: Some(fake_clock),
            system_clock_fn: Some(fake_clock),
        };
        let cached = aws_credentials_provider_new_cached(aws_default_allocator(), &o);
        aws_credentials_provider_release(source);
        assert_eq!(ask(cached).access_key, "CACHED");
        assert_eq!(ask(cached).access_key, "CACHED");
        assert_eq!(SOURCE_CALLS.load(Ordering::SeqCst), 1);
        FAKE_NOW.store(999_999_999, Ordering::SeqCst);
        ask(cached);
        assert_eq!(SOURCE_CALLS.load(Ordering::SeqCst), 1);
        FAKE_NOW.store(1_000_000_000, Ordering::SeqCst);
        ask(cached);
        assert_eq!(SOURCE_CALLS.load(Ordering::SeqCst), 2);
        aws_credentials_provider_release(cached);
        aws_credentials_provider_release(inner);
    }
}

#[test]
fn the_default_chain_reads_the_profile_it_is_given() {
    unsafe {
        let dir = scratch("default");
        let path = dir.join("credentials");
        std::fs::write(
            &path,
            "[chosen]\naws_access_key_id = DEFAULT\naws_secret_access_key = s\n",
        )
        .unwrap();
        let bytes = path.as_os_str().as_encoded_bytes();
        let s = aws_string_new_from_array(aws_default_allocator(), bytes.as_ptr(), bytes.len());
        let collection = aws_profile_collection_new_from_file(aws_default_allocator(), s, 2);
        aws_string_destroy(s);
        let o = aws_credentials_provider_chain_default_options {
            shutdown_options: quiet(),
            bootstrap: null_mut(),
            tls_ctx: null_mut(),
            profile_collection_cached: collection,
            profile_name_override: cur("chosen"),
            skip_environment_credentials_provider: true,
            proxy_ev_settings: null(),
        };
        let p = aws_credentials_provider_new_chain_default(aws_default_allocator(), &o);
        assert!(!p.is_null());
        assert_eq!(ask(p).access_key, "DEFAULT");
        aws_credentials_provider_release(p);
        // With the environment skipped and no such profile there is no source at all.
        let none = aws_credentials_provider_chain_default_options {
            profile_name_override: cur("absent"),
            ..o
        };
        assert!(
            aws_credentials_provider_new_chain_default(aws_default_allocator(), &none).is_null()
        );
        aws_profile_collection_release(collection);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
