//! `aws/common/json.h`: the JSON tree behind the API (opaque to C). Each value is a heap node whose address C keeps
//! (children handed out by the getters stay valid, and may be changed, while their parent
//! lives), and a container owns its children and frees them with it, as upstream's cJSON does.
//!
//! Strings and keys are C strings in upstream: text after a NUL is dropped when a string is
//! made. Keys are looked up ignoring ASCII case, as upstream's lookups (cJSON's
//! `GetObjectItem`) do, whatever its header says.

use std::ptr::NonNull;

/// A JSON value (opaque to C).
pub struct aws_json_value {
    /// What the value is.
    pub(crate) kind: Kind,
}

/// The kinds of JSON value, each with its content.
pub(crate) enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (always a double, as in upstream).
    Number(f64),
    /// A string, without a NUL.
    String(Vec<u8>),
    /// An array; it owns its elements.
    Array(Vec<Child>),
    /// An object's members in insertion order; it owns the values.
    Object(Vec<(Vec<u8>, Child)>),
}

/// A child node a container owns: freed with the container.
pub(crate) struct Child(NonNull<aws_json_value>);

impl Child {
    /// Takes ownership of a node made by [`new_node`].
    ///
    /// # Safety
    /// `node` must come from [`new_node`], be owned by nobody else and not be freed elsewhere.
    pub(crate) unsafe fn adopt(node: NonNull<aws_json_value>) -> Self {
        Child(node)
    }

    /// The node, for C.
    pub(crate) fn as_ptr(&self) -> *mut aws_json_value {
        self.0.as_ptr()
    }

    /// The node.
    pub(crate) fn get(&self) -> &aws_json_value {
        // SAFETY: the node lives as long as its owner, this child.
        unsafe { self.0.as_ref() }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        // SAFETY: the node came from `new_node` and this child owns it.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

/// A new heap node, owned by the caller (C, or a [`Child`] once adopted).
pub(crate) fn new_node(kind: Kind) -> NonNull<aws_json_value> {
    NonNull::from(Box::leak(Box::new(aws_json_value { kind })))
}

/// Frees a node made by [`new_node`] and everything it owns.
///
/// # Safety
/// `node` must come from [`new_node`] and be owned by the caller.
pub(crate) unsafe fn free_node(node: NonNull<aws_json_value>) {
    // SAFETY: forwarded caller contract.
    drop(unsafe { Box::from_raw(node.as_ptr()) });
}

/// `text` up to its first NUL, as a C string would hold it.
pub(crate) fn c_text(text: &[u8]) -> Vec<u8> {
    let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
    text[..end].to_vec()
}

impl aws_json_value {
    /// The index of the member named `key` (ignoring ASCII case), if this is an object holding
    /// one.
    pub(crate) fn member_index(&self, key: &[u8]) -> Option<usize> {
        match &self.kind {
            Kind::Object(members) => members
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case(key)),
            _ => None,
        }
    }

    /// A deep copy, as a new node the caller owns.
    pub(crate) fn duplicate(&self) -> NonNull<aws_json_value> {
        let kind = match &self.kind {
            Kind::Null => Kind::Null,
            Kind::Bool(b) => Kind::Bool(*b),
            Kind::Number(n) => Kind::Number(*n),
            Kind::String(s) => Kind::String(s.clone()),
            // SAFETY: each copy is a fresh node nobody else owns.
            Kind::Array(items) => Kind::Array(
                items
                    .iter()
                    .map(|c| unsafe { Child::adopt(c.get().duplicate()) })
                    .collect(),
            ),
            Kind::Object(members) => Kind::Object(
                members
                    .iter()
                    .map(|(k, c)| (k.clone(), unsafe { Child::adopt(c.get().duplicate()) }))
                    .collect(),
            ),
        };
        new_node(kind)
    }

    /// Upstream's equality (cJSON's `Compare`): same kind; numbers equal within a relative
    /// `DBL_EPSILON`; strings byte for byte; arrays element by element; objects with the same
    /// members either way round, keys compared with or without ASCII case.
    pub(crate) fn equals(&self, other: &aws_json_value, case_sensitive: bool) -> bool {
        fn find<'m>(
            members: &'m [(Vec<u8>, Child)],
            key: &[u8],
            case_sensitive: bool,
        ) -> Option<&'m (Vec<u8>, Child)> {
            members.iter().find(|(k, _)| {
                if case_sensitive {
                    k == key
                } else {
                    k.eq_ignore_ascii_case(key)
                }
            })
        }
        let covers = |a: &[(Vec<u8>, Child)], b: &[(Vec<u8>, Child)]| {
            a.iter().all(|(k, v)| {
                find(b, k, case_sensitive)
                    .is_some_and(|(_, w)| v.get().equals(w.get(), case_sensitive))
            })
        };
        match (&self.kind, &other.kind) {
            (Kind::Null, Kind::Null) => true,
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Number(a), Kind::Number(b)) => {
                (a - b).abs() <= a.abs().max(b.abs()) * f64::EPSILON
            }
            (Kind::String(a), Kind::String(b)) => a == b,
            (Kind::Array(a), Kind::Array(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x.get().equals(y.get(), case_sensitive))
            }
            (Kind::Object(a), Kind::Object(b)) => covers(a, b) && covers(b, a),
            _ => false,
        }
    }
}
