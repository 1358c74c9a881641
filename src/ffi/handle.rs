//! The scaffolding that makes the C-boundary rules structural.
//!
//! - [`Handle`]: every opaque type handed to C declares its ownership ([`Boxed`]: one owner,
//!   `*mut`; [`Shared`]: reference-counted, `const *`, usable by many threads) and its C name.
//!   Handing out ([`Handle::give`], [`Handle::into_raw`]), borrowing with a typed NULL check
//!   ([`Handle::arg`], [`Handle::arg_mut`], only for [`Boxed`]) and freeing ([`Handle::free`])
//!   go through it, so that a handle is never released with the other allocator's rule.
//! - [`with_mut`], [`with_ref`] and [`read`]: the bodies of setters and getters in one call that
//!   includes the panic guard, the NULL check and the last-error bookkeeping.
//!
//! Every `extern "C"` body starts with one of the guard entry points (`run`, `guard`, these
//! helpers, a `Handle` method or a request helper of [`super::request`]); `tests/ffi_rules.rs`
//! fails on a body that does not.

use std::marker::PhantomData;
use std::sync::Arc;

use super::error::{Failure, openclaw_result};

/// How a handle's allocation is owned on the C side.
pub(crate) trait Ownership {
    /// Moves `value` to the heap and returns the pointer C will hold.
    fn into_raw<T>(value: T) -> *mut T;
    /// Releases what [`Ownership::into_raw`] handed out.
    ///
    /// # Safety
    /// `p` is non-NULL, came from `into_raw` of the same ownership and is released once.
    unsafe fn release<T>(p: *mut T);
}

/// One owner (`Box`): C holds a `T *`, changes it from one thread at a time, frees it once.
pub(crate) struct Boxed(PhantomData<()>);

/// Reference-counted (`Arc`): C holds a `const T *` that many threads may use at once; the
/// free drops the reference C held.
pub(crate) struct Shared(PhantomData<()>);

impl Ownership for Boxed {
    fn into_raw<T>(value: T) -> *mut T {
        Box::into_raw(Box::new(value))
    }
    unsafe fn release<T>(p: *mut T) {
        // SAFETY: forwarded contract (a pointer from Box::into_raw, released once).
        drop(unsafe { Box::from_raw(p) });
    }
}

impl Ownership for Shared {
    fn into_raw<T>(value: T) -> *mut T {
        Arc::into_raw(Arc::new(value)).cast_mut()
    }
    unsafe fn release<T>(p: *mut T) {
        // SAFETY: forwarded contract (a pointer from Arc::into_raw, released once).
        drop(unsafe { Arc::from_raw(p.cast_const()) });
    }
}

/// An opaque type handed to C.
pub(crate) trait Handle: Sized + 'static {
    /// `Boxed` or `Shared`.
    type Owner: Ownership;
    /// The C type name, for NULL-argument messages.
    const C_NAME: &'static str;

    /// Moves `value` to the heap for C.
    fn into_raw(value: Self) -> *mut Self {
        Self::Owner::into_raw(value)
    }

    /// Writes a new handle through `out`; a NULL `out` is a NULL-argument failure.
    fn give(out: *mut *mut Self, value: Self) -> Result<(), Failure> {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        // SAFETY: checked non-NULL; the caller passes writable memory.
        unsafe { *out = Self::into_raw(value) };
        Ok(())
    }

    /// Borrows a handle argument named `name`; NULL is a NULL-argument failure naming the
    /// argument and its C type.
    ///
    /// # Safety
    /// `p` is NULL or a live handle of this type from this library.
    unsafe fn arg<'a>(p: *const Self, name: &str) -> Result<&'a Self, Failure> {
        // SAFETY: forwarded contract.
        unsafe { p.as_ref() }.ok_or_else(|| Failure::null_handle(name, Self::C_NAME))
    }

    /// Borrows a single-owner handle mutably (see [`Handle::arg`]).
    ///
    /// # Safety
    /// As [`Handle::arg`], and no other reference to it is live (one thread at a time).
    unsafe fn arg_mut<'a>(p: *mut Self, name: &str) -> Result<&'a mut Self, Failure>
    where
        Self: Handle<Owner = Boxed>,
    {
        // SAFETY: forwarded contract.
        unsafe { p.as_mut() }.ok_or_else(|| Failure::null_handle(name, Self::C_NAME))
    }

    /// Frees a handle; NULL is accepted; a panic in a destructor is caught.
    ///
    /// # Safety
    /// `p` is NULL or a handle of this type from this library, not freed before.
    unsafe fn free(p: *const Self) {
        super::guard((), || {
            if !p.is_null() {
                // SAFETY: forwarded contract.
                unsafe { Self::Owner::release(p.cast_mut()) };
            }
        })
    }
}

/// Declares the ownership and C name of handle types: `handles! { Boxed: a, b; Shared: c; }`.
macro_rules! handles {
    ($($owner:ident: $($ty:ident),+;)+) => {
        $($(
            impl $crate::ffi::handle::Handle for $ty {
                type Owner = $crate::ffi::handle::$owner;
                const C_NAME: &'static str = stringify!($ty);
            }
        )+)+
    };
}
pub(crate) use handles;

/// The body of a function that changes a single-owner handle: panic guard, typed NULL check,
/// last error set or cleared, result code.
///
/// # Safety
/// `p` is NULL or a live handle of this type, used by one thread at a time.
pub(crate) unsafe fn with_mut<T: Handle<Owner = Boxed>>(
    p: *mut T,
    name: &str,
    f: impl FnOnce(&mut T) -> Result<(), Failure>,
) -> openclaw_result {
    super::run(|| {
        // SAFETY: forwarded contract.
        f(unsafe { T::arg_mut(p, name) }?)
    })
}

/// The body of a fallible function that reads a handle (see [`with_mut`]).
///
/// # Safety
/// `p` is NULL or a live handle of this type.
pub(crate) unsafe fn with_ref<T: Handle>(
    p: *const T,
    name: &str,
    f: impl FnOnce(&T) -> Result<(), Failure>,
) -> openclaw_result {
    super::run(|| {
        // SAFETY: forwarded contract.
        f(unsafe { T::arg(p, name) }?)
    })
}

/// The body of an infallible getter: `f` of the handle, or `none` for NULL (and on panic).
///
/// # Safety
/// `p` is NULL or a live handle of this type.
pub(crate) unsafe fn read<T: Handle, R: Copy>(p: *const T, none: R, f: impl FnOnce(&T) -> R) -> R {
    super::guard(none, || {
        // SAFETY: forwarded contract.
        unsafe { p.as_ref() }.map_or(none, f)
    })
}

/// The body of a `_new` function: a new single-owner handle, NULL only on panic.
pub(crate) fn new_handle<T: Handle>(make: impl FnOnce() -> T) -> *mut T {
    super::guard(std::ptr::null_mut(), || T::into_raw(make()))
}

// The stream handle lives in `super::stream`; its ownership is declared here with the others.
use super::stream::openclaw_stream;
handles! {
    Boxed: openclaw_stream;
}
