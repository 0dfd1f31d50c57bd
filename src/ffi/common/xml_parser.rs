//! `aws/common/xml_parser.h`: upstream's small streaming XML reader, which walks a document
//! node by node through callbacks (a node's callback may read its body, descend into it, or
//! leave it to be skipped), and XML unescaping.
//!
//! This follows upstream's own parser rule for rule, not an XML library's: it is what the AWS
//! services' responses were parsed with, lenient where upstream is (a node's name is its
//! declaration up to the first space, attributes are `name=value` words with quotes trimmed, at
//! most 10 of them, preamble lines `<?...>`/`<!...>` skipped, a closing tag found by text) and
//! failing with `AWS_ERROR_INVALID_XML` where upstream does. Depth defaults to 20 levels.
//! Reading or traversing a node twice, which upstream aborts on, raises
//! `AWS_ERROR_INVALID_ARGUMENT`.
//!
//! # Safety
//! Every exported function has the same contract, stated once here: pointers are NULL or valid;
//! a node is only used inside the callback it was given to; the document outlives the parse.

use crate::ffi::common::allocator::aws_allocator;
use crate::ffi::common::byte_buf::{aws_byte_buf, aws_byte_cursor, buf_mut};
use crate::ffi::common::byte_buf_append::{append, reserve};
use crate::ffi::common::error::aws_common_error::AWS_ERROR_INVALID_XML;
use crate::ffi::common::xml_text::unescape;
use crate::ffi::guard::{self, Error, INVALID_ARGUMENT, Result, require};
use std::ffi::{c_int, c_void};

/// One `name=value` attribute of a node; both point into the document.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct aws_xml_attribute {
    /// The name.
    pub name: aws_byte_cursor,
    /// The value, without its surrounding quotes.
    pub value: aws_byte_cursor,
}

impl aws_xml_attribute {
    /// Empty name and value: what an out-of-range index reads.
    const EMPTY: Self = Self {
        name: aws_byte_cursor::EMPTY,
        value: aws_byte_cursor::EMPTY,
    };
}

/// Called for each node: return `AWS_OP_ERR` (with an error raised) to stop the parse; read
/// the node's body or traverse its children, or neither (it is then skipped).
pub type aws_xml_parser_on_node_encountered_fn =
    unsafe extern "C" fn(node: *mut aws_xml_node, user_data: *mut c_void) -> c_int;

/// What to parse and whom to call.
#[repr(C)]
pub struct aws_xml_parser_options {
    /// The document.
    pub doc: aws_byte_cursor,
    /// The deepest nesting traversed; 0 means 20.
    pub max_depth: usize,
    /// Called with the root node.
    pub on_root_encountered: Option<aws_xml_parser_on_node_encountered_fn>,
    /// Passed to `on_root_encountered`.
    pub user_data: *mut c_void,
}

/// A node being visited (opaque to C).
pub struct aws_xml_node {
    parser: *mut Parser,
    name: aws_byte_cursor,
    attributes: Vec<aws_xml_attribute>,
    /// The document from just after the node's declaration.
    body_start: aws_byte_cursor,
    processed: bool,
    is_empty: bool,
}

/// A parse in progress.
struct Parser {
    /// The part of the document not yet read.
    doc: aws_byte_cursor,
    /// How many traversals are open (the root's callback counts as one).
    depth: usize,
    max_depth: usize,
    /// Set once anything failed; every step after stops.
    failed: bool,
}

/// The most attributes a node may have.
const MAX_ATTRIBUTES: usize = 10;
/// The longest node name a closing tag is looked for with.
const MAX_NAME: usize = 256;

fn invalid() -> Error {
    AWS_ERROR_INVALID_XML.into()
}

impl Parser {
    fn rest(&self) -> &[u8] {
        // SAFETY: the module's contract: the document outlives the parse.
        unsafe { self.doc.as_bytes() }.unwrap_or(&[])
    }

    fn advance(&mut self, n: usize) {
        self.doc = self.doc.sub(n, self.doc.len - n);
    }

    /// Reads the next tag `<...>`: its declaration (between the brackets). Everything before
    /// the `<` is skipped.
    fn next_tag(&mut self) -> Result<aws_byte_cursor> {
        let rest = self.rest();
        let open = rest.iter().position(|&c| c == b'<').ok_or_else(invalid)?;
        let close = rest.iter().position(|&c| c == b'>').ok_or_else(invalid)?;
        if open >= close {
            return Err(invalid());
        }
        let decl = self.doc.sub(open + 1, close - open - 1);
        self.advance(close + 1);
        Ok(decl)
    }

    /// Moves past the closing tag of `node`; returns its body (empty for `<name/>`).
    fn skip_to_close(&mut self, node: &aws_xml_node) -> Result<aws_byte_cursor> {
        if node.is_empty {
            return Ok(aws_byte_cursor::EMPTY);
        }
        // SAFETY: the name points into the document.
        let name = unsafe { node.name.as_bytes() }?;
        if name.len() + 3 > node.body_start.len || name.len() > MAX_NAME {
            self.failed = true;
            return Err(invalid());
        }
        let closing = [b"</", name, b">"].concat();
        let opening = [b"<", name].concat();
        let mut depth = 1usize;
        let mut close_at;
        loop {
            close_at = find(self.rest(), &closing).ok_or_else(invalid)?;
            loop {
                if self.doc.len == 0 {
                    break;
                }
                match find(self.rest(), &opening) {
                    Some(open_at) if open_at < close_at => {
                        self.advance(open_at + 1);
                        close_at -= open_at + 1;
                        depth += 1;
                    }
                    _ => {
                        self.advance(close_at + closing.len());
                        depth -= 1;
                        break;
                    }
                }
            }
            if depth == 0 {
                break;
            }
        }
        // The body ends where the last closing tag found begins.
        let end = self.doc.ptr as usize - closing.len() - node.body_start.ptr as usize;
        Ok(node.body_start.sub(0, end))
    }
}

/// Visits the node whose declaration is `decl` with `callback`, then skips it if the callback
/// did not read it. The parser is reached through its pointer only: the callback (C code)
/// reaches it too, through the node.
///
/// # Safety
/// `parser` must point to the live parse.
unsafe fn visit(
    parser: *mut Parser,
    decl: aws_byte_cursor,
    callback: aws_xml_parser_on_node_encountered_fn,
    user_data: *mut c_void,
) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let mut node = node_from_decl(parser, unsafe { (*parser).doc }, decl)?;
    // SAFETY: the caller's callback, given a node that lives for the call.
    if unsafe { callback(&mut node, user_data) } != guard::OP_SUCCESS {
        unsafe { (*parser).failed = true };
        return Err(Error(crate::ffi::common::error::aws_last_error()));
    }
    let p = unsafe { &mut *parser };
    if !node.processed {
        p.skip_to_close(&node)?;
    }
    if p.failed { Err(invalid()) } else { Ok(()) }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The node a declaration describes: its name (up to the first space) and `name=value`
/// attributes (quotes trimmed; words that are no pair of two are skipped).
fn node_from_decl(
    parser: *mut Parser,
    body_start: aws_byte_cursor,
    decl: aws_byte_cursor,
) -> Result<aws_xml_node> {
    // SAFETY: the declaration points into the document.
    let text = unsafe { decl.as_bytes() }?;
    let words: Vec<&[u8]> = text.split(|&c| c == b' ').collect();
    if words.len() > MAX_ATTRIBUTES + 1 {
        return Err(invalid());
    }
    let cursor_of =
        |piece: &[u8]| decl.sub(piece.as_ptr() as usize - decl.ptr as usize, piece.len());
    let attributes = words[1..]
        .iter()
        .filter_map(|word| {
            let mut halves = word.split(|&c| c == b'=');
            let name = halves.next()?;
            let value = halves.next().unwrap_or(&[]);
            if halves.next().is_some() {
                return None;
            }
            let start = value.iter().position(|&c| c != b'"').unwrap_or(value.len());
            let end = value
                .iter()
                .rposition(|&c| c != b'"')
                .map_or(start, |i| i + 1);
            let value = if value.is_empty() {
                aws_byte_cursor::EMPTY
            } else {
                cursor_of(&value[start..end])
            };
            Some(aws_xml_attribute {
                name: cursor_of(name),
                value,
            })
        })
        .collect();
    Ok(aws_xml_node {
        parser,
        name: cursor_of(words[0]),
        attributes,
        body_start,
        processed: false,
        is_empty: text.last() == Some(&b'/'),
    })
}

/// Parses `options->doc`, calling `options->on_root_encountered` with its root node (after
/// any `<?...>`/`<!...>` lines). `AWS_ERROR_INVALID_XML` for a document upstream refuses; a
/// callback's error stops the parse and is returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_xml_parse(
    allocator: *mut aws_allocator,
    options: *const aws_xml_parser_options,
) -> c_int {
    guard::op(|| {
        let _unused = allocator;
        // SAFETY: forwarded caller contract.
        let options = unsafe { guard::reference(options) }?;
        let on_root = options.on_root_encountered.ok_or(INVALID_ARGUMENT)?;
        require(options.doc.is_valid())?;
        let mut parser = Parser {
            doc: options.doc,
            depth: 1,
            max_depth: if options.max_depth == 0 {
                20
            } else {
                options.max_depth
            },
            failed: false,
        };
        // Skip the preamble: declarations and comments before the root.
        while parser.doc.len > 0 {
            let rest = parser.rest();
            let open = rest.iter().position(|&c| c == b'<').ok_or_else(invalid)?;
            let close = rest.iter().position(|&c| c == b'>').ok_or_else(invalid)?;
            if open > close {
                return Err(invalid());
            }
            if matches!(rest.get(open + 1), Some(b'?' | b'!')) {
                parser.advance(close + 1);
            } else {
                parser.advance(open);
                break;
            }
        }
        let decl = parser.next_tag()?;
        // SAFETY: the parser lives until the end of this call.
        unsafe { visit(&mut parser, decl, on_root, options.user_data) }
    })
}

/// The node behind a pointer a callback was given, and its parser.
///
/// # Safety
/// As the module's contract.
unsafe fn node_arg<'a>(node: *mut aws_xml_node) -> Result<(&'a mut aws_xml_node, &'a mut Parser)> {
    // SAFETY: forwarded caller contract: the node and its parse are alive during the callback.
    let node = unsafe { guard::mutable(node) }?;
    require(!node.processed)?;
    node.processed = true;
    let parser = unsafe { guard::mutable(node.parser) }?;
    Ok((node, parser))
}

/// Sets `*out_body` to the text between the node's tags (pointing into the document) and
/// moves past its closing tag. A node may be read or traversed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_xml_node_as_body(
    node: *mut aws_xml_node,
    out_body: *mut aws_byte_cursor,
) -> c_int {
    guard::op(|| {
        // SAFETY: forwarded caller contract.
        let out = unsafe { guard::mutable(out_body) }?;
        let (node, parser) = unsafe { node_arg(node) }?;
        *out = parser.skip_to_close(node)?;
        Ok(())
    })
}

/// Appends the node's body, unescaped, to `out_body` (which grows if it has an allocator).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_xml_node_as_body_unescaped(
    allocator: *mut aws_allocator,
    node: *mut aws_xml_node,
    out_body: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        let _unused = allocator;
        // SAFETY: forwarded caller contract.
        let out = unsafe { buf_mut(out_body) }?;
        let (node, parser) = unsafe { node_arg(node) }?;
        let body = parser.skip_to_close(node)?;
        unsafe { append_unescaped(body, out) }
    })
}

/// Calls `on_node_encountered` for each child of `node`, up to its closing tag.
/// `AWS_ERROR_INVALID_XML` beyond the parse's depth limit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_xml_node_traverse(
    node: *mut aws_xml_node,
    on_node_encountered: Option<aws_xml_parser_on_node_encountered_fn>,
    user_data: *mut c_void,
) -> c_int {
    guard::op(|| {
        let callback = on_node_encountered.ok_or(INVALID_ARGUMENT)?;
        // SAFETY: forwarded caller contract.
        let (_, parser) = unsafe { node_arg(node) }?;
        let parser: *mut Parser = parser;
        // SAFETY (all derefs below): the parser outlives the traversal; each borrow is dropped
        // before a callback runs.
        let fail = move |e: Error| {
            unsafe { (*parser).failed = true };
            e
        };
        {
            let p = unsafe { &mut *parser };
            if p.depth >= p.max_depth {
                return Err(fail(invalid()));
            }
            p.depth += 1;
        }
        while !unsafe { (*parser).failed } {
            let p = unsafe { &mut *parser };
            let rest = p.rest();
            let open = rest
                .iter()
                .position(|&c| c == b'<')
                .ok_or_else(|| fail(invalid()))?;
            let close = rest
                .iter()
                .position(|&c| c == b'>')
                .ok_or_else(|| fail(invalid()))?;
            if open >= close {
                return Err(fail(invalid()));
            }
            let closes_parent = rest.get(open + 1) == Some(&b'/');
            let decl = p.next_tag()?;
            if closes_parent {
                break;
            }
            unsafe { visit(parser, decl, callback, user_data) }.map_err(fail)?;
        }
        let p = unsafe { &mut *parser };
        p.depth -= 1;
        if p.failed { Err(invalid()) } else { Ok(()) }
    })
}

/// The node's name (pointing into the document).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_xml_node_get_name(node: *const aws_xml_node) -> aws_byte_cursor {
    // SAFETY: forwarded caller contract.
    guard::guard(aws_byte_cursor::EMPTY, || {
        Ok(unsafe { guard::reference(node) }?.name)
    })
}

/// How many attributes the node has.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_xml_node_get_num_attributes(node: *const aws_xml_node) -> usize {
    // SAFETY: forwarded caller contract.
    guard::guard(0, || {
        Ok(unsafe { guard::reference(node) }?.attributes.len())
    })
}

/// Attribute `attribute_index` of the node; an index out of range (upstream aborts) gives
/// empty cursors and `AWS_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_xml_node_get_attribute(
    node: *const aws_xml_node,
    attribute_index: usize,
) -> aws_xml_attribute {
    guard::guard(aws_xml_attribute::EMPTY, || {
        // SAFETY: forwarded caller contract.
        let node = unsafe { guard::reference(node) }?;
        node.attributes
            .get(attribute_index)
            .copied()
            .ok_or(INVALID_ARGUMENT)
    })
}

/// Appends `data` unescaped to `out`, reserving room first (growing only a buffer with an
/// allocator).
///
/// # Safety
/// `data` must be valid; `out` a valid buffer.
unsafe fn append_unescaped(data: aws_byte_cursor, out: &mut aws_byte_buf) -> Result<()> {
    // SAFETY: forwarded caller contract.
    let text = unescape(unsafe { data.as_bytes() }?)?;
    if out.capacity - out.len < text.len() {
        let needed = out.len.checked_add(text.len()).ok_or(INVALID_ARGUMENT)?;
        unsafe { reserve(out, needed) }?;
    }
    unsafe { append(out, aws_byte_cursor::from_slice(&text)) }
}

/// Appends `data` with its XML escapes (`&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`, `&#n;`,
/// `&#xh;`) replaced to `out`. `AWS_ERROR_INVALID_XML` for an unknown or malformed escape;
/// nothing is appended then.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aws_byte_buf_append_unescaped_xml(
    allocator: *mut aws_allocator,
    data: aws_byte_cursor,
    out: *mut aws_byte_buf,
) -> c_int {
    guard::op(|| {
        let _unused = allocator;
        // SAFETY: forwarded caller contract.
        let out = unsafe { buf_mut(out) }?;
        unsafe { append_unescaped(data, out) }
    })
}

#[cfg(test)]
#[path = "xml_parser_tests.rs"]
mod tests;
