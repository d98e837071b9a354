//! Integration tests: the real binaries, real git, the real Docker engine.

mod support;

mod core;
mod hooks;
mod sandbox;
mod scaffold;
