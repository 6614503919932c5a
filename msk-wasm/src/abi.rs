//! The module's exports, the whole boundary with JavaScript (and the only `unsafe` code of the
//! workspace). The host copies a UTF-8 request into memory it got from `msk_alloc`, calls
//! `msk_handle`, reads the reply at the returned address (a little-endian `u32` length, then
//! that many bytes of UTF-8 JSON) and gives both buffers back with `msk_free`.
#![allow(unsafe_code)]

use std::alloc::Layout;

/// The layout of a buffer of `len` bytes handed to the host (never zero-sized: a zero-sized
/// allocation is not allowed).
fn layout(len: usize) -> Option<Layout> {
    Layout::array::<u8>(len.max(1)).ok()
}

/// A buffer of `len` bytes for the host to write a request into; null if memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn msk_alloc(len: usize) -> *mut u8 {
    match layout(len) {
        // SAFETY: the layout has a non-zero size (`layout` never makes a zero-sized one).
        Some(layout) => unsafe { std::alloc::alloc(layout) },
        None => std::ptr::null_mut(),
    }
}

/// Gives back a buffer from `msk_alloc` or `msk_handle`, with the length it was made with.
#[unsafe(no_mangle)]
pub extern "C" fn msk_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    if let Some(layout) = layout(len) {
        // SAFETY: the host passes back a pointer this module allocated with the same length
        // (`msk_alloc(len)`, or a reply of `4 + length` bytes), hence the same layout, once.
        unsafe { std::alloc::dealloc(ptr, layout) }
    }
}

/// Handles the request of `len` bytes at `ptr` (a buffer from `msk_alloc`, which the host
/// still frees); returns the reply buffer (`4 + length` bytes), null if memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn msk_handle(ptr: *const u8, len: usize) -> *mut u8 {
    let request = if ptr.is_null() || len == 0 {
        &[][..]
    } else {
        // SAFETY: the host wrote `len` bytes at `ptr`, a live buffer of at least `len` bytes
        // from `msk_alloc`, and does not touch it until this call returns.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    };
    let reply = match std::str::from_utf8(request) {
        Ok(request) => crate::handle(request),
        Err(_) => {
            r#"{"status":2,"stdout":"","stderr":"error: the request is not UTF-8\n"}"#.to_owned()
        }
    };
    let Ok(length) = u32::try_from(reply.len()) else {
        return std::ptr::null_mut();
    };
    let total = 4 + reply.len();
    let out = msk_alloc(total);
    if out.is_null() {
        return out;
    }
    // SAFETY: `out` is a fresh buffer of `total` bytes; the length takes its first 4 and the
    // reply the `reply.len()` after them, and the reply does not overlap a new allocation.
    unsafe {
        std::ptr::copy_nonoverlapping(length.to_le_bytes().as_ptr(), out, 4);
        std::ptr::copy_nonoverlapping(reply.as_ptr(), out.add(4), reply.len());
    }
    out
}
