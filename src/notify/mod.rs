//! Notify: the plain-text summary mail sent over SMTP when a run ends.
