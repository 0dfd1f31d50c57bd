//! Upstream's documented parser behaviour, edge cases first. The parser state is process-wide, so
//! the tests take one lock and reset it.

use super::*;
use crate::ffi::common::error::{aws_last_error, aws_reset_error};
use std::ffi::CString;
use std::sync::Mutex;

static PARSER: Mutex<()> = Mutex::new(());

/// Takes the parser for one test (a failed test must not fail the others).
fn lock() -> std::sync::MutexGuard<'static, ()> {
    PARSER.lock().unwrap_or_else(|e| e.into_inner())
}

/// Owned words and the `argv` array pointing into them.
struct Args {
    _words: Vec<CString>,
    argv: Vec<*mut c_char>,
}

impl Args {
    fn new(words: &[&str]) -> Self {
        let words: Vec<CString> = words.iter().map(|w| CString::new(*w).unwrap()).collect();
        let mut argv: Vec<*mut c_char> = words.iter().map(|w| w.as_ptr().cast_mut()).collect();
        argv.push(ptr::null_mut());
        Args {
            _words: words,
            argv,
        }
    }

    fn argc(&self) -> c_int {
        (self.argv.len() - 1) as c_int
    }
}

fn option(name: &'static CStr, val: u8) -> aws_cli_option {
    aws_cli_option {
        name: name.as_ptr(),
        has_arg: 0,
        flag: ptr::null_mut(),
        val: val as c_int,
    }
}

const END: aws_cli_option = aws_cli_option {
    name: ptr::null(),
    has_arg: 0,
    flag: ptr::null_mut(),
    val: 0,
};

fn options() -> [aws_cli_option; 4] {
    [
        option(c"verbose", b'v'),
        option(c"port", b'p'),
        option(c"help", b'h'),
        END,
    ]
}

/// Parses every word of `words` with optstring "vp:" and returns each result with its
/// `aws_cli_optarg` / `aws_cli_positional_arg` as text, ending with the -1.
fn parse_all(words: &[&str]) -> Vec<(c_int, Option<String>, Option<String>)> {
    let args = Args::new(words);
    let opts = options();
    let mut out = Vec::new();
    aws_cli_reset_state();
    loop {
        let mut index = -1;
        let got = unsafe {
            aws_cli_getopt_long(
                args.argc(),
                args.argv.as_ptr(),
                c"vp:".as_ptr(),
                opts.as_ptr(),
                &mut index,
            )
        };
        let text = |p: *const c_char| {
            (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
        };
        let (optarg, positional) = unsafe { (aws_cli_optarg, aws_cli_positional_arg) };
        out.push((got, text(optarg), text(positional)));
        if got == -1 || out.len() > 20 {
            return out;
        }
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn no_words_after_the_program_name_ends_at_once() {
    let _lock = lock();
    assert_eq!(parse_all(&["prog"]), vec![(-1, None, None)]);
}

#[test]
fn short_and_long_options_return_their_val_and_take_the_next_word_as_argument() {
    let _lock = lock();
    assert_eq!(
        parse_all(&["prog", "-v", "--port", "1883", "-p", "8883"]),
        vec![
            (b'v' as c_int, None, None),
            (b'p' as c_int, some("1883"), None),
            (b'p' as c_int, some("8883"), None),
            (-1, None, None),
        ]
    );
}

#[test]
fn only_the_first_character_of_a_short_option_counts() {
    let _lock = lock();
    assert_eq!(
        parse_all(&["prog", "-vxyz"]),
        vec![(b'v' as c_int, None, None), (-1, None, None)]
    );
}

#[test]
fn a_word_that_is_not_an_option_is_a_positional_argument() {
    let _lock = lock();
    assert_eq!(
        parse_all(&["prog", "host", "-v", "file"]),
        vec![
            (POSITIONAL, None, some("host")),
            (b'v' as c_int, None, None),
            (POSITIONAL, None, some("file")),
            // The last positional argument stays visible, as upstream leaves it.
            (-1, None, some("file")),
        ]
    );
}

#[test]
fn an_unknown_option_and_its_stray_argument_are_both_question_marks() {
    let _lock = lock();
    assert_eq!(
        parse_all(&["prog", "--nope", "value", "next"]),
        vec![
            (UNKNOWN, None, None),
            (UNKNOWN, None, None),
            (POSITIONAL, None, some("next")),
            (-1, None, some("next")),
        ]
    );
}

#[test]
fn an_option_missing_from_optstring_is_a_question_mark() {
    let _lock = lock();
    // 'h' is in longopts but not in "vp:".
    assert_eq!(
        parse_all(&["prog", "--help"]),
        vec![(UNKNOWN, None, None), (-1, None, None)]
    );
}

#[test]
fn a_missing_required_argument_is_a_question_mark() {
    let _lock = lock();
    assert_eq!(
        parse_all(&["prog", "-p"]),
        vec![(UNKNOWN, None, None), (-1, None, None)]
    );
}

#[test]
fn name_equals_value_is_not_split() {
    let _lock = lock();
    assert_eq!(
        parse_all(&["prog", "--port=1"]),
        vec![(UNKNOWN, None, None), (-1, None, None)]
    );
}

#[test]
fn longindex_is_the_matched_entry() {
    let _lock = lock();
    let args = Args::new(&["prog", "--port", "1", "-v"]);
    let opts = options();
    aws_cli_reset_state();
    let mut index = -1;
    let call = |index: &mut c_int| unsafe {
        aws_cli_getopt_long(
            args.argc(),
            args.argv.as_ptr(),
            c"vp:".as_ptr(),
            opts.as_ptr(),
            index,
        )
    };
    assert_eq!(call(&mut index), b'p' as c_int);
    assert_eq!(index, 1);
    assert_eq!(unsafe { aws_cli_optind }, 3);
    assert_eq!(call(&mut index), b'v' as c_int);
    assert_eq!(index, 0);
}

#[test]
fn reset_state_rewinds_to_the_first_argument() {
    let _lock = lock();
    let first = parse_all(&["prog", "x"]);
    assert_eq!(unsafe { aws_cli_optind }, 2);
    aws_cli_reset_state();
    assert_eq!(unsafe { aws_cli_optind }, 1);
    assert!(unsafe { aws_cli_positional_arg }.is_null());
    assert_eq!(parse_all(&["prog", "x"]), first);
}

#[test]
fn null_arguments_are_refused_with_invalid_argument() {
    let _lock = lock();
    aws_cli_reset_state();
    let opts = options();
    aws_reset_error();
    let got = unsafe {
        aws_cli_getopt_long(
            2,
            ptr::null(),
            c"v".as_ptr(),
            opts.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(got, UNKNOWN);
    assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
    let args = Args::new(&["prog", "-v"]);
    let got = unsafe {
        aws_cli_getopt_long(
            2,
            args.argv.as_ptr(),
            ptr::null(),
            opts.as_ptr(),
            ptr::null_mut(),
        )
    };
    assert_eq!(got, UNKNOWN);
}

unsafe extern "C" fn record(
    argc: c_int,
    argv: *const *mut c_char,
    command_name: *const c_char,
    user_data: *mut c_void,
) -> c_int {
    guard::guard(-1, || {
        let seen = unsafe { &mut *user_data.cast::<(c_int, String, String)>() };
        let first = unsafe { CStr::from_ptr(*argv) }
            .to_string_lossy()
            .into_owned();
        let name = unsafe { CStr::from_ptr(command_name) }
            .to_string_lossy()
            .into_owned();
        *seen = (argc, first, name);
        Ok(42)
    })
}

#[test]
fn dispatch_calls_the_matching_subcommand_ignoring_case_and_returns_its_result() {
    let args = Args::new(&["prog", "PUB", "-v"]);
    let mut table = [
        aws_cli_subcommand_dispatch {
            subcommand_fn: Some(record),
            command_name: c"sub".as_ptr(),
        },
        aws_cli_subcommand_dispatch {
            subcommand_fn: Some(record),
            command_name: c"pub".as_ptr(),
        },
    ];
    let mut seen = (0, String::new(), String::new());
    let got = unsafe {
        aws_cli_dispatch_on_subcommand(
            args.argc(),
            args.argv.as_ptr(),
            table.as_mut_ptr(),
            2,
            (&raw mut seen).cast(),
        )
    };
    assert_eq!(got, 42);
    assert_eq!(seen, (2, "PUB".to_string(), "PUB".to_string()));
}

#[test]
fn dispatch_without_a_match_is_unimplemented_and_without_a_word_invalid_argument() {
    let mut table = [aws_cli_subcommand_dispatch {
        subcommand_fn: Some(record),
        command_name: c"sub".as_ptr(),
    }];
    let args = Args::new(&["prog", "other"]);
    let got = unsafe {
        aws_cli_dispatch_on_subcommand(
            2,
            args.argv.as_ptr(),
            table.as_mut_ptr(),
            1,
            ptr::null_mut(),
        )
    };
    assert_eq!(got, guard::OP_ERR);
    assert_eq!(aws_last_error(), AWS_ERROR_UNIMPLEMENTED as c_int);
    let args = Args::new(&["prog"]);
    let got = unsafe {
        aws_cli_dispatch_on_subcommand(
            1,
            args.argv.as_ptr(),
            table.as_mut_ptr(),
            1,
            ptr::null_mut(),
        )
    };
    assert_eq!(got, guard::OP_ERR);
    assert_eq!(aws_last_error(), INVALID_ARGUMENT.0);
}
