//! Upstream's XML reader on the kind of documents AWS services send, edge cases first.

use super::*;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::error::aws_last_error;

/// What the callbacks saw: one line per node, `depth name [attr=value...] body`.
#[derive(Default)]
struct Seen {
    lines: Vec<String>,
    depth: usize,
    /// Names whose body is read (else children are traversed).
    leaves: Vec<&'static str>,
}

fn text(c: aws_byte_cursor) -> String {
    String::from_utf8(unsafe { c.as_bytes() }.unwrap().to_vec()).unwrap()
}

unsafe extern "C" fn on_node(node: *mut aws_xml_node, user_data: *mut c_void) -> c_int {
    guard::op(|| {
        let seen = unsafe { &mut *user_data.cast::<Seen>() };
        let name = text(unsafe { aws_xml_node_get_name(node) });
        let mut line = format!("{} {}", seen.depth, name);
        for i in 0..unsafe { aws_xml_node_get_num_attributes(node) } {
            let a = unsafe { aws_xml_node_get_attribute(node, i) };
            line += &format!(" {}={}", text(a.name), text(a.value));
        }
        if seen.leaves.contains(&name.as_str()) {
            let mut body = aws_byte_cursor::EMPTY;
            if unsafe { aws_xml_node_as_body(node, &mut body) } != 0 {
                return Err(Error(aws_last_error()));
            }
            line += &format!(" [{}]", text(body));
            seen.lines.push(line);
        } else if name != "Skipped" {
            seen.lines.push(line);
            seen.depth += 1;
            let rc = unsafe { aws_xml_node_traverse(node, Some(on_node), user_data) };
            let seen = unsafe { &mut *user_data.cast::<Seen>() };
            seen.depth -= 1;
            if rc != 0 {
                return Err(Error(aws_last_error()));
            }
        }
        Ok(())
    })
}

fn parse(
    doc: &str,
    leaves: &[&'static str],
    max_depth: usize,
) -> std::result::Result<Vec<String>, c_int> {
    let mut seen = Seen {
        leaves: leaves.to_vec(),
        ..Seen::default()
    };
    let options = aws_xml_parser_options {
        doc: aws_byte_cursor::from_slice(doc.as_bytes()),
        max_depth,
        on_root_encountered: Some(on_node),
        user_data: (&raw mut seen).cast(),
    };
    if unsafe { aws_xml_parse(aws_default_allocator(), &options) } == 0 {
        Ok(seen.lines)
    } else {
        Err(aws_last_error())
    }
}

#[test]
fn documents_upstream_refuses_are_invalid_xml() {
    let invalid = Err(AWS_ERROR_INVALID_XML as c_int);
    assert_eq!(parse("", &[], 0), invalid);
    assert_eq!(parse("no tags", &[], 0), invalid);
    assert_eq!(parse("<a>", &[], 0), invalid);
    assert_eq!(parse("<a><b>x</a>", &["b"], 0), invalid);
    assert_eq!(parse("> <a></a>", &[], 0), invalid);
}

#[test]
fn nodes_attributes_and_bodies_are_reported_in_order() {
    let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- comment -->
<Result xmlns="http://x" id=7>
  <Name>bucket</Name>
  <Skipped><Deep>ignored</Deep></Skipped>
  <Item><Key>a&amp;b</Key><Empty/></Item>
</Result>"#;
    let lines = parse(doc, &["Name", "Key", "Empty/"], 0).unwrap();
    assert_eq!(
        lines,
        vec![
            "0 Result xmlns=http://x id=7",
            "1 Name [bucket]",
            "1 Item",
            "2 Key [a&amp;b]",
            "2 Empty/ []",
        ]
    );
}

#[test]
fn a_node_containing_one_of_the_same_name_ends_at_its_own_closing_tag() {
    let lines = parse("<a><a><b>1</b></a><b>2</b></a>", &["b"], 0).unwrap();
    assert_eq!(lines, vec!["0 a", "1 a", "2 b [1]", "1 b [2]"]);
    // Read as a body, the outer node's body holds the inner one whole.
    let lines = parse("<r><a><a>x</a>y</a></r>", &["a"], 0).unwrap();
    assert_eq!(lines, vec!["0 r", "1 a [<a>x</a>y]"]);
}

#[test]
fn traversal_deeper_than_the_limit_is_invalid_xml() {
    assert!(parse("<a><b><c>x</c></b></a>", &["c"], 3).is_ok());
    assert_eq!(
        parse("<a><b><c>x</c></b></a>", &["c"], 2),
        Err(AWS_ERROR_INVALID_XML as c_int)
    );
}

#[test]
fn more_than_ten_attributes_is_invalid_xml() {
    let ten = format!("<a{}></a>", " k=v".repeat(10));
    assert_eq!(parse(&ten, &[], 0).unwrap().len(), 1);
    let eleven = format!("<a{}></a>", " k=v".repeat(11));
    assert_eq!(parse(&eleven, &[], 0), Err(AWS_ERROR_INVALID_XML as c_int));
}

#[test]
fn bodies_can_be_read_unescaped() {
    unsafe extern "C" fn read_unescaped(node: *mut aws_xml_node, user_data: *mut c_void) -> c_int {
        guard::op(|| {
            let out = user_data.cast::<aws_byte_buf>();
            if unsafe { aws_xml_node_as_body_unescaped(aws_default_allocator(), node, out) } != 0 {
                return Err(Error(aws_last_error()));
            }
            // A node is read once.
            let mut again = aws_byte_cursor::EMPTY;
            guard::require(unsafe { aws_xml_node_as_body(node, &mut again) } != 0)
        })
    }
    unsafe {
        let mut out = aws_byte_buf::EMPTY;
        crate::ffi::common::byte_buf::aws_byte_buf_init(&mut out, aws_default_allocator(), 1);
        let options = aws_xml_parser_options {
            doc: aws_byte_cursor::from_slice(b"<m>1 &lt; 2 &#x26; &quot;ok&quot;</m>"),
            max_depth: 0,
            on_root_encountered: Some(read_unescaped),
            user_data: (&raw mut out).cast(),
        };
        assert_eq!(aws_xml_parse(aws_default_allocator(), &options), 0);
        assert_eq!(
            std::slice::from_raw_parts(out.buffer, out.len),
            b"1 < 2 & \"ok\""
        );
        crate::ffi::common::byte_buf::aws_byte_buf_clean_up(&mut out);
    }
}
