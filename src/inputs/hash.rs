//! How an input's content is written down: `sha256:<hex>`.

use sha2::{Digest, Sha256};

/// `sha256:<hex>` of bytes.
pub fn sha256_hex(data: &[u8]) -> String {
    hex_hash(&Sha256::digest(data).into())
}

/// `sha256:<hex>` of a digest.
pub fn hex_hash(digest: &[u8; 32]) -> String {
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}
