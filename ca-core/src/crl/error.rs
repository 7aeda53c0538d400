//! Errors of CRL generation and lookup.

/// What went wrong building, checking or finding a CRL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CrlError {
    /// The issuer has fewer shards than the one asked for.
    #[error("issuer {issuer:?} has {shards} CRL shard(s), numbered 0 to {last}; there is no shard {shard}", last = shards - 1)]
    NoSuchShard {
        /// The issuer.
        issuer: String,
        /// The shard asked for.
        shard: u32,
        /// How many shards it has.
        shards: u32,
    },
    /// A shard count outside what an issuer may have.
    #[error("an issuer may have 1 to {max} CRL shards, {given} asked")]
    BadShardCount {
        /// What was asked.
        given: u32,
        /// The limit.
        max: u32,
    },
    /// DER encoding or decoding of a CRL failed.
    #[error("CRL encoding: {0}")]
    Der(#[from] der::Error),
    /// The signed CRL does not verify under the issuer's public key: it is
    /// discarded, nothing is stored.
    #[error("the CRL {number} of issuer {issuer:?} does not verify under the issuer's public key")]
    BadSignature {
        /// The issuer.
        issuer: String,
        /// The CRL number it would have had.
        number: i64,
    },
    /// A stored CRL (the base of a delta) does not parse.
    #[error("stored CRL {number} of issuer {issuer:?} does not parse: {detail}")]
    CorruptStored {
        /// The issuer.
        issuer: String,
        /// Its number.
        number: i64,
        /// What the parser said.
        detail: String,
    },
    /// A time outside what a CRL can state.
    #[error("CRL time: {0}")]
    Time(String),
}
