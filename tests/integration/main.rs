//! Integration tests: the real binaries, real git, the real Docker engine.

mod support;

mod buildkit;
mod core;
mod day;
mod durations;
mod edges;
mod hooks;
mod proofs;
mod sandbox;
mod scaffold;
mod up;
