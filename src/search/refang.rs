//! Refanging values as responders paste them.
