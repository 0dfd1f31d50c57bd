//! A growable array in fixed pages: pushing never moves what is there, so a table that grows
//! to hundreds of thousands of entries in a burst never holds its old and new copies at once
//! (a `Vec` doubling does, for the length of the copy) and never keeps up to half its capacity
//! unused.

/// Entries per page.
const PAGE: usize = 1024;

/// An array of `T` in pages of [`PAGE`] entries.
#[derive(Debug)]
pub struct PagedVec<T> {
    pages: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for PagedVec<T> {
    fn default() -> Self {
        PagedVec {
            pages: Vec::new(),
            len: 0,
        }
    }
}

impl<T> PagedVec<T> {
    /// Appends `value` at index `len()`.
    // Always inlined: it sits on every submission's path (through the operation table).
    #[inline(always)]
    pub fn push(&mut self, value: T) {
        if self.len % PAGE == 0 {
            self.add_page();
        }
        if let Some(page) = self.pages.last_mut() {
            page.push(value);
        }
        self.len += 1;
    }

    /// A new last page (once in `PAGE` pushes: kept out of the inlined push).
    #[cold]
    fn add_page(&mut self) {
        self.pages.push(Vec::with_capacity(PAGE));
    }

    /// The entry at `index`.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.pages.get(index / PAGE)?.get(index % PAGE)
    }

    /// The entry at `index`.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.pages.get_mut(index / PAGE)?.get_mut(index % PAGE)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many pages are allocated.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// Every entry, in index order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.pages.iter().flatten()
    }

    /// Drops every entry and gives the pages back.
    pub fn clear(&mut self) {
        self.pages = Vec::new();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_index_across_pages_and_pages_never_grow() {
        let mut v = PagedVec::default();
        for i in 0..(2 * PAGE + 3) {
            v.push(i);
        }
        assert_eq!(v.len(), 2 * PAGE + 3);
        assert_eq!(v.pages(), 3);
        assert_eq!(v.get(PAGE), Some(&PAGE));
        assert_eq!(v.get(2 * PAGE + 2), Some(&(2 * PAGE + 2)));
        assert_eq!(v.get(2 * PAGE + 3), None);
        *v.get_mut(5).unwrap() = 99;
        assert_eq!(v.iter().nth(5), Some(&99));
        assert_eq!(v.iter().count(), 2 * PAGE + 3);
        assert!(
            v.pages.iter().all(|p| p.capacity() == PAGE),
            "no page reallocated"
        );
        v.clear();
        assert!(v.is_empty());
        assert_eq!(v.pages(), 0);
    }
}
