//! `aws/common/command_line_parser.h`: upstream's small `getopt_long`, with its process-wide
//! parser state (`aws_cli_optind`, `aws_cli_optarg`, `aws_cli_positional_arg`), and the
//! subcommand dispatcher.
//!
//! The parser follows upstream's rules, which differ from POSIX `getopt_long` in ways programs
//! written for upstream rely on: a short option is only the first character after `-` (`-abc` is
//! `-a`), an argument always comes in the next word (no `-pVALUE`, no `--name=value`), and a word
//! that is not an option is reported as a positional argument (`0x02`) unless it follows an
//! unknown option, whose stray argument it is taken to be (`'?'`). Like `getopt`, the state is
//! process-wide and not thread-safe: parse on one thread.
//!
//! Upstream asserts nothing and reads through NULL pointers; here a NULL `argv`, word, `optstring`
//! or `longopts` makes `aws_cli_getopt_long` return `'?'` (no more words, -1) with
//! `AWS_ERROR_INVALID_ARGUMENT` raised.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: `argv` holds `argc`
//! NUL-terminated words (or is NULL), `optstring` is NUL-terminated, `longopts` ends with an entry
//! whose `name` is NULL and `val` 0, and `dispatch_table` holds `table_length` entries.

use crate::ffi::common::error::aws_common_error::AWS_ERROR_UNIMPLEMENTED;
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result, require};
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;

/// Whether an option takes an argument. The parser itself reads this from `optstring` (a `:`
/// after the option's character), as upstream does.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_cli_options_has_arg {
    /// The option stands alone.
    AWS_CLI_OPTIONS_NO_ARGUMENT = 0,
    /// The next word is the option's argument.
    AWS_CLI_OPTIONS_REQUIRED_ARGUMENT = 1,
    /// Declared by upstream, not implemented there either.
    AWS_CLI_OPTIONS_OPTIONAL_ARGUMENT = 2,
}

/// A C `enum aws_cli_options_has_arg` received from C.
pub type aws_cli_options_has_arg_raw = c_int;

/// A subcommand's handler: `argv[0]` is the subcommand's word, `command_name` the same word.
pub type aws_cli_options_subcommand_fn = unsafe extern "C" fn(
    argc: c_int,
    argv: *const *mut c_char,
    command_name: *const c_char,
    user_data: *mut c_void,
) -> c_int;

/// One entry of a dispatch table: the word that selects a subcommand (compared ignoring ASCII
/// case) and its handler.
#[repr(C)]
pub struct aws_cli_subcommand_dispatch {
    /// The handler.
    pub subcommand_fn: Option<aws_cli_options_subcommand_fn>,
    /// The subcommand's word.
    pub command_name: *const c_char,
}

/// One option the parser knows, laid out like POSIX `struct option`: matched by `name` after
/// `--` or by the character `val` after `-`, and reported as `val`.
#[repr(C)]
pub struct aws_cli_option {
    /// The long name, without `--`; NULL for a short-only option (and in the last entry).
    pub name: *const c_char,
    /// Documentation only: the parser reads `optstring`.
    pub has_arg: aws_cli_options_has_arg_raw,
    /// Unused by upstream's parser; kept for `getopt.h` compatibility.
    pub flag: *mut c_int,
    /// The short option character and the value returned when the option is found.
    pub val: c_int,
}

/// The index in `argv` of the next word to parse; starts at 1 (after the program's name).
#[unsafe(no_mangle)]
pub static mut aws_cli_optind: c_int = 1;

/// The argument of the option just returned, NULL when it has none.
#[unsafe(no_mangle)]
pub static mut aws_cli_optarg: *const c_char = ptr::null();

/// The word just reported as a positional argument (return value `0x02`).
#[unsafe(no_mangle)]
pub static mut aws_cli_positional_arg: *const c_char = ptr::null();

/// Unused, as in upstream (which exports it without declaring it; declared here for programs
/// that declared it themselves).
#[unsafe(no_mangle)]
pub static mut aws_cli_opterr: c_int = -1;

/// Unused, as in upstream (exported there without a declaration, like `aws_cli_opterr`).
#[unsafe(no_mangle)]
pub static mut aws_cli_optopt: c_int = 0;

/// Whether the last word was an option, so that a following non-option word is its stray
/// argument rather than a positional one (exported by upstream too).
#[unsafe(no_mangle)]
pub static mut aws_cli_on_arg: bool = false;

/// What `aws_cli_getopt_long` returns for a positional argument (ASCII START OF TEXT).
const POSITIONAL: c_int = 0x02;
/// What it returns for an unknown option, a missing argument or a stray word.
const UNKNOWN: c_int = b'?' as c_int;

/// Puts the parser back to its initial state, to parse another set of arguments.
#[unsafe(no_mangle)]
pub extern "C" fn aws_cli_reset_state() {
    guard::guard((), || {
        // SAFETY: the parser state is process-wide by contract; callers parse on one thread.
        unsafe {
            aws_cli_optind = 1;
            aws_cli_opterr = -1;
            aws_cli_optopt = 0;
            aws_cli_on_arg = false;
            aws_cli_optarg = ptr::null();
            aws_cli_positional_arg = ptr::null();
        }
        Ok(())
    })
}

/// Parses the word at `aws_cli_optind` and moves past it (and past its argument). Returns the
/// option's `val` (its argument in `aws_cli_optarg`), `0x02` for a positional argument (in
/// `aws_cli_positional_arg`), `'?'` for an unknown option, an option missing from `optstring`,
/// a missing argument or the stray word after an unknown option, and -1 once every word is
/// parsed. `*longindex` (when not NULL) is set to the matched entry's index.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cli_getopt_long(
    argc: c_int,
    argv: *const *mut c_char,
    optstring: *const c_char,
    longopts: *const aws_cli_option,
    longindex: *mut c_int,
) -> c_int {
    guard::guard(UNKNOWN, || {
        // SAFETY: the parser state is process-wide by contract; the caller's arguments are as
        // the module's contract says.
        unsafe {
            aws_cli_optarg = ptr::null();
            if aws_cli_optind >= argc {
                return Ok(-1);
            }
            let word = word_at(argv, aws_cli_optind)?;
            let optstring = guard::c_str(optstring)?.to_bytes_with_nul();
            require(!longopts.is_null())?;
            parse_word(argc, argv, word, optstring, longopts, longindex)
        }
    })
}

/// Word `index` of `argv`.
///
/// # Safety
/// `argv` must be NULL or hold more than `index` words.
unsafe fn word_at<'a>(argv: *const *mut c_char, index: c_int) -> Result<&'a [u8]> {
    require(!argv.is_null() && index >= 0)?;
    // SAFETY: forwarded caller contract; the index was checked against argc by the caller.
    let word = unsafe { *argv.add(index as usize) };
    Ok(unsafe { guard::c_str(word) }?.to_bytes())
}

/// The body of [`aws_cli_getopt_long`] once its arguments are checked.
///
/// # Safety
/// As [`aws_cli_getopt_long`]; `aws_cli_optind < argc`.
unsafe fn parse_word(
    argc: c_int,
    argv: *const *mut c_char,
    word: &[u8],
    optstring: &[u8],
    longopts: *const aws_cli_option,
    longindex: *mut c_int,
) -> Result<c_int> {
    // SAFETY: forwarded caller contract (see the callers).
    unsafe {
        let mut positional = false;
        let found = match word {
            [b'-', b'-', name @ ..] => {
                aws_cli_on_arg = true;
                find_option(longopts, longindex, |o| {
                    !o.name.is_null() && CStr::from_ptr(o.name).to_bytes() == name
                })
            }
            [b'-', rest @ ..] => {
                aws_cli_on_arg = true;
                // Only the first character counts; "-" alone looks for an option whose val is 0.
                let short = rest.first().copied().unwrap_or(0) as c_char as c_int;
                find_option(longopts, longindex, |o| o.val == short)
            }
            _ => {
                if aws_cli_on_arg {
                    // The stray argument of an unknown option.
                    aws_cli_on_arg = false;
                    aws_cli_positional_arg = ptr::null();
                } else {
                    aws_cli_positional_arg = (*argv.add(aws_cli_optind as usize)).cast_const();
                    positional = true;
                }
                None
            }
        };
        aws_cli_optind += 1;
        let Some(option) = found else {
            return Ok(if positional { POSITIONAL } else { UNKNOWN });
        };
        aws_cli_on_arg = false;
        aws_cli_positional_arg = ptr::null();
        // Like upstream's memchr over the string and its terminator, as unsigned char.
        let Some(at) = optstring.iter().position(|&c| c == option.val as u8) else {
            return Ok(UNKNOWN);
        };
        if optstring.get(at + 1) == Some(&b':') {
            if aws_cli_optind >= argc {
                return Ok(UNKNOWN);
            }
            aws_cli_optarg = (*argv.add(aws_cli_optind as usize)).cast_const();
            aws_cli_optind += 1;
        }
        Ok(option.val)
    }
}

/// The first entry of `longopts` (up to its zeroed last entry) that `matches`, recording its
/// index in `*longindex` when that is not NULL.
///
/// # Safety
/// `longopts` must be terminated as the module's contract says; `longindex` NULL or writable.
unsafe fn find_option<'a>(
    longopts: *const aws_cli_option,
    longindex: *mut c_int,
    matches: impl Fn(&aws_cli_option) -> bool,
) -> Option<&'a aws_cli_option> {
    let mut index = 0usize;
    loop {
        // SAFETY: forwarded caller contract: every entry up to the terminator is readable.
        let option = unsafe { &*longopts.add(index) };
        if option.name.is_null() && option.val == 0 {
            return None;
        }
        if matches(option) {
            // SAFETY: forwarded caller contract.
            if let Some(slot) = unsafe { longindex.as_mut() } {
                *slot = index as c_int;
            }
            return Some(option);
        }
        index += 1;
    }
}

/// Calls the handler of the subcommand named by `argv[1]` (ignoring ASCII case) with the words
/// from `argv[1]` on, and returns what it returns. `AWS_ERROR_INVALID_ARGUMENT` without a
/// `argv[1]`, `AWS_ERROR_UNIMPLEMENTED` when no entry of `dispatch_table` names it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_cli_dispatch_on_subcommand(
    argc: c_int,
    argv: *const *mut c_char,
    dispatch_table: *mut aws_cli_subcommand_dispatch,
    table_length: c_int,
    user_data: *mut c_void,
) -> c_int {
    guard::guard(guard::OP_ERR, || {
        require(argc >= 2)?;
        // SAFETY: the module's contract: argv holds argc words, the table table_length entries.
        let name = unsafe { word_at(argv, 1) }?;
        let length = usize::try_from(table_length).map_err(|_| INVALID_ARGUMENT)?;
        require(length == 0 || !dispatch_table.is_null())?;
        for index in 0..length {
            let entry = unsafe { &*dispatch_table.add(index) };
            let command = unsafe { guard::c_str(entry.command_name) }?.to_bytes();
            if command.eq_ignore_ascii_case(name) {
                let handler = entry.subcommand_fn.ok_or(INVALID_ARGUMENT)?;
                // SAFETY: the caller's handler, given the words from argv[1] on.
                let words = unsafe { argv.add(1) };
                return Ok(unsafe { handler(argc - 1, words, (*words).cast_const(), user_data) });
            }
        }
        Err(Error::from(AWS_ERROR_UNIMPLEMENTED))
    })
}

#[cfg(test)]
#[path = "command_line_parser_tests.rs"]
mod tests;
