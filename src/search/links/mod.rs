//! Links: URLs found in a message, normalised and unwrapped, matched against link values.
