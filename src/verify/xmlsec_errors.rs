//! libxmlsec1 reports failures through a global error callback that prints to stderr by default. Replace
//! it with one that records the messages per thread, so that they become the `detail` of a verdict
//! (telling a digest mismatch from a bad signature value) and never reach the user's terminal raw.
//! The only `unsafe` in samlint, and only with the `xmlsec` feature.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::{CStr, c_char, c_int};
use std::sync::Once;

type Callback = unsafe extern "C" fn(
    *const c_char,
    c_int,
    *const c_char,
    *const c_char,
    *const c_char,
    c_int,
    *const c_char,
);

unsafe extern "C" {
    // void xmlSecErrorsSetCallback(xmlSecErrorsCallback callback); (xmlsec/errors.h)
    fn xmlSecErrorsSetCallback(callback: Option<Callback>);
}

thread_local! {
    static MESSAGES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: libxmlsec1 passes NUL-terminated strings (or NULL, handled above) valid for the call.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

unsafe extern "C" fn record(
    _file: *const c_char,
    _line: c_int,
    func: *const c_char,
    object: *const c_char,
    _subject: *const c_char,
    _reason: c_int,
    msg: *const c_char,
) {
    let line = format!("{}: {} {}", text(func), text(object), text(msg));
    MESSAGES.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() < 32 {
            m.push(line);
        }
    });
}

static INSTALL: Once = Once::new();

/// Install the recording callback (after the xmlsec crate has initialised the library).
pub fn install() {
    INSTALL.call_once(|| {
        // SAFETY: a plain function pointer with the C signature xmlsec expects; it never unwinds.
        unsafe { xmlSecErrorsSetCallback(Some(record)) }
    });
}

/// Take the messages recorded on this thread since the last call.
pub fn take() -> Vec<String> {
    MESSAGES.with(|m| std::mem::take(&mut *m.borrow_mut()))
}
